package io.convspark.kernels.compute;

/**
 * The per-element passes of a training step that are not GEMMs: activations, their derivatives and
 * the sums behind bias gradients, each over a flat slice {@code [from, to)} of an array, on the calling
 * thread (callers split the work with {@link KernelExecutor}).
 *
 * <p>Lucene-style fast path: {@link ScalarElementwiseKernels} is the portable reference, written as
 * plain loops; {@link VectorElementwiseKernels} does the same with the Vector API (no data-dependent
 * branches, so ReLU masks and max-pooling comparisons cost no mispredicted branches). {@link #get}
 * chooses once per JVM ({@code -Dconvspark.elementwise=auto|vector|scalar}); tests hold the two
 * equal: bit for bit except where noted (sums are reassociated; ELU, tanh and sigmoid, computed
 * from a polynomial {@code e^x - 1}, may differ in the last ulps).
 */
public interface ElementwiseKernels {
    String name();

    /** {@code a[i] = max(a[i], 0)}; NaN stays NaN. */
    void relu(float[] a, int from, int to);

    /** {@code g[i] = y[i] > 0 ? g[i] : 0}: the ReLU derivative written through its output y. */
    void reluBackward(float[] y, float[] g, int from, int to);

    /** {@code a[i] = a[i] > 0 ? a[i] : alpha (e^a[i] - 1)}; NaN stays NaN. */
    void elu(float[] a, int from, int to, float alpha);

    /** {@code g[i] = y[i] > 0 ? g[i] : g[i] (y[i] + alpha)}: for x <= 0, d/dx alpha (e^x - 1) = y + alpha. */
    void eluBackward(float[] y, float[] g, int from, int to, float alpha);

    /** {@code a[i] = tanh(a[i])}; NaN stays NaN. */
    void tanh(float[] a, int from, int to);

    /** {@code g[i] *= 1 - y[i]^2}: the tanh derivative written through its output y (two roundings, then the product). */
    void tanhBackward(float[] y, float[] g, int from, int to);

    /** {@code a[i] = 1 / (1 + e^-a[i])}; NaN stays NaN. */
    void sigmoid(float[] a, int from, int to);

    /** {@code g[i] *= y[i] (1 - y[i])}: the sigmoid derivative written through its output y. */
    void sigmoidBackward(float[] y, float[] g, int from, int to);

    /**
     * Inverted dropout of {@code src[from, to)} into {@code dst}: element {@code j} is kept, as
     * {@code src[j] * scale}, where {@code (SplitMix64.bits(key, counter + j - from) >>> 11) < threshold},
     * and is +0 otherwise. The same mask, bit for bit, in every implementation.
     */
    void dropout(float[] src, float[] dst, int from, int to, long key, long counter, long threshold, float scale);

    /**
     * {@code sum_i a[off + i]}, {@code i < len}, as a double: the per-channel reductions of
     * BatchNormalization. The reference accumulates in double; faster paths may add blocks of a few
     * hundred values in float first (relative error about 1e-6).
     */
    double sumToDouble(float[] a, int off, int len);

    /** {@code sum_i (x[off + i] - mu)^2}, {@code i < len}, as a double (accumulated as in {@link #sumToDouble}). */
    double squaredDeviations(float[] x, int off, int len, float mu);

    /** {@code sum_i dy[off + i] * (x[off + i] - mu)}, {@code i < len}, as a double (accumulated as in {@link #sumToDouble}). */
    double centeredDot(float[] dy, float[] x, int off, int len, float mu);

    /** {@code sum of a[from, to)} (the reduction order is the implementation's). */
    float sum(float[] a, int from, int to);

    /** {@code y[yOff + i] += x[xOff + i]} for {@code i < n} (col2im's scatter-add of one run). */
    void addTo(float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * 2x2 max pooling, stride 2, of {@code planes} consecutive {@code inH x inW} planes from
     * {@code xBase} into as many consecutive {@code outH x outW} planes from {@code yBase}, every
     * window inside its plane ({@code 2 outH <= inH, 2 outW <= inW}):
     * {@code y[p, oh, ow] = max of x[p, 2oh + i, 2ow + j], i, j in {0, 1}}, and {@code argmax} at the
     * same place = the winner's index within its input plane. Ties: the first in row-major window
     * order wins; a NaN wins (the last one), so it propagates. {@code argmax} may be null (inference:
     * no backward pass will need it), and the values are then the same bits. Nothing outside the
     * output planes is written.
     */
    void maxPool2x2(float[] x, int xBase, int inH, int inW, float[] y, int[] argmax, int yBase, int outH, int outW,
                    int planes);

    /**
     * 2x2 average pooling, stride 2, over the same planes as {@link #maxPool2x2}:
     * {@code y[p, oh, ow] = ((((0 + x[2oh, 2ow]) + x[2oh, 2ow+1]) + x[2oh+1, 2ow]) + x[2oh+1, 2ow+1]) / 4},
     * summed in that order (the pooling layer's) in every implementation: bit for bit the same.
     */
    void avgPool2x2(float[] x, int xBase, int inH, int inW, float[] y, int yBase, int outH, int outW, int planes);

    /**
     * Its gradient: {@code dx = 0 + dy[p, oh, ow] / 4} on each window's four cells (as the pooling layer
     * adds to zero), 0 on the cells of no window; the {@code planes} whole input planes from {@code xBase}
     * are written.
     */
    void avgPool2x2Backward(float[] dy, int yBase, int outH, int outW, float[] dx, int xBase, int inH, int inW,
                            int planes);

    /** The implementation this JVM uses, chosen once. */
    static ElementwiseKernels get() {
        return ElementwiseKernelsChoice.SELECTED;
    }
}
