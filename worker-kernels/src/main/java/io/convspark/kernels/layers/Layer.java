package io.convspark.kernels.layers;

import io.convspark.kernels.init.Initializer;
import io.convspark.kernels.model.ModelBuildException;
import io.convspark.kernels.regularizers.Regularizer;
import io.convspark.kernels.tensor.Shape;
import io.convspark.kernels.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A node of a model: takes one or more input tensors, produces one output tensor.
 *
 * <p>Life cycle: {@link #build(List)} once with the per-sample input shapes (validates them, declares
 * parameters, returns the output shape); the model then binds the parameters to its flat arrays and
 * initializes them; then {@link #forward} and {@link #backward} run every step with tensors whose
 * batch size may change from step to step.
 *
 * <p>Backward contract: given {@code outputGrad = dL/d(output)}, write (overwrite, never add)
 * {@code dL/d(input i)} into {@code inputGrads[i]} unless it is {@code null} (no gradient wanted,
 * e.g. for the model input), and overwrite the gradients of trainable parameters. Backward may
 * use {@code outputGrad} as scratch space.
 */
public abstract class Layer {
    private final String name;
    private final List<Parameter> parameters = new ArrayList<>();
    private List<Shape> inputShapes;
    private Shape outputShape;
    private boolean outputGradientIsPreActivation;
    private boolean fusedIntoInput;

    protected Layer(String name) {
        this.name = name;
    }

    public final String name() {
        return name;
    }

    /** The Keras class name, e.g. {@code Conv2D}. */
    public abstract String type();

    /** Checks the inputs, declares the parameters and returns the per-sample output shape. */
    public final Shape build(List<Shape> inputs) {
        if (outputShape != null) {
            throw new IllegalStateException(describe() + " is already built");
        }
        if (inputs.size() < minInputs() || inputs.size() > maxInputs()) {
            String expected = minInputs() == maxInputs() ? Integer.toString(minInputs())
                    : maxInputs() == Integer.MAX_VALUE ? "at least " + minInputs()
                    : minInputs() + ".." + maxInputs();
            throw buildError("expects " + expected + " input(s), got " + inputs.size() + ": " + inputs);
        }
        this.inputShapes = List.copyOf(inputs);
        this.outputShape = computeOutputShape(this.inputShapes);
        return outputShape;
    }

    /** Validates the input shapes, declares parameters with {@link #addParameter}, returns the output shape. */
    protected abstract Shape computeOutputShape(List<Shape> inputs);

    protected int minInputs() {
        return 1;
    }

    protected int maxInputs() {
        return 1;
    }

    /** Runs the layer: {@code output = f(inputs)}; {@code output.batch()} is already set. */
    public abstract void forward(Tensor[] inputs, Tensor output, StepContext ctx);

    /** See the class comment for the contract. */
    public abstract void backward(Tensor[] inputs, Tensor output, Tensor outputGrad, Tensor[] inputGrads,
                                  StepContext ctx);

    /** The activation fused into this layer's output ({@link Activations#LINEAR} if none). */
    public Activation activation() {
        return Activations.LINEAR;
    }

    /**
     * Whether this layer can apply {@code a}, the activation of an activation layer that alone
     * consumes its output, in its own pass over the output ({@link #fuseActivation}); the model asks
     * once, after building.
     */
    public boolean canFuseActivation(Activation a) {
        return false;
    }

    /**
     * From now on this layer's output is {@code a} applied to what it computed, and backward
     * receives the gradient with respect to that output (the activation layer after it becomes a view
     * of this layer's tensors). Only after {@link #canFuseActivation} said yes.
     */
    public void fuseActivation(Activation a) {
        throw new UnsupportedOperationException(describe() + " cannot fuse an activation");
    }

    /**
     * Whether this layer can also do {@code pool}, the max pooling that alone consumes its output, in
     * its own pass ({@link #fuseMaxPooling}); the model asks once, after building.
     */
    public boolean canFuseMaxPooling(MaxPooling2D pool) {
        return false;
    }

    /**
     * From now on this layer writes {@code pool}'s output (of {@link #producedShape()}) instead of its
     * own, and backward receives the gradient with respect to that; {@code pool} becomes a view of this
     * layer's tensors. Only after {@link #canFuseMaxPooling} said yes.
     */
    public void fuseMaxPooling(MaxPooling2D pool) {
        throw new UnsupportedOperationException(describe() + " cannot fuse a pooling layer");
    }

    /**
     * The shape of the samples this layer writes: its {@link #outputShape()}, or that of the layer
     * fused into it ({@link #fuseMaxPooling}).
     */
    public Shape producedShape() {
        return outputShape();
    }

    /**
     * The layer before this one does this layer's work in its own pass ({@link #fuseActivation},
     * {@link #fuseMaxPooling}): this layer's output and gradient are then that layer's tensors, and
     * its forward and backward do nothing.
     */
    public final void markFusedIntoInput() {
        fusedIntoInput = true;
    }

    /** True once the layer before does this layer's work (see {@link #markFusedIntoInput()}). */
    public final boolean isFusedIntoInput() {
        return fusedIntoInput;
    }

    /**
     * Set by the model when the loss hands this (output) layer the gradient with respect to the
     * pre-activation values directly (softmax + cross-entropy fused): backward then skips the
     * activation's derivative.
     */
    public final void setOutputGradientIsPreActivation(boolean v) {
        this.outputGradientIsPreActivation = v;
    }

    protected final boolean outputGradientIsPreActivation() {
        return outputGradientIsPreActivation;
    }

    /**
     * The activation whose derivative backward still has to apply to the output gradient, or
     * {@code null} if none (linear, or the gradient already is the pre-activation one).
     */
    protected final Activation pendingActivationBackward() {
        return outputGradientIsPreActivation || activation().isLinear() ? null : activation();
    }

    /** Applies the fused activation's derivative to {@code grad} in place, unless the loss already did. */
    protected final void activationBackward(Tensor output, Tensor grad, StepContext ctx) {
        Activation pending = pendingActivationBackward();
        if (pending != null) {
            pending.backward(output, grad, ctx.executor());
        }
    }

    protected final Parameter addParameter(String suffix, Shape shape, int fanIn, int fanOut,
                                           Initializer init, Regularizer reg, boolean trainable) {
        Parameter p = new Parameter(name + "/" + suffix, shape, fanIn, fanOut, init, reg, trainable);
        parameters.add(p);
        return p;
    }

    public final List<Parameter> parameters() {
        return Collections.unmodifiableList(parameters);
    }

    public final long parameterCount() {
        long n = 0;
        for (Parameter p : parameters) {
            n += p.size();
        }
        return n;
    }

    public final List<Shape> inputShapes() {
        requireBuilt();
        return inputShapes;
    }

    public final Shape inputShape() {
        requireBuilt();
        return inputShapes.get(0);
    }

    public final Shape outputShape() {
        requireBuilt();
        return outputShape;
    }

    private void requireBuilt() {
        if (outputShape == null) {
            throw new IllegalStateException(describe() + " is not built yet");
        }
    }

    /** {@code layer 'conv2d_1' (Conv2D)}. */
    public final String describe() {
        return "layer '" + name + "' (" + type() + ")";
    }

    /** An error that names this layer, for impossible settings or shapes. */
    protected final ModelBuildException buildError(String message) {
        return new ModelBuildException(describe() + ": " + message);
    }

    /** Requires an image-shaped (C, H, W) input. */
    protected final Shape requireImage(Shape s) {
        if (!s.isImage()) {
            throw buildError("expects an image input (channels, height, width), got shape " + s);
        }
        return s;
    }

    @Override
    public String toString() {
        return describe();
    }
}
