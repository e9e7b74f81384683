package io.convspark.kernels.compute;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the GEMM implementation once per JVM. {@code -Dconvspark.gemm=native|vector|java|auto}
 * (default {@code auto}: native OpenBLAS when it loads, else the Vector API kernel, else Java).
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
                // Native OpenBLAS first, on every CPU: with Winograd convolutions its AVX-512 kernels
                // beat the Vector API kernel on this project's GEMM shapes (small reductions over the
                // channels, A·Bᵀ weight gradients): full models 3-15% faster (bench, 2026-12-06).
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
            default:
                throw new IllegalArgumentException("convspark.gemm: expected one of auto, native, vector, java; got '"
                        + name + "'");
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
