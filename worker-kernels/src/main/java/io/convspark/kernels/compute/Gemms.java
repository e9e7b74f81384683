package io.convspark.kernels.compute;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the GEMM implementation once per JVM. {@code -Dconvspark.gemm=native|vector|java|auto}
 * (default {@code auto}: native OpenBLAS when it loads, else the Vector API kernel, else Java; see
 * {@link #automatic} for the one case where the Vector API kernel goes first).
 * The choice is logged once.
 */
public final class Gemms {
    private static final Logger LOG = LoggerFactory.getLogger(Gemms.class);
    private static volatile Gemm selected;

    private Gemms() {
    }

    /** The GEMM this JVM uses. */
    public static Gemm get() {
        Gemm g = selected;
        if (g == null) {
            synchronized (Gemms.class) {
                if (selected == null) {
                    selected = choose(System.getProperty("convspark.gemm", "auto"));
                    LOG.info("GEMM back-end: {} (set -Dconvspark.gemm=native|vector|java to override)",
                            selected.name());
                    if (selected instanceof NativeGemm && !"1".equals(System.getenv("OPENBLAS_NUM_THREADS"))) {
                        LOG.warn("OPENBLAS_NUM_THREADS is not 1: OpenBLAS threads will compete with convspark's "
                                + "kernel threads and slow training down several times; export OPENBLAS_NUM_THREADS=1 "
                                + "(on Spark: spark.executorEnv.OPENBLAS_NUM_THREADS=1)");
                    }
                }
                g = selected;
            }
        }
        return g;
    }

    /**
     * Creates the named implementation; {@code auto} picks the fastest that works here. The first call
     * also checks the JVM's JIT trap limits ({@link JitTrapLimits}).
     */
    public static Gemm choose(String name) {
        JitTrapLimits.checkOnce();
        switch (name) {
            case "java":
                return new JavaGemm();
            case "vector":
                return vectorOrFail();
            case "native":
                return NativeGemm.loadNative();
            case "auto":
                return automatic(System.getenv("OPENBLAS_CORETYPE"), vectorLanes());
            default:
                throw new IllegalArgumentException("convspark.gemm: expected one of auto, native, vector, java; got '"
                        + name + "'");
        }
    }

    /**
     * The {@code auto} choice: native OpenBLAS first (its own AVX-512 kernels beat the Vector API
     * kernel on most of this project's shapes), unless {@code OPENBLAS_CORETYPE} holds OpenBLAS to
     * kernels without AVX-512 on a CPU whose vectors are 512 bits wide: there it reaches about half
     * the cores' FMA peak (sgemm 95-104 GFLOP/s against 217 on Zen 5) and the Vector API GEMM, with
     * the layers' prepared panels, trains the course models faster. Then the Vector API kernel, then
     * plain Java.
     */
    static Gemm automatic(String coretype, int lanes) {
        if (lanes >= 16 && forcesKernelsWithoutAvx512(coretype)) {
            LOG.info("OPENBLAS_CORETYPE={} holds OpenBLAS to kernels without AVX-512 on this AVX-512 CPU: "
                    + "taking the Vector API GEMM instead (unset OPENBLAS_CORETYPE, or -Dconvspark.gemm=native, "
                    + "for OpenBLAS)", coretype);
            return vectorOrFail();   // lanes were read from it: the Vector API is there
        }
        try {
            return NativeGemm.loadNative();
        } catch (Throwable nativeFailure) {
            LOG.info("native BLAS not available ({}); install OpenBLAS (libopenblas0-pthread) for the "
                    + "fastest path on this CPU", nativeFailure.toString());
        }
        try {
            return vectorOrFail();
        } catch (Throwable vectorFailure) {
            LOG.warn("Vector API not available ({}); add --add-modules=jdk.incubator.vector",
                    vectorFailure.toString());
            return new JavaGemm();
        }
    }

    /** True when {@code OPENBLAS_CORETYPE} is set to a core type whose OpenBLAS kernels have no AVX-512. */
    static boolean forcesKernelsWithoutAvx512(String coretype) {
        if (coretype == null || coretype.isBlank()) {
            return false;   // OpenBLAS picks for the CPU itself
        }
        String type = coretype.trim().toUpperCase(java.util.Locale.ROOT);
        return !(type.equals("SKYLAKEX") || type.equals("COOPERLAKE") || type.equals("SAPPHIRERAPIDS"));
    }

    /** Float lanes of the Vector API's preferred species, 0 where the module is missing. */
    private static int vectorLanes() {
        try {
            return VectorGemm.lanes();
        } catch (Throwable noVectorApi) {
            return 0;
        }
    }

    private static Gemm vectorOrFail() {
        return new VectorGemm();
    }

    /** For tests and benchmarks: force an implementation. */
    public static synchronized void set(Gemm gemm) {
        selected = gemm;
    }
}
