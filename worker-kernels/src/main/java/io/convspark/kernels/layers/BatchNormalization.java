package io.convspark.kernels.layers;

import io.convspark.kernels.compute.ElementwiseKernels;
import io.convspark.kernels.init.Initializers;
import io.convspark.kernels.tensor.Shape;
import io.convspark.kernels.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Keras' {@code BatchNormalization} over the channel axis (Keras' last axis, NCHW's first): per
 * channel {@code c} of an image sample, statistics over (N, H, W); per feature of a vector sample,
 * statistics over N.
 * <pre>
 *   y = gamma_c (x - mu_c) / sqrt(var_c + epsilon) + beta_c
 * </pre>
 * <b>Training</b> ({@code ctx.training()}): {@code mu_c, var_c} are the moments of the batch, with the
 * biased variance {@code var_c = (1/m) sum (x - mu_c)^2}, {@code m = N H W}. The moving statistics
 * follow Keras: {@code moving = moving * momentum + batch * (1 - momentum)}, also with the biased
 * batch variance. That is what Keras does: Keras 3 and tf.keras' non-fused path take the variance
 * from {@code moments} (biased), and tf.keras' fused path explicitly removes the Bessel correction
 * that {@code fused_batch_norm} applies, to stay consistent with the non-fused path. (PyTorch, by
 * contrast, feeds the unbiased variance into its running variance.) A batch of 0 samples leaves the
 * moving statistics unchanged, as in Keras.
 *
 * <p><b>Inference</b>: {@code mu_c, var_c} are {@code moving_mean, moving_variance}.
 *
 * <p><b>Backward</b> differentiates what forward computed. After a training forward the batch
 * statistics depend on x, which gives the full batch-norm gradient
 * {@code dx = gamma invstd (dy - mean(dy) - xhat mean(dy xhat))} (means over the m values of the
 * channel); after an inference forward it is the affine {@code dx = gamma invstd dy}. In both,
 * {@code dgamma = sum(dy xhat)} and {@code dbeta = sum(dy)}.
 *
 * <p><b>Data-parallel replicas</b>: in training, each replica normalizes with the statistics of its
 * own shard of the batch and updates its own copy of the moving statistics; nothing is synchronized
 * across replicas here (no sync-BN). Whoever runs the replicas decides how to combine the moving
 * statistics (they are non-trainable parameters).
 *
 * <p>Parameters, in Keras' order: {@code gamma} (ones, trainable, if {@code scale}), {@code beta}
 * (zeros, trainable, if {@code center}), {@code moving_mean} (zeros) and {@code moving_variance}
 * (ones), both non-trainable. Work is split over channels; every channel is reduced by one slot in
 * a fixed order, so results do not depend on the parallelism.
 *
 * <p><b>Fused activation</b>: when an element-wise activation layer alone consumes this layer's
 * output (Conv2D, BatchNormalization, ELU), the model fuses it ({@link #fuseActivation}): forward
 * applies it to each sample's channels right after normalizing them, and backward first turns the
 * gradient it receives into the gradient before the activation ({@code dy *= f'}, through the
 * output), plane by plane, right before the plane's sums. That saves the activation layer's own
 * passes over memory.
 */
public final class BatchNormalization extends Layer {
    /** Keras' default momentum of the moving statistics. */
    public static final float DEFAULT_MOMENTUM = 0.99f;
    /** Keras' default epsilon added to the variance. */
    public static final float DEFAULT_EPSILON = 1e-3f;
    /** Each slot gets at least this many values to reduce, so small layers stay on one thread. */
    private static final int MIN_SLOT_WORK = 16_384;
    /** Values per channel and sample below which an activation is not fused (backward's per-plane calls would cost more than a pass). */
    private static final int MIN_FUSED_PLANE = 16;

    private final ElementwiseKernels kernels = ElementwiseKernels.get();
    private final float momentum;
    private final float epsilon;
    private final boolean center;
    private final boolean scale;
    private Parameter gamma;
    private Parameter beta;
    private Parameter movingMean;
    private Parameter movingVariance;
    private int channels;
    /** Values per channel in one sample: H*W for images, 1 for vectors. */
    private int inner;

    // Per-channel workspaces, allocated once in build and reused every step.
    /** The mean {@code mu_c} the last forward normalized with. */
    private float[] mean;
    /** The {@code 1 / sqrt(var_c + epsilon)} the last forward normalized with. */
    private float[] invStd;
    /** {@code gamma_c * invStd_c}. */
    private float[] channelScale;
    private double[] sum;
    private double[] sumOfProducts;
    private boolean lastForwardUsedBatchStatistics;
    /** Applied to the normalized values; set by the model from the activation layer after this one. */
    private Activation activation = Activations.LINEAR;

    /** Keras' defaults: momentum 0.99, epsilon 1e-3, center and scale on. */
    public BatchNormalization(String name) {
        this(name, DEFAULT_MOMENTUM, DEFAULT_EPSILON, true, true);
    }

    /**
     * @param momentum weight of the old value in the moving statistics' update, in [0, 1]
     * @param epsilon  added to the variance before the square root, > 0
     * @param center   learn the offset {@code beta}
     * @param scale    learn the factor {@code gamma}
     */
    public BatchNormalization(String name, float momentum, float epsilon, boolean center, boolean scale) {
        super(name);
        if (!(momentum >= 0f && momentum <= 1f)) {
            throw buildError("momentum must be in [0, 1], got " + momentum);
        }
        if (!(epsilon > 0f) || Float.isInfinite(epsilon)) {
            throw buildError("epsilon must be a positive number, got " + epsilon);
        }
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.center = center;
        this.scale = scale;
    }

    @Override
    public String type() {
        return "BatchNormalization";
    }

    public float momentum() {
        return momentum;
    }

    public float epsilon() {
        return epsilon;
    }

    public boolean center() {
        return center;
    }

    public boolean scale() {
        return scale;
    }

    /** {@code gamma[C]}, or {@code null} if {@code scale} is off. */
    public Parameter gamma() {
        return gamma;
    }

    /** {@code beta[C]}, or {@code null} if {@code center} is off. */
    public Parameter beta() {
        return beta;
    }

    public Parameter movingMean() {
        return movingMean;
    }

    public Parameter movingVariance() {
        return movingVariance;
    }

    @Override
    protected Shape computeOutputShape(List<Shape> inputs) {
        Shape in = inputs.get(0);
        if (in.rank() != 1 && in.rank() != 3) {
            throw buildError("expects an image input (channels, height, width) or a vector input (features,), "
                    + "got shape " + in);
        }
        channels = in.dim(0);
        inner = in.size() / channels;
        Shape perChannel = Shape.vector(channels);
        if (scale) {
            gamma = addParameter("gamma", perChannel, channels, channels, Initializers.ONES, null, true);
        }
        if (center) {
            beta = addParameter("beta", perChannel, channels, channels, Initializers.ZEROS, null, true);
        }
        movingMean = addParameter("moving_mean", perChannel, channels, channels, Initializers.ZEROS, null, false);
        movingVariance = addParameter("moving_variance", perChannel, channels, channels, Initializers.ONES, null,
                false);
        mean = new float[channels];
        invStd = new float[channels];
        channelScale = new float[channels];
        sum = new double[channels];
        sumOfProducts = new double[channels];
        return in;
    }

    /** Element-wise activations on image inputs (planes of at least {@link #MIN_FUSED_PLANE} values), if none is fused yet. */
    @Override
    public boolean canFuseActivation(Activation a) {
        return a.isElementwise() && !a.isLinear() && activation.isLinear() && inner >= MIN_FUSED_PLANE;
    }

    @Override
    public void fuseActivation(Activation a) {
        if (!canFuseActivation(a)) {
            throw new IllegalStateException(describe() + " cannot fuse " + a.name());
        }
        this.activation = a;
    }

    /** The activation applied to the normalized values ({@link Activations#LINEAR} unless one was fused). */
    @Override
    public Activation activation() {
        return activation;
    }

    @Override
    public void forward(Tensor[] inputs, Tensor output, StepContext ctx) {
        int n = output.batch();
        if (n == 0) {
            return;
        }
        boolean batchStatistics = ctx.training();
        lastForwardUsedBatchStatistics = batchStatistics;
        float[] x = inputs[0].data();
        float[] y = output.data();
        ctx.executor().parallelFor(channels, channelGrain(n), (slot, c0, c1) -> {
            if (batchStatistics) {
                batchMoments(x, n, c0, c1);
            } else {
                movingMoments(c0, c1);
            }
            normalize(x, y, n, c0, c1);
        });
    }

    /**
     * Batch moments of channels {@code [c0, c1)}, reduced over (N, H, W) in two passes (mean, then
     * squared deviations: no cancellation); then the moving statistics' update.
     */
    private void batchMoments(float[] x, int n, int c0, int c1) {
        int sampleSize = channels * inner;
        double invM = 1.0 / ((double) n * inner);
        // mu_c = (1/m) sum_{n,i} x[n, c, i]
        Arrays.fill(sum, c0, c1, 0.0);
        for (int s = 0; s < n; s++) {
            for (int c = c0; c < c1; c++) {
                sum[c] += kernels.sumToDouble(x, s * sampleSize + c * inner, inner);
            }
        }
        // var_c = (1/m) sum_{n,i} (x[n, c, i] - mu_c)^2   (biased)
        Arrays.fill(sumOfProducts, c0, c1, 0.0);
        for (int s = 0; s < n; s++) {
            for (int c = c0; c < c1; c++) {
                sumOfProducts[c] += kernels.squaredDeviations(x, s * sampleSize + c * inner, inner, (float) (sum[c] * invM));
            }
        }
        float[] mm = movingMean.values();
        int mmOff = movingMean.offset();
        float[] mv = movingVariance.values();
        int mvOff = movingVariance.offset();
        double keep = momentum;
        double take = 1.0 - momentum;
        for (int c = c0; c < c1; c++) {
            double mu = sum[c] * invM;
            double var = sumOfProducts[c] * invM;
            mean[c] = (float) mu;
            invStd[c] = (float) (1.0 / Math.sqrt(var + epsilon));
            // moving = moving * momentum + batch * (1 - momentum)
            mm[mmOff + c] = (float) (mm[mmOff + c] * keep + mu * take);
            mv[mvOff + c] = (float) (mv[mvOff + c] * keep + var * take);
        }
    }

    private void movingMoments(int c0, int c1) {
        float[] mm = movingMean.values();
        int mmOff = movingMean.offset();
        float[] mv = movingVariance.values();
        int mvOff = movingVariance.offset();
        for (int c = c0; c < c1; c++) {
            mean[c] = mm[mmOff + c];
            invStd[c] = (float) (1.0 / Math.sqrt((double) mv[mvOff + c] + epsilon));
        }
    }

    /** {@code y = f((x - mu_c) * gamma_c invstd_c + beta_c)} for channels {@code [c0, c1)}, f the fused activation. */
    private void normalize(float[] x, float[] y, int n, int c0, int c1) {
        int sampleSize = channels * inner;
        float[] g = scale ? gamma.values() : null;
        int gOff = scale ? gamma.offset() : 0;
        float[] b = center ? beta.values() : null;
        int bOff = center ? beta.offset() : 0;
        for (int c = c0; c < c1; c++) {
            channelScale[c] = scale ? g[gOff + c] * invStd[c] : invStd[c];
        }
        boolean activate = !activation.isLinear();
        for (int s = 0; s < n; s++) {
            for (int c = c0; c < c1; c++) {
                int off = s * sampleSize + c * inner;
                float mu = mean[c];
                float k = channelScale[c];
                float shift = center ? b[bOff + c] : 0f;
                for (int i = 0; i < inner; i++) {
                    y[off + i] = (x[off + i] - mu) * k + shift;
                }
            }
            if (activate) {
                activation.apply(y, s * sampleSize + c0 * inner, s * sampleSize + c1 * inner);
            }
        }
    }

    @Override
    public void backward(Tensor[] inputs, Tensor output, Tensor outputGrad, Tensor[] inputGrads, StepContext ctx) {
        int n = output.batch();
        float[] x = inputs[0].data();
        float[] y = output.data();
        float[] dy = outputGrad.data();
        float[] dx = inputGrads[0] == null ? null : inputGrads[0].data();
        boolean batchStatistics = lastForwardUsedBatchStatistics;
        ctx.executor().parallelFor(channels, channelGrain(n), (slot, c0, c1) -> {
            parameterGradients(x, y, dy, n, c0, c1);
            if (dx != null) {
                inputGradient(x, dy, dx, n, c0, c1, batchStatistics);
            }
        });
    }

    /**
     * {@code dbeta_c = sum dy}, {@code dgamma_c = sum dy xhat} over (N, H, W), for channels
     * {@code [c0, c1)}; the sums stay in {@link #sum} and {@link #sumOfProducts} for the input gradient.
     * With a fused activation, each plane of {@code dy} first becomes the gradient before the
     * activation, in place: {@code dy *= f'} (through the output {@code y}).
     */
    private void parameterGradients(float[] x, float[] y, float[] dy, int n, int c0, int c1) {
        int sampleSize = channels * inner;
        boolean activated = !activation.isLinear() && !outputGradientIsPreActivation();
        Arrays.fill(sum, c0, c1, 0.0);
        Arrays.fill(sumOfProducts, c0, c1, 0.0);
        for (int s = 0; s < n; s++) {
            for (int c = c0; c < c1; c++) {
                int off = s * sampleSize + c * inner;
                if (activated) {
                    activation.derive(y, dy, off, off + inner);
                }
                sum[c] += kernels.sumToDouble(dy, off, inner);
                sumOfProducts[c] += kernels.centeredDot(dy, x, off, inner, mean[c]);
            }
        }
        for (int c = c0; c < c1; c++) {
            sumOfProducts[c] *= invStd[c]; // sum dy * (x - mu) * invstd = sum dy * xhat
        }
        if (scale) {
            float[] dg = gamma.grads();
            int gOff = gamma.offset();
            for (int c = c0; c < c1; c++) {
                dg[gOff + c] = (float) sumOfProducts[c];
            }
        }
        if (center) {
            float[] db = beta.grads();
            int bOff = beta.offset();
            for (int c = c0; c < c1; c++) {
                db[bOff + c] = (float) sum[c];
            }
        }
    }

    /**
     * Batch statistics: {@code dx = gamma invstd (dy - mean(dy) - xhat mean(dy xhat))};
     * moving statistics: {@code dx = gamma invstd dy}. Channels {@code [c0, c1)}.
     */
    private void inputGradient(float[] x, float[] dy, float[] dx, int n, int c0, int c1, boolean batchStatistics) {
        int sampleSize = channels * inner;
        float[] g = scale ? gamma.values() : null;
        int gOff = scale ? gamma.offset() : 0;
        double invM = 1.0 / ((double) n * inner);
        for (int c = c0; c < c1; c++) {
            channelScale[c] = scale ? g[gOff + c] * invStd[c] : invStd[c];
        }
        for (int s = 0; s < n; s++) {
            for (int c = c0; c < c1; c++) {
                int off = s * sampleSize + c * inner;
                float k = channelScale[c];
                if (batchStatistics) {
                    float mu = mean[c];
                    float is = invStd[c];
                    float meanDy = (float) (sum[c] * invM);
                    float meanDyXhat = (float) (sumOfProducts[c] * invM);
                    for (int i = 0; i < inner; i++) {
                        float xhat = (x[off + i] - mu) * is;
                        dx[off + i] = k * (dy[off + i] - meanDy - xhat * meanDyXhat);
                    }
                } else {
                    for (int i = 0; i < inner; i++) {
                        dx[off + i] = k * dy[off + i];
                    }
                }
            }
        }
    }

    /** Channels per slot so that each slot reduces at least {@link #MIN_SLOT_WORK} values. */
    private int channelGrain(int n) {
        long perChannel = Math.max(1L, (long) n * inner);
        return (int) Math.max(1L, MIN_SLOT_WORK / perChannel);
    }
}
