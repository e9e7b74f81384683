package io.convspark.kernels.compute;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HotSpot flags the Vector API kernels need to be compiled well in every JVM run, and a start-up
 * check that they are set.
 *
 * <p>Why: while C2 parses a method it adds up the deoptimization traps and decompilations recorded in the
 * profile of every method it inlines, once per inlined call. A large vector kernel inlines hundreds of
 * Vector API calls, and the API's shared template methods (used with several vector classes across
 * the kernels) collect a few traps each early in a run. When the sums pass {@code PerMethodTrapLimit}
 * (100) or half of {@code PerMethodRecompilationCutoff} (201), C2 stops emitting type checks from
 * profiles; vector calls whose receiver type it cannot prove become real calls, each vector is boxed,
 * and the kernel runs 3-4 times slower for the rest of the run. Whether a run crosses the line depends
 * on what was compiled and deoptimized before, so without these flags the same benchmark is fast in
 * some JVMs and slow in others (measured: {@code bench --models mnist-deitel --gemm vector}, first
 * convolution 12-19% of peak in 4 of 4 runs without, 41-55% in 4 of 4 with). Raising both limits keeps
 * C2 speculating; it costs nothing measurable elsewhere.
 */
public final class JitTrapLimits {
    private static final Logger LOG = LoggerFactory.getLogger(JitTrapLimits.class);
    /** The value both limits are raised to. */
    public static final long LIMIT = 100_000;
    /** The JVM flags to add to every JVM that runs the kernels (driver, executors, tests). */
    public static final List<String> FLAGS = List.of(
            "-XX:PerMethodTrapLimit=" + LIMIT, "-XX:PerMethodRecompilationCutoff=" + LIMIT);
    private static final List<String> NAMES = List.of("PerMethodTrapLimit", "PerMethodRecompilationCutoff");
    private static volatile boolean checked;

    private JitTrapLimits() {
    }

    /** True if this JVM has both limits at {@link #LIMIT} or above, or is not HotSpot (nothing to check). */
    public static boolean raised() {
        HotSpotDiagnosticMXBean hotspot;
        try {
            hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        } catch (Throwable notHotSpot) {
            return true;
        }
        if (hotspot == null) {
            return true;
        }
        for (String name : NAMES) {
            try {
                if (Long.parseLong(hotspot.getVMOption(name).getValue()) < LIMIT) {
                    return false;
                }
            } catch (IllegalArgumentException unknownFlag) {
                return true;
            }
        }
        return true;
    }

    /** Logs a warning, once per JVM, if the limits are at their defaults. */
    public static void checkOnce() {
        if (checked) {
            return;
        }
        checked = true;
        if (!raised()) {
            LOG.warn("HotSpot's JIT trap limits are at their defaults: in some runs C2 will compile the Vector API "
                    + "kernels with boxed vectors, 3-4 times slower. Add {} to the JVM (conf/jvm/jdk17.options; "
                    + "convspark adds them to spark.executor.extraJavaOptions)", String.join(" ", FLAGS));
        }
    }
}
