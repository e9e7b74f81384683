package io.convspark.kernels.model;

import io.convspark.kernels.layers.ActivationLayer;
import io.convspark.kernels.layers.Layer;
import io.convspark.kernels.layers.MaxPooling2D;
import io.convspark.kernels.layers.Parameter;
import io.convspark.kernels.layers.StepContext;
import io.convspark.kernels.tensor.Shape;
import io.convspark.kernels.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A built model: a directed acyclic graph of layers from one input to one output, in topological
 * order, with its parameters in a {@link ParameterStore}. Activations and gradients are kept in
 * tensors owned by the model and reused every step (they grow only when a larger batch arrives).
 *
 * <p>Backward walks the nodes in reverse. A node whose output feeds several consumers (a residual
 * branch, an Inception fork) receives the sum of their gradients: the first consumer writes the
 * node's gradient tensor, later ones write a per-edge scratch tensor that is then added.
 *
 * <p>An activation layer right after a layer that can apply it in its own pass (BatchNormalization
 * then ELU or ReLU) is fused into that layer and becomes a view of its tensors; see
 * {@link #fuseLayers}. Likewise a max pooling right after a convolution that can pool in its own
 * pass.
 *
 * <p>A model is used by one thread at a time (its kernels are parallel inside).
 */
public final class Model {
    /** One layer in the graph; {@code inputs[i] == INPUT} refers to the model input. */
    static final class Node {
        final Layer layer;
        final int[] inputs;
        Tensor output;
        Tensor grad;
        Tensor[] edgeScratch;
        boolean gradWritten;
        /** Reused per step: the input tensors, the gradient targets, which targets are scratch. */
        final Tensor[] inputTensors;
        final Tensor[] gradTargets;
        final boolean[] viaScratch;

        Node(Layer layer, int[] inputs) {
            this.layer = layer;
            this.inputs = inputs;
            this.inputTensors = new Tensor[inputs.length];
            this.gradTargets = new Tensor[inputs.length];
            this.viaScratch = new boolean[inputs.length];
        }
    }

    static final int INPUT = -1;
    /** System property that turns activation fusion off when "false". */
    public static final String FUSION_PROPERTY = "convspark.fusion";

    private final String name;
    private final Shape inputShape;
    private final List<Node> nodes;
    /** See {@link #gradientWatermarks}; computed on first use. */
    private int[] watermarks;
    private final ParameterStore parameters;
    private Tensor input;
    private Tensor inputGrad;
    private ModelDefinition definition;

    Model(String name, Shape inputShape, List<Node> nodes) {
        this.name = name;
        this.inputShape = inputShape;
        this.nodes = nodes;
        List<Layer> layers = new ArrayList<>();
        for (Node n : nodes) {
            layers.add(n.layer);
        }
        this.parameters = new ParameterStore(layers);
        fuseLayers();
        allocate(1);
    }

    public String name() {
        return name;
    }

    public Shape inputShape() {
        return inputShape;
    }

    public Shape outputShape() {
        return outputLayer().outputShape();
    }

    public Layer outputLayer() {
        return nodes.get(nodes.size() - 1).layer;
    }

    public List<Layer> layers() {
        List<Layer> layers = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            layers.add(n.layer);
        }
        return Collections.unmodifiableList(layers);
    }

    /** Names of the inputs of layer {@code i} ("input" for the model input). */
    public List<String> inputNames(int i) {
        List<String> names = new ArrayList<>();
        for (int in : nodes.get(i).inputs) {
            names.add(in == INPUT ? ModelBuilder.INPUT_NAME : nodes.get(in).layer.name());
        }
        return names;
    }

    /**
     * The definition this model was built from, or {@code null} for a model assembled in code with
     * {@link ModelBuilder} (such a model cannot be written to a model file).
     */
    public ModelDefinition definition() {
        return definition;
    }

    void definition(ModelDefinition definition) {
        this.definition = definition;
    }

    public ParameterStore parameters() {
        return parameters;
    }

    /** Total parameter count, trainable and not. */
    public long parameterCount() {
        return parameters.trainableCount() + parameters.nonTrainableCount();
    }

    private int[] consumerCounts() {
        int[] consumers = new int[nodes.size()];
        for (Node n : nodes) {
            for (int in : n.inputs) {
                if (in != INPUT) {
                    consumers[in]++;
                }
            }
        }
        return consumers;
    }

    /**
     * A layer whose work the layer before it can do in its own pass is fused into that layer when it
     * alone consumes that layer's output (the model's output layer is never fused away: the loss may
     * fuse with its activation):
     * <ul>
     *   <li>an activation layer after a layer that {@link Layer#canFuseActivation} it (e.g.
     *       BatchNormalization then ELU): that layer applies it to its output;</li>
     *   <li>a max pooling after a layer that {@link Layer#canFuseMaxPooling} it (e.g. a first Conv2D
     *       over a short reduction): that layer writes the pooled output, and its full output is
     *       never stored.</li>
     * </ul>
     * The fused layer then shares the tensors of the layer before and does nothing itself. Off with
     * {@code -Dconvspark.fusion=false} (read when a model is built).
     */
    private void fuseLayers() {
        if (!Boolean.parseBoolean(System.getProperty(FUSION_PROPERTY, "true"))) {
            return;
        }
        int[] consumers = consumerCounts();
        for (int k = 0; k < nodes.size() - 1; k++) {
            Node node = nodes.get(k);
            if (node.inputs[0] == INPUT || consumers[node.inputs[0]] != 1) {
                continue;
            }
            Layer producer = nodes.get(node.inputs[0]).layer;
            if (producer.isFusedIntoInput()) {
                continue;
            }
            if (node.layer instanceof ActivationLayer act && producer.canFuseActivation(act.activation())) {
                producer.fuseActivation(act.activation());
                act.markFusedIntoInput();
            } else if (node.layer instanceof MaxPooling2D pool && producer.canFuseMaxPooling(pool)) {
                producer.fuseMaxPooling(pool);
                pool.markFusedIntoInput();
            }
        }
    }

    private void allocate(int capacity) {
        for (Node n : nodes) {
            if (n.layer.isFusedIntoInput()) {
                Node producer = nodes.get(n.inputs[0]);   // earlier in topological order: allocated
                n.output = producer.output;
                n.grad = producer.grad;
            } else {
                n.output = new Tensor(n.layer.producedShape(), capacity);
                n.grad = new Tensor(n.layer.producedShape(), capacity);
            }
        }
        int[] consumers = consumerCounts();
        for (Node n : nodes) {
            n.edgeScratch = new Tensor[n.inputs.length];
            for (int i = 0; i < n.inputs.length; i++) {
                int in = n.inputs[i];
                if (in != INPUT && consumers[in] > 1) {
                    n.edgeScratch[i] = new Tensor(nodes.get(in).layer.outputShape(), capacity);
                }
            }
        }
        inputGrad = new Tensor(inputShape, capacity);
    }

    /**
     * Runs the graph on a batch ({@code input.sampleShape()} must be the model's input shape).
     * Returns the output tensor, owned by the model and valid until the next call.
     */
    public Tensor forward(Tensor batch, StepContext ctx) {
        if (!batch.sampleShape().equals(inputShape)) {
            throw new IllegalArgumentException("model '" + name + "' expects input samples of shape " + inputShape
                    + ", got " + batch.sampleShape());
        }
        this.input = batch;
        int n = batch.batch();
        for (Node node : nodes) {
            Tensor[] ins = inputsOf(node);
            node.output.setBatch(n);
            node.layer.forward(ins, node.output, ctx);
        }
        return nodes.get(nodes.size() - 1).output;
    }

    private Tensor[] inputsOf(Node node) {
        Tensor[] ins = node.inputTensors;
        for (int i = 0; i < ins.length; i++) {
            ins[i] = node.inputs[i] == INPUT ? input : nodes.get(node.inputs[i]).output;
        }
        return ins;
    }

    /** The tensor the loss writes dL/d(output) into before {@link #backward}. */
    public Tensor outputGrad() {
        Node out = nodes.get(nodes.size() - 1);
        out.grad.setBatch(out.output.batch());
        return out.grad;
    }

    /**
     * Back-propagates {@link #outputGrad()} through the graph, writing every trainable parameter's
     * gradient (plus regularization gradients). The gradient w.r.t. the model input is computed only
     * when {@code wantInputGrad}.
     */
    public void backward(StepContext ctx, boolean wantInputGrad) {
        backward(ctx, wantInputGrad, null);
    }

    /**
     * {@link #backward(StepContext, boolean)} that reports, as the layers finish from last to first,
     * a watermark {@code w}: the gradients at flat offsets {@code [w, grads().length)} are final for
     * this step (a data-parallel trainer can start reducing them while earlier layers still compute).
     * Watermarks only decrease; the last one reported is 0. With a listener the regularization
     * gradients are <b>not</b> added: they are the same on every replica, so the caller adds them
     * once the reduced gradient is complete ({@link ParameterStore#addRegularizationGradients}).
     *
     * @param finalFrom receives the watermarks, or {@code null} (then regularization is added here)
     */
    public void backward(StepContext ctx, boolean wantInputGrad, java.util.function.IntConsumer finalFrom) {
        int[] watermarks = finalFrom == null ? null : gradientWatermarks();
        int n = input.batch();
        for (Node node : nodes) {
            node.gradWritten = false;
            node.grad.setBatch(n);
        }
        nodes.get(nodes.size() - 1).gradWritten = true;
        inputGrad.setBatch(n);
        boolean inputGradWritten = false;
        for (int k = nodes.size() - 1; k >= 0; k--) {
            Node node = nodes.get(k);
            Tensor[] ins = inputsOf(node);
            Tensor[] targets = node.gradTargets;
            boolean[] viaScratch = node.viaScratch;
            java.util.Arrays.fill(targets, null);
            java.util.Arrays.fill(viaScratch, false);
            for (int i = 0; i < targets.length; i++) {
                int in = node.inputs[i];
                if (in == INPUT) {
                    if (wantInputGrad) {
                        targets[i] = inputGrad;
                        if (inputGradWritten) {
                            throw new IllegalStateException("the model input feeds several layers; input gradients "
                                    + "of such graphs are not supported");
                        }
                        inputGradWritten = true;
                    }
                    continue;
                }
                Node producer = nodes.get(in);
                if (!producer.gradWritten && !alreadyTargeted(targets, i, producer.grad)) {
                    targets[i] = producer.grad;
                } else {
                    targets[i] = node.edgeScratch[i].setBatch(n);
                    viaScratch[i] = true;
                }
            }
            node.layer.backward(ins, node.output, node.grad, targets, ctx);
            for (int i = 0; i < targets.length; i++) {
                int in = node.inputs[i];
                if (in == INPUT) {
                    continue;
                }
                Node producer = nodes.get(in);
                if (viaScratch[i]) {
                    addInto(producer.grad, targets[i], ctx);
                }
                producer.gradWritten = true;
            }
            if (watermarks != null && watermarks[k] < (k + 1 < nodes.size() ? watermarks[k + 1] : Integer.MAX_VALUE)) {
                finalFrom.accept(watermarks[k]);
            }
        }
        if (finalFrom != null) {
            finalFrom.accept(0);
        } else if (parameters.hasRegularizers()) {
            parameters.addRegularizationGradients(ctx.executor());
        }
    }

    /**
     * {@code w[k]}: after the backward of nodes {@code k..last}, every gradient at an offset
     * {@code >= w[k]} belongs to those nodes, so it is final. The lowest parameter offset among them,
     * if no earlier node's parameter reaches past it; else nothing more than before is known.
     */
    private int[] gradientWatermarks() {
        if (watermarks == null) {
            int total = parameters.grads().length;
            int[] prefixEnd = new int[nodes.size() + 1];
            for (int k = 0; k < nodes.size(); k++) {
                int end = prefixEnd[k];
                for (Parameter p : nodes.get(k).layer.parameters()) {
                    if (p.trainable()) {
                        end = Math.max(end, p.offset() + p.size());
                    }
                }
                prefixEnd[k + 1] = end;
            }
            int[] w = new int[nodes.size()];
            int lowest = total;
            int known = total;
            for (int k = nodes.size() - 1; k >= 0; k--) {
                for (Parameter p : nodes.get(k).layer.parameters()) {
                    if (p.trainable()) {
                        lowest = Math.min(lowest, p.offset());
                    }
                }
                if (prefixEnd[k] <= lowest) {
                    known = Math.min(known, lowest);
                }
                w[k] = known;
            }
            watermarks = w;
        }
        return watermarks;
    }

    private static boolean alreadyTargeted(Tensor[] targets, int upTo, Tensor t) {
        for (int i = 0; i < upTo; i++) {
            if (targets[i] == t) {
                return true;
            }
        }
        return false;
    }

    private static void addInto(Tensor dst, Tensor src, StepContext ctx) {
        float[] d = dst.data();
        float[] s = src.data();
        ctx.executor().parallelFor(dst.size(), 16_384, (slot, from, to) -> {
            for (int i = from; i < to; i++) {
                d[i] += s[i];
            }
        });
    }

    /** Gradient w.r.t. the model input from the last {@code backward(ctx, true)}. */
    public Tensor inputGrad() {
        return inputGrad;
    }

    /** Keras-like summary table. */
    public String summary() {
        return ModelSummary.render(this);
    }

    @Override
    public String toString() {
        return "Model '" + name + "' (" + nodes.size() + " layers, " + parameterCount() + " parameters)";
    }
}
