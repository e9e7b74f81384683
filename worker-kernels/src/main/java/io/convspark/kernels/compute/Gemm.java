package io.convspark.kernels.compute;

/**
 * Single-precision matrix multiply on row-major matrices stored in arrays with offsets:
 * {@code C[m x n] = alpha * op(A)[m x k] * op(B)[k x n] + beta * C}, where {@code op(X)} is X or
 * its transpose. {@code lda, ldb, ldc} are the row strides of the matrices as stored. One call runs
 * on the calling thread; callers parallelize over independent blocks with {@link KernelExecutor}.
 * Implementations must agree with {@link JavaGemm} within float rounding.
 */
public interface Gemm {
    String name();

    /** True for native BLAS (OpenBLAS through netlib), false for the pure-Java back-ends. */
    default boolean isNative() {
        return false;
    }

    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /**
     * Prepares {@code op(A)} [m x k] for several products {@link #sgemm(PackedA, boolean, int, float[], int, int,
     * float, float[], int, int)}: the Vector API GEMM packs it into its micro-kernel panels once, the
     * other back-ends only note where it lies. {@code reuse} is a previous result to overwrite, or null.
     * The source must stay unchanged while the result is in use.
     */
    default PackedA pack(boolean transA, int m, int k, float[] a, int aOff, int lda, PackedA reuse) {
        PackedA p = PackedA.describe(reuse, transA, m, k, a, aOff, lda);
        p.panels = null;
        return p;
    }

    /** {@code C[m x n] = op(A) op(B)[k x n] + beta C} for an {@code op(A)} prepared by {@link #pack}. */
    default void sgemm(PackedA a, boolean transB, int n, float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc) {
        sgemm(a.transA, transB, a.m, n, a.k, 1f, a.a, a.aOff, a.lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
