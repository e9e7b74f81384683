package io.convspark.kernels.layers;

import io.convspark.kernels.compute.ElementwiseKernels;
import io.convspark.kernels.random.SplitMix64;
import io.convspark.kernels.tensor.Shape;
import io.convspark.kernels.tensor.Tensor;
import java.util.List;

/**
 * Keras {@code Dropout} (inverted dropout).
 *
 * <pre>
 *   training:  y[n,i] = keep(n,i) ? x[n,i] / (1 - rate) : 0,   dx[n,i] = keep(n,i) ? dy[n,i] / (1 - rate) : 0
 *   inference: y = x,                                          dx = dy
 * </pre>
 *
 * {@code keep(n, i)} is a Bernoulli(1 - rate) draw that depends only on (seed, {@code ctx.step()},
 * global sample index {@code ctx.sampleOffset() + n}, element index {@code i}) through
 * {@link SplitMix64}: the mask is reproducible, identical whatever the batch is split into (threads or
 * data-parallel replicas), and new at every step. Backward recomputes the mask instead of storing it,
 * so it must run with the same context (step, sample offset) as the forward.
 */
public final class Dropout extends Layer {
    private final float rate;
    private final long seed;
    private final float scale;
    private final long keepThreshold;

    /** @param rate fraction of the inputs dropped in training, in [0, 1) */
    public Dropout(String name, float rate, long seed) {
        super(name);
        if (!(rate >= 0f && rate < 1f)) {
            throw buildError("rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
        this.seed = seed;
        this.scale = 1f / (1f - rate);
        this.keepThreshold = SplitMix64.bernoulliThreshold(1.0 - rate);
    }

    public float rate() {
        return rate;
    }

    public long seed() {
        return seed;
    }

    @Override
    public String type() {
        return "Dropout";
    }

    @Override
    protected Shape computeOutputShape(List<Shape> inputs) {
        return inputs.get(0);
    }

    @Override
    public void forward(Tensor[] inputs, Tensor output, StepContext ctx) {
        apply(inputs[0], output, ctx);
    }

    @Override
    public void backward(Tensor[] inputs, Tensor output, Tensor outputGrad, Tensor[] inputGrads, StepContext ctx) {
        if (inputGrads[0] != null) {
            apply(outputGrad, inputGrads[0], ctx);
        }
    }

    /** dst = src * mask / (1 - rate) in training (rate > 0), dst = src otherwise. Both passes use the same mask. */
    private void apply(Tensor src, Tensor dst, StepContext ctx) {
        float[] s = src.data();
        float[] d = dst.data();
        int total = src.size();
        if (!ctx.training() || rate == 0f) {
            System.arraycopy(s, 0, d, 0, total);
            return;
        }
        int sampleSize = src.sampleSize();
        long step = ctx.step();
        long firstSample = ctx.sampleOffset();
        long threshold = keepThreshold;
        float k = scale;
        ElementwiseKernels kernels = ElementwiseKernels.get();
        ctx.executor().parallelFor(total, 16_384, (slot, from, to) -> {
            int j = from;
            while (j < to) {
                int n = j / sampleSize;
                int end = Math.min(to, (n + 1) * sampleSize);
                kernels.dropout(s, d, j, end, SplitMix64.key(seed, step, firstSample + n), j - n * sampleSize,
                        threshold, k);
                j = end;
            }
        });
    }
}
