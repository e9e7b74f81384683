package io.convspark.kernels.layers;

import io.convspark.kernels.tensor.Shape;
import io.convspark.kernels.tensor.Tensor;
import java.util.List;

/**
 * A stand-alone activation, for the Keras layers {@code Activation}, {@code ReLU}, {@code LeakyReLU},
 * {@code ELU} and {@code Softmax}: {@code y = f(x)} with one of {@link Activations}, same shape.
 *
 * <pre>
 *   forward:  y = x; y = f(y) in place
 *   backward: dx = dy * f'(x), computed from y (see {@link Activation#backward})
 * </pre>
 *
 * The activation is reported by {@link #activation()}, so a model may fuse softmax with
 * cross-entropy at an {@code Activation('softmax')} output exactly as for a Dense output. Softmax
 * runs over a vector sample, or over the channels at every position of an image sample (Keras'
 * last axis), so it requires a rank-1 or rank-3 input.
 *
 * <p>When the layer before it applies the activation itself ({@link Layer#fuseActivation}), the
 * model makes this layer's output and gradient the same tensors as that layer's, and
 * {@link #markFusedIntoInput()} turns forward and backward into no-ops.
 */
public final class ActivationLayer extends Layer {
    private final Activation activation;
    private final String kerasType;

    /**
     * @param activation the function, e.g. {@link Activations#RELU} or {@code Activations.leakyRelu(0.3f)}
     * @param kerasType  the Keras class name this layer stands for, returned by {@link #type()}
     */
    public ActivationLayer(String name, Activation activation, String kerasType) {
        super(name);
        if (activation == null) {
            throw new IllegalArgumentException("layer '" + name + "': activation must not be null");
        }
        if (kerasType == null || kerasType.isEmpty()) {
            throw new IllegalArgumentException("layer '" + name + "': kerasType must not be empty");
        }
        this.activation = activation;
        this.kerasType = kerasType;
    }

    @Override
    public String type() {
        return kerasType;
    }

    @Override
    public Activation activation() {
        return activation;
    }

    @Override
    protected Shape computeOutputShape(List<Shape> inputs) {
        Shape in = inputs.get(0);
        if ("softmax".equals(activation.name()) && !Activations.softmaxAccepts(in)) {
            throw buildError("softmax needs a vector (D) or an image (C, H, W) input to normalize over D or C, got shape "
                    + in);
        }
        return in;
    }

    @Override
    public void forward(Tensor[] inputs, Tensor output, StepContext ctx) {
        if (isFusedIntoInput()) {
            return;
        }
        System.arraycopy(inputs[0].data(), 0, output.data(), 0, output.size());
        activation.forward(output, ctx.executor());
    }

    @Override
    public void backward(Tensor[] inputs, Tensor output, Tensor outputGrad, Tensor[] inputGrads, StepContext ctx) {
        if (inputGrads[0] == null || isFusedIntoInput()) {
            return;
        }
        activationBackward(output, outputGrad, ctx);
        System.arraycopy(outputGrad.data(), 0, inputGrads[0].data(), 0, output.size());
    }
}
