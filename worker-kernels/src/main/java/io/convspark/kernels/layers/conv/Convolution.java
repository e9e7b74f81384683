package io.convspark.kernels.layers.conv;

import io.convspark.kernels.layers.Activation;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.StepContext;

/**
 * A dense 2-D convolution (cross-correlation, as in Keras) of {@code C} input channels into
 * {@code F} filters over NCHW samples, forward and backward. Implementations differ in how they
 * compute it ({@link GemmConvolution}: im2col + GEMM, any geometry; {@link WinogradConvolution}:
 * Winograd F(4x4, 3x3) or F(2x2, 3x3), 3x3 stride-1 windows) and must agree within float rounding;
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
    default void forward(float[] x, int batch, float[] w, int wOff, float[] b, int bOff, float[] y, StepContext ctx) {
        forward(x, batch, w, wOff, b, bOff, y, null, ctx);
    }

    /**
     * {@code y_n = act(conv(x_n, W) + b)}: the activation is applied to each part of {@code y} right
     * after that part is written, while it is still in cache, instead of in a pass of its own over
     * the whole output.
     *
     * @param act an element-wise activation ({@link Activation#isElementwise}), or {@code null} for none
     */
    void forward(float[] x, int batch, float[] w, int wOff, float[] b, int bOff, float[] y, Activation act,
                 StepContext ctx);

    /**
     * Gradients of {@link #forward}; {@code dw} and {@code db} are overwritten, {@code dx} too unless
     * it is {@code null}. {@code dx} may be the same array as {@code x}.
     *
     * @param dy  {@code dL/dy} for {@code batch} samples (the pre-activation gradient)
     * @param db  bias gradient array (slice at {@code dbOff}), or {@code null} if there is no bias
     */
    default void backward(float[] x, int batch, float[] dy, float[] w, int wOff, float[] dw, int dwOff,
                          float[] db, int dbOff, float[] dx, StepContext ctx) {
        backward(x, batch, dy, null, null, w, wOff, dw, dwOff, db, dbOff, dx, ctx);
    }

    /**
     * {@link #backward(float[], int, float[], float[], int, float[], int, float[], int, float[], StepContext)}
     * from the gradient of the activated output: {@code dy} is first turned, in place, into the
     * pre-activation gradient {@code dy * act'} (through the output {@code y = act(z)}), each part right
     * before the kernels read it, instead of in a pass of its own over the whole output.
     *
     * @param y   the forward output {@code act(z)}, or {@code null} when {@code act} is
     * @param act an element-wise activation ({@link Activation#isElementwise}), or {@code null} when
     *            {@code dy} already is the pre-activation gradient
     */
    void backward(float[] x, int batch, float[] dy, float[] y, Activation act, float[] w, int wOff, float[] dw,
                  int dwOff, float[] db, int dbOff, float[] dx, StepContext ctx);
}
