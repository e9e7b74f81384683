package io.convspark.kernels.layers;

import io.convspark.kernels.compute.ElementwiseKernels;
import io.convspark.kernels.tensor.Tensor;
import java.util.Arrays;

/**
 * Keras {@code AveragePooling2D}: the mean over each {@code poolH x poolW} window of every channel.
 *
 * <pre>
 *   forward:  y[n,c,oh,ow] = (1 / count) * sum over the window's real cells (h, w) of x[n,c,h,w]
 *   backward: dx[n,c,h,w]  = sum over the windows containing (h, w) of dy[n,c,oh,ow] / count
 * </pre>
 *
 * {@code count} is the number of real (non-padded) cells of the window, so with padding 'same' the
 * border windows average only what they cover, as Keras does. Parallel over (sample, channel) planes;
 * 2x2 windows of stride 2 inside the plane run on {@link ElementwiseKernels#avgPool2x2} (vectorized, the
 * same sums in the same order).
 *
 * <p>See {@link Pooling2D} for the output size and padding rules.
 */
public final class AveragePooling2D extends Pooling2D {

    public AveragePooling2D(String name, int poolH, int poolW, int strideH, int strideW, boolean samePadding) {
        super(name, poolH, poolW, strideH, strideW, samePadding);
    }

    /** Stride equal to the pool size (the Keras default). */
    public AveragePooling2D(String name, int poolH, int poolW, boolean samePadding) {
        this(name, poolH, poolW, poolH, poolW, samePadding);
    }

    /** Square pool, stride equal to the pool size, padding 'valid': Keras {@code AveragePooling2D(pool)}. */
    public AveragePooling2D(String name, int pool) {
        this(name, pool, pool, pool, pool, false);
    }

    @Override
    public String type() {
        return "AveragePooling2D";
    }

    @Override
    public void forward(Tensor[] inputs, Tensor output, StepContext ctx) {
        float[] x = inputs[0].data();
        float[] y = output.data();
        int inPlane = inH * inW;
        int outPlane = outH * outW;
        if (isPlain2x2()) {
            ElementwiseKernels kernels = ElementwiseKernels.get();
            // one call per run of planes: the vector kernel's whole-vector stores may spill into the next plane
            ctx.executor().parallelFor(output.batch() * channels, planeGrain(), (slot, from, to) ->
                    kernels.avgPool2x2(x, from * inPlane, inH, inW, y, from * outPlane, outH, outW, to - from));
            return;
        }
        forEachPlane(output.batch(), ctx, (xBase, yBase) -> {
            for (int oh = 0; oh < outH; oh++) {
                int hs = windowTop(oh);
                int he = windowBottom(oh);
                for (int ow = 0; ow < outW; ow++) {
                    int ws = windowLeft(ow);
                    int we = windowRight(ow);
                    float sum = 0f;
                    for (int h = hs; h < he; h++) {
                        int row = xBase + h * inW;
                        for (int w = ws; w < we; w++) {
                            sum += x[row + w];
                        }
                    }
                    y[yBase + oh * outW + ow] = sum / ((he - hs) * (we - ws));
                }
            }
        });
    }

    @Override
    public void backward(Tensor[] inputs, Tensor output, Tensor outputGrad, Tensor[] inputGrads, StepContext ctx) {
        if (inputGrads[0] == null) {
            return;
        }
        float[] dx = inputGrads[0].data();
        float[] dy = outputGrad.data();
        int inPlane = inH * inW;
        if (isPlain2x2()) {
            ElementwiseKernels kernels = ElementwiseKernels.get();
            int outPlane = outH * outW;
            ctx.executor().parallelFor(output.batch() * channels, planeGrain(), (slot, from, to) ->
                    kernels.avgPool2x2Backward(dy, from * outPlane, outH, outW, dx, from * inPlane, inH, inW, to - from));
            return;
        }
        forEachPlane(output.batch(), ctx, (xBase, yBase) -> {
            Arrays.fill(dx, xBase, xBase + inPlane, 0f);
            for (int oh = 0; oh < outH; oh++) {
                int hs = windowTop(oh);
                int he = windowBottom(oh);
                for (int ow = 0; ow < outW; ow++) {
                    int ws = windowLeft(ow);
                    int we = windowRight(ow);
                    float g = dy[yBase + oh * outW + ow] / ((he - hs) * (we - ws));
                    for (int h = hs; h < he; h++) {
                        int row = xBase + h * inW;
                        for (int w = ws; w < we; w++) {
                            dx[row + w] += g;
                        }
                    }
                }
            }
        });
    }
}
