package io.convspark.kernels.bench;

import io.convspark.kernels.layers.BatchNormalization;
import io.convspark.kernels.layers.Conv2D;
import io.convspark.kernels.layers.Layer;
import io.convspark.kernels.layers.StepContext;
import io.convspark.kernels.model.Model;
import io.convspark.kernels.model.ModelBuilder;
import io.convspark.kernels.tensor.Shape;
import io.convspark.kernels.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times every layer of a model on its own: forward and backward are called directly on tensors of
 * the layer's shapes, in training mode, as {@link Model} calls them in a training step, and forward
 * once more in inference mode. Forward runs on the real activations of the layers before it (a random input batch fed through the
 * model once), backward on a random upstream gradient that is restored before every repetition
 * (backward may use it as scratch). As in training, the layers fed by the model input compute no
 * input gradient, and the output layer keeps the model's setting for a loss-fused activation.
 */
public final class LayerHarness {
    private final StepContext ctx;
    private final int batch;
    private final List<Layer> layers;
    private final Tensor[] outputs;
    private final Tensor[][] inputs;
    private final Tensor[] outputGrads;
    private final float[][] upstreamGrads;
    private final Tensor[][] inputGrads;

    /** Allocates the tensors for {@code batch} samples and fills the input and gradients from {@code seed}. */
    public LayerHarness(Model model, StepContext ctx, int batch, long seed) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch: expected >= 1, got " + batch);
        }
        this.ctx = ctx;
        this.batch = batch;
        this.layers = model.layers();
        int count = layers.size();
        SplittableRandom random = new SplittableRandom(seed);
        Tensor modelInput = new Tensor(model.inputShape(), batch);
        fill(modelInput.data(), random, 0f, 1f);

        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < count; i++) {
            index.put(layers.get(i).name(), i);
        }
        outputs = new Tensor[count];
        inputs = new Tensor[count][];
        outputGrads = new Tensor[count];
        upstreamGrads = new float[count][];
        inputGrads = new Tensor[count][];
        for (int i = 0; i < count; i++) {
            Layer layer = layers.get(i);
            // a layer that does the pooling after it writes the pooled shape
            outputs[i] = new Tensor(layer.producedShape(), batch);
            outputGrads[i] = new Tensor(layer.producedShape(), batch);
            upstreamGrads[i] = new float[outputGrads[i].size()];
            fill(upstreamGrads[i], random, -0.5f, 0.5f);
            List<String> names = model.inputNames(i);
            inputs[i] = new Tensor[names.size()];
            inputGrads[i] = new Tensor[names.size()];
            for (int j = 0; j < names.size(); j++) {
                String name = names.get(j);
                if (name.equals(ModelBuilder.INPUT_NAME) && !index.containsKey(name)) {
                    inputs[i][j] = modelInput;
                } else {
                    Shape shape = layers.get(index.get(name)).outputShape();
                    inputs[i][j] = outputs[index.get(name)];
                    inputGrads[i][j] = new Tensor(shape, batch);
                }
            }
        }
    }

    /**
     * Measures each layer's training forward, inference forward and backward, splitting {@code seconds}
     * evenly between the passes (at least 3 timed repetitions each); GFLOP/s are related to {@code peakGflops}.
     */
    public List<LayerTiming> measure(double seconds, double peakGflops) {
        trainingForward();
        double perPass = seconds / (3.0 * layers.size());
        double[] forwardMs = forwardTimes(this::training, perPass);
        // inference forward (moving statistics, no masks, no argmax), on the training forward's inputs
        double[] inferenceMs = forwardTimes(this::inference, perPass);
        // a training forward again: backward needs what it records (masks, argmax, batch statistics)
        trainingForward();
        double[] backwardMs = new double[layers.size()];
        for (int i = layers.size() - 1; i >= 0; i--) {
            final int l = i;
            Runnable restore = () -> {
                training();
                System.arraycopy(upstreamGrads[l], 0, outputGrads[l].data(), 0, upstreamGrads[l].length);
            };
            backwardMs[i] = StepTimes.measure(restore,
                    () -> layers.get(l).backward(inputs[l], outputs[l], outputGrads[l], inputGrads[l], ctx),
                    0, perPass, 3, 100_000).medianNanos() / 1e6;
        }
        List<LayerTiming> result = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            boolean inputGradient = false;
            for (Tensor g : inputGrads[i]) {
                inputGradient |= g != null;
            }
            List<Integer> shape = new ArrayList<>();
            for (int d : layer.outputShape().dims()) {
                shape.add(d);
            }
            result.add(LayerTiming.of(layer.name(), typeAndAlgorithm(layer), shape, batch,
                    forwardMs[i], inferenceMs[i], LayerFlops.forward(layer, batch),
                    backwardMs[i], LayerFlops.backward(layer, batch, inputGradient), inputGradient, peakGflops));
        }
        return result;
    }

    /**
     * The layer type, with "/winograd2" or "/winograd4" for Conv2D layers computed by Winograd F(2x2, 3x3)
     * or F(4x4, 3x3) (their GFLOP/s are then effective: direct-convolution FLOPs / time), "/short-k" for those computed by the short-reduction
     * kernel ("/short-k+pool" when it also does the max pooling after it), "/direct-f" and "/direct-p"
     * for the direct kernels with filters or positions in a vector's lanes, "+activation" for a
     * BatchNormalization that applies the activation layer after it, and "(fused)" for a layer whose
     * work the layer before does (it then costs nothing).
     */
    private static String typeAndAlgorithm(Layer layer) {
        if (layer instanceof Conv2D conv && conv.algorithm().startsWith("winograd")) {
            return layer.type() + "/winograd" + (conv.algorithm().startsWith("winograd-4x4") ? "4" : "2");
        }
        if (layer instanceof Conv2D conv && conv.algorithm().equals("im2col-short-k")) {
            return layer.type() + "/short-k";
        }
        if (layer instanceof Conv2D conv && conv.algorithm().equals("im2col-short-k+maxpool")) {
            return layer.type() + "/short-k+pool";
        }
        if (layer instanceof Conv2D conv && conv.algorithm().equals("direct-filter-lanes")) {
            return layer.type() + "/direct-f";
        }
        if (layer instanceof Conv2D conv && conv.algorithm().equals("direct-position-lanes")) {
            return layer.type() + "/direct-p";
        }
        if (layer instanceof BatchNormalization && !layer.activation().isLinear()) {
            return layer.type() + "+" + layer.activation().name();
        }
        if (layer.isFusedIntoInput()) {
            return layer.type() + " (fused)";
        }
        return layer.type();
    }

    /** One training forward through every layer, in order. */
    private void trainingForward() {
        training();
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).forward(inputs[i], outputs[i], ctx);
        }
    }

    /** Median forward milliseconds of every layer, {@code mode} set before each repetition. */
    private double[] forwardTimes(Runnable mode, double perPass) {
        double[] ms = new double[layers.size()];
        for (int i = 0; i < layers.size(); i++) {
            final int l = i;
            ms[i] = StepTimes.measure(mode, () -> layers.get(l).forward(inputs[l], outputs[l], ctx),
                    0, perPass, 3, 100_000).medianNanos() / 1e6;
        }
        return ms;
    }

    private void training() {
        ctx.training(true).step(0).sampleOffset(0);
    }

    private void inference() {
        ctx.training(false).step(0).sampleOffset(0);
    }

    private static void fill(float[] a, SplittableRandom random, float low, float high) {
        for (int i = 0; i < a.length; i++) {
            a[i] = low + (high - low) * (float) random.nextDouble();
        }
    }
}
