package io.convspark.kernels.compute;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the GEMM implementation once per JVM. {@code -Dconvspark.gemm=native|vector|java|auto}
 * (default {@code auto}: with 512-bit vectors the Vector API kernel, with native OpenBLAS for
 * {@code A·Bᵀ} products when it loads ({@link TransposeRoutedGemm}); with narrower vectors native
 * OpenBLAS when it loads, else the Vector API kernel, else Java).
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

    /** Creates the named implementation; {@code auto} picks the fastest that works here. */
    public static Gemm choose(String name) {
        switch (name) {
            case "java":
                return new JavaGemm();
            case "vector":
                return vectorOrFail();
            case "native":
                return NativeGemm.loadNative();
            case "auto":
                // With 512-bit vectors our register-tiled kernel beats Debian's OpenBLAS on conv shapes
                // (GemmBench: 125-217 vs 83-113 GFLOP/s single-core); with narrower vectors native wins.
                if (vectorLanes() >= 16) {
                    // ... except A·Bᵀ, whose transposed packing OpenBLAS does faster (see TransposeRoutedGemm)
                    try {
                        return new TransposeRoutedGemm(vectorOrFail(), NativeGemm.loadNative());
                    } catch (Throwable nativeFailure) {
                        return vectorOrFail();
                    }
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
            default:
                throw new IllegalArgumentException("convspark.gemm: expected one of auto, native, vector, java; got '"
                        + name + "'");
        }
    }

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
