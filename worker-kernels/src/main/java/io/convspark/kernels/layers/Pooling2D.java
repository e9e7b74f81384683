package io.convspark.kernels.layers;

import io.convspark.kernels.tensor.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * Shared settings and window geometry of {@link MaxPooling2D} and {@link AveragePooling2D}.
 *
 * <p>Output size and padding follow Keras / TensorFlow's 'valid' and 'same' rules and are computed
 * by {@link ConvGeometry#ofPooling} (the same rules as convolutions, without dilation). Output cell
 * {@code o} covers input rows {@code [o*s - padTop, o*s - padTop + pool)} clipped to {@code [0, n)}:
 * padded cells take no part (max pooling treats them as -infinity, average pooling divides by the
 * number of real cells, as Keras does). With 'same' every window holds at least one real cell.
 */
abstract class Pooling2D extends Layer {
    protected final int poolH;
    protected final int poolW;
    protected final int strideH;
    protected final int strideW;
    protected final boolean samePadding;

    // Window geometry (from ConvGeometry), fixed by build.
    protected int channels;
    protected int inH;
    protected int inW;
    protected int outH;
    protected int outW;
    protected int padTop;
    protected int padLeft;

    Pooling2D(String name, int poolH, int poolW, int strideH, int strideW, boolean samePadding) {
        super(name);
        ConvGeometry.requirePositive(describe(), "pool_size", poolH, poolW);
        ConvGeometry.requirePositive(describe(), "strides", strideH, strideW);
        this.poolH = poolH;
        this.poolW = poolW;
        this.strideH = strideH;
        this.strideW = strideW;
        this.samePadding = samePadding;
    }

    public final String padding() {
        return samePadding ? "same" : "valid";
    }

    public final int poolHeight() {
        return poolH;
    }

    public final int poolWidth() {
        return poolW;
    }

    public final int strideHeight() {
        return strideH;
    }

    public final int strideWidth() {
        return strideW;
    }

    @Override
    protected final Shape computeOutputShape(List<Shape> inputs) {
        Shape in = requireImage(inputs.get(0));
        channels = in.channels();
        ConvGeometry geometry = ConvGeometry.ofPooling(describe(), in.height(), in.width(), poolH, poolW, strideH, strideW,
                samePadding ? Padding.SAME : Padding.VALID);
        inH = geometry.inH();
        inW = geometry.inW();
        outH = geometry.outH();
        outW = geometry.outW();
        padTop = geometry.padTop();
        padLeft = geometry.padLeft();
        return Shape.image(channels, outH, outW);
    }

    /** Planes (one per sample and channel) per parallel chunk: about 32k window cells of work each. */
    protected final int planeGrain() {
        long work = (long) outH * outW * poolH * poolW;
        return (int) Math.max(1, 32_768 / Math.max(1, work));
    }

    /** The work on one (sample, channel) plane: input plane at {@code xBase}, output plane at {@code yBase}. */
    @FunctionalInterface
    protected interface PlaneKernel {
        void run(int xBase, int yBase);
    }

    /** 2x2 windows, stride 2, none reaching past the plane: the common case, with its own kernel. */
    protected final boolean isPlain2x2() {
        return poolH == 2 && poolW == 2 && strideH == 2 && strideW == 2 && padTop == 0 && padLeft == 0
                && 2 * outH <= inH && 2 * outW <= inW;
    }

    /** Runs {@code kernel} on every (sample, channel) plane of a batch, in parallel over planes. */
    protected final void forEachPlane(int batch, StepContext ctx, PlaneKernel kernel) {
        int inPlane = inH * inW;
        int outPlane = outH * outW;
        ctx.executor().parallelFor(batch * channels, planeGrain(), (slot, from, to) -> {
            for (int p = from; p < to; p++) {
                kernel.run(p * inPlane, p * outPlane);
            }
        });
    }

    /** First input row of output row {@code oh}'s window, clipped to the image. */
    protected final int windowTop(int oh) {
        return Math.max(oh * strideH - padTop, 0);
    }

    /** One past the last input row of output row {@code oh}'s window, clipped to the image. */
    protected final int windowBottom(int oh) {
        return Math.min(oh * strideH - padTop + poolH, inH);
    }

    /** First input column of output column {@code ow}'s window, clipped to the image. */
    protected final int windowLeft(int ow) {
        return Math.max(ow * strideW - padLeft, 0);
    }

    /** One past the last input column of output column {@code ow}'s window, clipped to the image. */
    protected final int windowRight(int ow) {
        return Math.min(ow * strideW - padLeft + poolW, inW);
    }

    /**
     * The index within its plane (row-major, {@code width} cells a row) of the maximum of rows
     * {@code [hs, he)} x columns {@code [ws, we)} of the plane at {@code base}. Ties: the first
     * maximum wins; a NaN wins (the last one), so it propagates instead of being hidden.
     */
    static int argmax(float[] x, int base, int width, int hs, int he, int ws, int we) {
        int best = hs * width + ws;
        float max = x[base + best];
        for (int h = hs; h < he; h++) {
            int row = h * width;
            for (int w = ws; w < we; w++) {
                float v = x[base + row + w];
                if (v > max || Float.isNaN(v)) {
                    max = v;
                    best = row + w;
                }
            }
        }
        return best;
    }

    /**
     * Max-pooling backward on one plane: {@code dx} plane = 0, then each output cell's gradient
     * {@code dy[o]} is added at its recorded argmax {@code argmax[o]} (an index within the input plane).
     */
    static void scatterToArgmax(float[] dy, int[] argmax, int yBase, int outPlane, float[] dx, int xBase,
                                int inPlane) {
        Arrays.fill(dx, xBase, xBase + inPlane, 0f);
        for (int o = yBase; o < yBase + outPlane; o++) {
            dx[xBase + argmax[o]] += dy[o];
        }
    }
}
