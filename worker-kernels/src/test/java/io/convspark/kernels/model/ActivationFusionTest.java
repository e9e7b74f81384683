package io.convspark.kernels.model;

import static io.convspark.kernels.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.compute.VectorGemm;
import io.convspark.kernels.layers.ActivationLayer;
import io.convspark.kernels.layers.Layer;
import io.convspark.kernels.layers.StepContext;
import io.convspark.kernels.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * BatchNormalization followed by an element-wise activation layer is fused into one layer: the
 * fused model computes what the layer-by-layer model computes (outputs, parameter and input
 * gradients, moving statistics, in training and inference), and fusion happens only where the
 * activation layer alone consumes an image BatchNormalization and is not the model's output.
 */
class ActivationFusionTest {
    private static final String MODEL = "{\"name\": \"fusion\", \"input\": {\"channels\": 3, \"height\": 10, \"width\": 10},"
            + " \"layers\": ["
            + " {\"type\": \"Conv2D\", \"filters\": 4, \"kernel_size\": 3, \"padding\": \"same\"},"
            + " {\"type\": \"BatchNormalization\", \"name\": \"bn1\"},"
            + " {\"type\": \"ELU\", \"name\": \"elu\"},"
            + " {\"type\": \"MaxPooling2D\", \"pool_size\": 2},"
            + " {\"type\": \"Conv2D\", \"filters\": 5, \"kernel_size\": 3, \"padding\": \"same\"},"
            + " {\"type\": \"BatchNormalization\", \"name\": \"bn2\"},"
            + " {\"type\": \"Activation\", \"name\": \"relu\", \"activation\": \"relu\"},"
            + " {\"type\": \"Flatten\"},"
            + " {\"type\": \"Dense\", \"units\": 8},"
            + " {\"type\": \"BatchNormalization\", \"name\": \"bn3\"},"
            + " {\"type\": \"Activation\", \"name\": \"tanh\", \"activation\": \"tanh\"},"
            + " {\"type\": \"Dense\", \"units\": 3},"
            + " {\"type\": \"BatchNormalization\", \"name\": \"bn4\"},"
            + " {\"type\": \"Activation\", \"name\": \"out\", \"activation\": \"softmax\"}"
            + "]}";

    private static Model build(boolean fused) {
        return FusionSwitch.build(MODEL, "fusion", 11, fused);
    }

    private static boolean fusedIntoInput(Model model, String name) {
        for (Layer l : model.layers()) {
            if (l.name().equals(name)) {
                return ((ActivationLayer) l).isFusedIntoInput();
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void fusesOnlyActivationsAfterImageBatchNormalizationThatAreNotTheOutput() {
        Model fused = build(true);
        assertTrue(fusedIntoInput(fused, "elu"));
        assertTrue(fusedIntoInput(fused, "relu"));
        assertFalse(fusedIntoInput(fused, "tanh"), "vector BatchNormalization: one value per feature and sample");
        assertFalse(fusedIntoInput(fused, "out"), "the output layer stays (the loss may fuse with it)");
        Model plain = build(false);
        assertFalse(fusedIntoInput(plain, "elu"));
        assertFalse(fusedIntoInput(plain, "relu"));
    }

    @Test
    void fusedModelComputesWhatTheLayerByLayerModelComputes() {
        Model fused = build(true);
        Model plain = build(false);
        Random rnd = new Random(3);
        int batch = 6;
        Tensor x = new Tensor(fused.inputShape(), batch);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) (2 * rnd.nextGaussian() + 0.5);
        }
        float[] r = new float[batch * fused.outputShape().size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) rnd.nextGaussian();
        }
        for (boolean training : new boolean[] {true, false}) {
            for (int threads : new int[] {1, 3}) {
                StepContext ctx = new StepContext(new KernelExecutor(threads), new VectorGemm()).training(training);
                float[][] a = step(fused, x, r, ctx);
                float[][] b = step(plain, x, r, ctx);
                String where = (training ? "training" : "inference") + ", " + threads + " thread(s)";
                assertClose(b[0], a[0], 1e-5, "outputs, " + where);
                assertClose(b[1], a[1], 1e-4, "parameter gradients, " + where);
                assertClose(b[2], a[2], 1e-4, "input gradients, " + where);
                assertClose(b[3], a[3], 1e-6, "parameters and moving statistics, " + where);
            }
        }
    }

    /** Forward, backward against r; returns outputs, gradients, input gradients and parameters (with moving statistics). */
    private static float[][] step(Model model, Tensor x, float[] r, StepContext ctx) {
        Tensor out = model.forward(x, ctx);
        float[] outputs = java.util.Arrays.copyOf(out.data(), out.size());
        System.arraycopy(r, 0, model.outputGrad().data(), 0, r.length);
        model.backward(ctx, true);
        return new float[][] {outputs, model.parameters().grads().clone(),
                java.util.Arrays.copyOf(model.inputGrad().data(), x.size()), model.parameters().values().clone()};
    }
}
