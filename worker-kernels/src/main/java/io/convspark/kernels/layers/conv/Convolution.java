package io.convspark.kernels.layers.conv;

import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.StepContext;

/**
 * A dense 2-D convolution (cross-correlation, as in Keras) of {@code C} input channels into
 * {@code F} filters over NCHW samples, forward and backward. Implementations differ in how they
 * compute it ({@link GemmConvolution}: im2col + GEMM, any geometry; {@link WinogradConvolution}:
 * Winograd F(2x2, 3x3), 3x3 stride-1 windows) and must agree within float rounding;
 * {@link ConvAlgorithm} picks one per layer. Instances own per-slot workspaces and are not safe for
 * concurrent use by several passes.
 */
public interface Convolution {
    ConvGeometry geometry();

    /** The algorithm's name, for logs and benchmarks. */
    String algorithm();

    /**
     * {@code y_n = conv(x_n, W) + b} for every sample.
     *
     * @param x    {@code batch} input samples of {@code C*H*W} floats
     * @param w    the kernel {@code [F, C, kh, kw]} starting at {@code wOff}
     * @param b    the bias {@code [F]} starting at {@code bOff}, or {@code null} for none
     * @param y    receives {@code batch} output samples of {@code F*outH*outW} floats (overwritten)
     */
    void forward(float[] x, int batch, float[] w, int wOff, float[] b, int bOff, float[] y, StepContext ctx);

    /**
     * Gradients of {@link #forward}; {@code dw} and {@code db} are overwritten, {@code dx} too unless
     * it is {@code null}. {@code dx} may be the same array as {@code x}.
     *
     * @param dy  {@code dL/dy} for {@code batch} samples (the pre-activation gradient)
     * @param db  bias gradient array (slice at {@code dbOff}), or {@code null} if there is no bias
     */
    void backward(float[] x, int batch, float[] dy, float[] w, int wOff, float[] dw, int dwOff,
                  float[] db, int dbOff, float[] dx, StepContext ctx);
}
