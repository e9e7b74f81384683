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
}
