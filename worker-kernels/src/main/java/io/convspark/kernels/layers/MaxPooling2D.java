package io.convspark.kernels.layers;

import io.convspark.kernels.compute.ElementwiseKernels;
import io.convspark.kernels.tensor.Tensor;

/**
 * Keras {@code MaxPooling2D}: the maximum over each {@code poolH x poolW} window of every channel.
 *
 * <pre>
 *   forward:  y[n,c,oh,ow] = max over the window's real cells (h, w) of x[n,c,h,w]
 *   backward: dx[n,c,h,w]  = sum of dy[n,c,oh,ow] over the windows whose argmax is (h, w)
 * </pre>
 *
 * Forward in training records each window's argmax (index within its channel plane) in a workspace
 * sized to the output's capacity, so backward routes every gradient to exactly the winning input cell;
 * backward therefore expects the forward of the same step to have run just before (after an inference
 * forward, which records nothing, backward pools again to find the winners). Padded cells ('same')
 * never win. Ties: the first maximum in row-major window order wins. A NaN in a window wins, so it
 * propagates instead of being hidden. Parallel over (sample, channel) planes.
 *
 * <p>See {@link Pooling2D} for the output size and padding rules. A convolution before it may do the
 * pooling in its own pass ({@link Layer#fuseMaxPooling}); this layer then does nothing.
 */
public final class MaxPooling2D extends Pooling2D {
    private int[] argmax = new int[0];
    private boolean argmaxRecorded;   // by the last forward (training); backward records it otherwise

    public MaxPooling2D(String name, int poolH, int poolW, int strideH, int strideW, boolean samePadding) {
        super(name, poolH, poolW, strideH, strideW, samePadding);
    }

    /** Stride equal to the pool size (the Keras default). */
    public MaxPooling2D(String name, int poolH, int poolW, boolean samePadding) {
        this(name, poolH, poolW, poolH, poolW, samePadding);
    }

    /** Square pool, stride equal to the pool size, padding 'valid': Keras {@code MaxPooling2D(pool)}. */
    public MaxPooling2D(String name, int pool) {
        this(name, pool, pool, pool, pool, false);
    }

    @Override
    public String type() {
        return "MaxPooling2D";
    }

    @Override
    public void forward(Tensor[] inputs, Tensor output, StepContext ctx) {
        if (isFusedIntoInput()) {
            return;
        }
        // the argmax is only for backward: inference skips recording it
        argmaxRecorded = ctx.training();
        pool(inputs[0], output, output.data(), argmaxRecorded, ctx);
    }

    /** {@code y} = the windows' maxima (laid out as {@code output}), and their argmax if {@code record}. */
    private void pool(Tensor input, Tensor output, float[] y, boolean record, StepContext ctx) {
        float[] x = input.data();
        int need = output.size();
        if (argmax.length < need) {
            argmax = new int[Math.max(need, output.capacity() * output.sampleSize())];
        }
        int[] arg = record ? argmax : null;
        if (isPlain2x2()) {
            ElementwiseKernels kernels = ElementwiseKernels.get();
            int inPlane = inH * inW;
            int outPlane = outH * outW;
            // one call per run of planes: the vector kernel's whole-vector stores may spill into the next plane
            ctx.executor().parallelFor(output.batch() * channels, planeGrain(), (slot, from, to) ->
                    kernels.maxPool2x2(x, from * inPlane, inH, inW, y, arg, from * outPlane, outH, outW, to - from));
            return;
        }
        forEachPlane(output.batch(), ctx, (xBase, yBase) -> {
            for (int oh = 0; oh < outH; oh++) {
                int hs = windowTop(oh);
                int he = windowBottom(oh);
                for (int ow = 0; ow < outW; ow++) {
                    int best = argmax(x, xBase, inW, hs, he, windowLeft(ow), windowRight(ow));
                    int o = yBase + oh * outW + ow;
                    y[o] = x[xBase + best];
                    if (arg != null) {
                        arg[o] = best;
                    }
                }
            }
        });
    }

    @Override
    public void backward(Tensor[] inputs, Tensor output, Tensor outputGrad, Tensor[] inputGrads, StepContext ctx) {
        if (inputGrads[0] == null || isFusedIntoInput()) {
            return;
        }
        if (!argmaxRecorded) {
            // after an inference forward (a gradient of the inference function): find the winners again,
            // into scratch (the output may have been overwritten since)
            pool(inputs[0], output, new float[output.size()], true, ctx);
            argmaxRecorded = true;
        }
        float[] dx = inputGrads[0].data();
        float[] dy = outputGrad.data();
        int[] arg = argmax;
        int inPlane = inH * inW;
        int outPlane = outH * outW;
        forEachPlane(output.batch(), ctx,
                (xBase, yBase) -> scatterToArgmax(dy, arg, yBase, outPlane, dx, xBase, inPlane));
    }
}
