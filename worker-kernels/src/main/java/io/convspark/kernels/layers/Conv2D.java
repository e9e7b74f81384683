package io.convspark.kernels.layers;

import io.convspark.kernels.init.Initializer;
import io.convspark.kernels.init.Initializers;
import io.convspark.kernels.layers.conv.ConvOptions;
import io.convspark.kernels.layers.conv.ConvAlgorithm;
import io.convspark.kernels.layers.conv.Convolution;
import io.convspark.kernels.layers.conv.GemmConvolution;
import io.convspark.kernels.layers.conv.PooledShortReductionConvolution;
import io.convspark.kernels.layers.conv.PositionLanesConvolution;
import io.convspark.kernels.layers.conv.ShortReductionConvolution;
import io.convspark.kernels.layers.conv.WinogradConvolution;
import io.convspark.kernels.regularizers.Regularizer;
import io.convspark.kernels.tensor.Shape;
import io.convspark.kernels.tensor.Tensor;

/**
 * Keras' {@code Conv2D} on NCHW tensors: {@code filters} kernels of {@code kh x kw x C} slide over
 * the input (cross-correlation), plus an optional bias and a fused activation.
 * <pre>
 *   input  (C, H, W)
 *   kernel (F, C, kh, kw)     fanIn = C*kh*kw, fanOut = F*kh*kw
 *   bias   (F)
 *   output (F, outH, outW)    see {@link ConvGeometry} for the sizes
 *   y[n, f, oh, ow] = act(b[f] + sum_{c, i, j} W[f, c, i, j] * x[n, c, oh*sh - padTop + i*dh, ow*sw - padLeft + j*dw])
 * </pre>
 * Computed as {@code y_n[F, P] = W[F, C*kh*kw] x im2col(x_n)[C*kh*kw, P]} (see
 * {@link GemmConvolution}; 1x1 stride-1 convolutions skip the lowering) or, for 3x3 stride-1 windows,
 * by Winograd's F(4x4, 3x3) or F(2x2, 3x3) ({@link WinogradConvolution}); {@link ConvAlgorithm} chooses.
 *
 * <p>A first layer computed by {@link ShortReductionConvolution}, followed by a {@code MaxPooling2D}
 * alone (whole windows, stride the window's size, 'valid'), also does the pooling
 * ({@link PooledShortReductionConvolution}): it then writes the pooled output, and its own full
 * output never exists.
 */
public final class Conv2D extends ConvolutionLayer<Conv2D.Options> {
    /**
     * Conv2D settings: {@code filters} and {@code kernel_size} are required, the rest default as in
     * Keras (see {@link ConvOptions}); {@code kernel_initializer} defaults to glorot_uniform and
     * {@code kernel_regularizer} to none.
     */
    public static final class Options extends ConvOptions<Options> {
        private int filters;
        private Initializer kernelInitializer = Initializers.GLOROT_UNIFORM;
        private Regularizer kernelRegularizer;

        public Options(int filters, int kernelH, int kernelW) {
            super(kernelH, kernelW);
            this.filters = filters;
        }

        private Options(Options o) {
            super(o);
            this.filters = o.filters;
            this.kernelInitializer = o.kernelInitializer;
            this.kernelRegularizer = o.kernelRegularizer;
        }

        public Options filters(int f) {
            this.filters = f;
            return this;
        }

        public Options kernelInitializer(Initializer i) {
            this.kernelInitializer = i;
            return this;
        }

        /** Keras initializer name, see {@link Initializers#parse}. */
        public Options kernelInitializer(String keras) {
            return kernelInitializer(Initializers.parse(keras));
        }

        /** The kernel penalty, or {@code null} for none. */
        public Options kernelRegularizer(Regularizer r) {
            this.kernelRegularizer = r;
            return this;
        }

        public int filters() {
            return filters;
        }

        public Initializer kernelInitializer() {
            return kernelInitializer;
        }

        public Regularizer kernelRegularizer() {
            return kernelRegularizer;
        }

        @Override
        public void validate(String layer) {
            requirePositive(layer, "filters", filters);
            super.validate(layer);
            requireSet(layer, "kernel_initializer", kernelInitializer);
        }

        @Override
        public String toString() {
            return "filters=" + filters + ", " + super.toString() + ", kernel_initializer=" + kernelInitializer.name();
        }
    }

    /** {@code new Conv2D.Options(filters, kernelH, kernelW)}. */
    public static Options options(int filters, int kernelH, int kernelW) {
        return new Options(filters, kernelH, kernelW);
    }

    private Convolution conv;
    private Parameter kernel;
    /** Set when a max pooling is fused into this layer. */
    private PooledShortReductionConvolution pooled;
    private MaxPooling2D fusedPool;

    /**
     * @throws io.convspark.kernels.model.ModelBuildException if a setting is impossible (e.g. zero filters)
     */
    public Conv2D(String name, Options options) {
        super(name, new Options(options));
    }

    @Override
    public String type() {
        return "Conv2D";
    }

    /** A copy of the settings. */
    public Options options() {
        return new Options(options);
    }

    public int filters() {
        return options.filters();
    }

    public Parameter kernel() {
        return built(kernel);
    }

    /** How this layer's convolution is computed (after build), e.g. {@code im2col-gemm}. */
    public String algorithm() {
        outputShape();
        return pooled != null ? pooled.algorithm() : conv.algorithm();
    }

    /** Output positions per sample and filter that are computed: all, or the pooling windows' cells when one is fused. */
    public int computedPositions() {
        return pooled != null ? pooled.computedPositions() : outputShape().height() * outputShape().width();
    }

    @Override
    public boolean canFuseMaxPooling(MaxPooling2D pool) {
        Activation act = activation();
        // a first layer (short reduction, whichever kernel auto took for it): the pooled kernel replaces it
        boolean shortReduction = conv instanceof ShortReductionConvolution || conv instanceof PositionLanesConvolution;
        return pooled == null && shortReduction && act.isElementwise()
                && pool.strideHeight() == pool.poolHeight() && pool.strideWidth() == pool.poolWidth()
                && "valid".equals(pool.padding())
                && PooledShortReductionConvolution.suits(geometry(), inputShape().channels(), pool.poolHeight(),
                pool.poolWidth());
    }

    @Override
    public void fuseMaxPooling(MaxPooling2D pool) {
        pooled = new PooledShortReductionConvolution(geometry(), inputShape().channels(), options.filters(),
                pool.poolHeight(), pool.poolWidth());
        fusedPool = pool;
    }

    @Override
    public Shape producedShape() {
        return fusedPool != null ? fusedPool.outputShape() : outputShape();
    }

    @Override
    protected int outputChannels(int inputChannels) {
        return options.filters();
    }

    @Override
    protected void declareKernels(Shape in, ConvGeometry geometry) {
        int c = in.channels();
        int f = options.filters();
        int kh = options.kernelH();
        int kw = options.kernelW();
        kernel = addParameter("kernel", Shape.of(f, c, kh, kw), c * kh * kw, f * kh * kw,
                options.kernelInitializer(), options.kernelRegularizer(), true);
        try {
            conv = ConvAlgorithm.configured().create(geometry, c, f);
        } catch (IllegalArgumentException e) {
            throw buildError(e.getMessage() + " (input " + in + ")");
        }
    }

    @Override
    public void forward(Tensor[] inputs, Tensor output, StepContext ctx) {
        // y = act(W * x + b): an element-wise activation is applied by the convolution to each part of y
        // while it is in cache; softmax (over channels) in a pass of its own
        Activation act = activation();
        boolean fused = act.isElementwise() && !act.isLinear();
        if (pooled != null) {
            pooled.forward(inputs[0].data(), output.batch(), kernel.values(), kernel.offset(), biasValues(),
                    biasOffset(), output.data(), fused ? act : null, ctx);
            return;
        }
        conv.forward(inputs[0].data(), output.batch(), kernel.values(), kernel.offset(), biasValues(), biasOffset(),
                output.data(), fused ? act : null, ctx);
        if (!fused) {
            act.forward(output, ctx.executor());
        }
    }

    @Override
    public void backward(Tensor[] inputs, Tensor output, Tensor outputGrad, Tensor[] inputGrads, StepContext ctx) {
        // dW, db and (unless not wanted) dx from dL/dz = dL/dy * act'(z), which an element-wise activation
        // makes in place in outputGrad part by part as the convolution reads it; others in a pass of their own
        Activation act = pendingActivationBackward();
        boolean fused = act != null && act.isElementwise();
        if (pooled != null) {
            // output and outputGrad are the pooled ones; the derivative is taken at the winners
            pooled.backward(inputs[0].data(), output.batch(), outputGrad.data(), output.data(), act, kernel.values(),
                    kernel.offset(), kernel.grads(), kernel.offset(), biasGrads(), biasOffset(), inputGradData(inputGrads),
                    ctx);
            return;
        }
        if (!fused) {
            activationBackward(output, outputGrad, ctx);
        }
        conv.backward(inputs[0].data(), output.batch(), outputGrad.data(), fused ? output.data() : null,
                fused ? act : null, kernel.values(), kernel.offset(), kernel.grads(), kernel.offset(), biasGrads(),
                biasOffset(), inputGradData(inputGrads), ctx);
    }
}
