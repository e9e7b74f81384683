package io.convspark.kernels.compute;

/**
 * One GEMM for {@code A·Bᵀ} (B transposed, A not) and another for every other product: the
 * Vector API kernel packs a transposed B (and a row-major A) with scalar transposes, which cost
 * more than the arithmetic when the product is small and the reduction long, as in convolutions'
 * weight gradients ({@code dW = dy x colᵀ}; Winograd's {@code dU = dM x Vᵀ}); OpenBLAS packs them
 * with its own kernels. Measured single-core on this project's shapes (ConvAlgorithmBench): Winograd
 * backward 1.2-1.4x faster on the CIFAR layers with OpenBLAS for {@code A·Bᵀ}, the rest equal or
 * faster on the Vector API kernel.
 */
final class TransposeRoutedGemm implements Gemm {
    private final Gemm general;
    private final Gemm transposedB;

    TransposeRoutedGemm(Gemm general, Gemm transposedB) {
        this.general = general;
        this.transposedB = transposedB;
    }

    @Override
    public String name() {
        return general.name() + " (" + transposedB.name() + " for A·Bᵀ)";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Gemm g = transB && !transA ? transposedB : general;
        g.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
