package io.convspark.kernels.compute;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;

/**
 * GEMM through dev.ludovic.netlib's BLAS (native OpenBLAS when {@code libblas.so.3} is OpenBLAS).
 * BLAS is column-major; a row-major {@code C = op(A) op(B)} is the column-major
 * {@code C^T = op(B)^T op(A)^T}, so the operands are passed swapped.
 */
public final class NativeGemm implements Gemm {
    private final BLAS blas;
    private final String name;

    private NativeGemm(BLAS blas, String name) {
        this.blas = blas;
        this.name = name;
    }

    /** Native BLAS, or an exception saying why it could not be loaded. */
    public static NativeGemm loadNative() {
        return new NativeGemm(NativeBLAS.getInstance(), "native");
    }

    /** Whatever dev.ludovic.netlib picks best: native if loadable, else its Vector API BLAS. */
    public static NativeGemm netlibDefault() {
        BLAS b = BLAS.getInstance();
        return new NativeGemm(b, "netlib-" + b.getClass().getSimpleName());
    }

    @Override
    public boolean isNative() {
        return true;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        blas.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha,
                b, bOff, ldb, a, aOff, lda, beta, c, cOff, ldc);
    }
}
