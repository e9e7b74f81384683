package io.convspark.kernels.model;

import static io.convspark.kernels.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.kernels.compute.Gemm;
import io.convspark.kernels.compute.JavaGemm;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.compute.VectorGemm;
import io.convspark.kernels.layers.Conv2D;
import io.convspark.kernels.layers.Layer;
import io.convspark.kernels.layers.StepContext;
import io.convspark.kernels.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A first Conv2D over a short reduction followed by a MaxPooling2D alone is fused into one pass
 * ({@code PooledShortReductionConvolution}): the fused model computes what the layer-by-layer model
 * computes (outputs bit for bit with ReLU or no activation, within rounding with the others; parameter
 * and input gradients, with and without an input gradient,
 * after a training or an inference forward, at 1 and 3 threads, on the vector and plain Java GEMMs),
 * for 2x2 windows (vector code) and others (window code), planes that the windows do not cover
 * whole, strides, padding, dilation, every element-wise activation and no bias. Fusion happens only
 * where it may.
 */
class PoolingFusionTest {
    private static String model(int channels, int size, String conv, String pool) {
        return "{\"name\": \"pooling-fusion\", \"input\": {\"channels\": " + channels + ", \"height\": " + size
                + ", \"width\": " + size + "}, \"layers\": ["
                + " {\"type\": \"Conv2D\", \"name\": \"first\", " + conv + "},"
                + " {\"type\": \"MaxPooling2D\", \"name\": \"pool\", " + pool + "},"
                + " {\"type\": \"Conv2D\", \"filters\": 3, \"kernel_size\": 2},"
                + " {\"type\": \"Flatten\"},"
                + " {\"type\": \"Dense\", \"units\": 4, \"activation\": \"softmax\"}"
                + "]}";
    }

    private static Model build(String json, boolean fused) {
        return FusionSwitch.build(json, "pooling-fusion", 5, fused);
    }

    private static Layer layer(Model model, String name) {
        for (Layer l : model.layers()) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        throw new AssertionError(name);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        // channels | input size | conv settings | pooling settings
        "1|14|\"filters\": 8, \"kernel_size\": 3, \"activation\": \"relu\"|\"pool_size\": 2",
        "1|13|\"filters\": 6, \"kernel_size\": 3, \"activation\": \"relu\"|\"pool_size\": 2",
        "1|17|\"filters\": 13, \"kernel_size\": 3, \"activation\": \"elu\"|\"pool_size\": 2",
        "3|12|\"filters\": 5, \"kernel_size\": 3, \"activation\": \"tanh\", \"padding\": \"same\"|\"pool_size\": 2",
        "1|16|\"filters\": 6, \"kernel_size\": 5, \"activation\": \"sigmoid\"|\"pool_size\": 2",
        "1|15|\"filters\": 4, \"kernel_size\": 3, \"use_bias\": false|\"pool_size\": 2",
        "1|20|\"filters\": 9, \"kernel_size\": 3, \"strides\": 2, \"activation\": \"relu\"|\"pool_size\": 2",
        "2|19|\"filters\": 7, \"kernel_size\": 3, \"dilation_rate\": 2, \"activation\": \"relu\"|\"pool_size\": 2",
        "1|17|\"filters\": 8, \"kernel_size\": 3, \"activation\": \"relu\"|\"pool_size\": 3",
        "1|14|\"filters\": 5, \"kernel_size\": 3, \"activation\": \"relu\"|\"pool_size\": [2, 3]",
        "1|40|\"filters\": 16, \"kernel_size\": 3, \"activation\": \"relu\"|\"pool_size\": 2",
    })
    void fusedModelComputesWhatTheLayerByLayerModelComputes(String spec) {
        String[] parts = spec.split("\\|");
        String json = model(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), parts[2], parts[3]);
        boolean exactActivation = !parts[2].contains("\"activation\"") || parts[2].contains("\"relu\"");
        Model fused = build(json, true);
        Model plain = build(json, false);
        assertEquals("im2col-short-k+maxpool", ((Conv2D) layer(fused, "first")).algorithm(),
                "the first layer does the pooling");
        assertTrue(layer(fused, "pool").isFusedIntoInput());
        assertFalse(layer(plain, "pool").isFusedIntoInput());
        Random rnd = new Random(7);
        int batch = 5;
        Tensor x = new Tensor(fused.inputShape(), batch);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) rnd.nextGaussian();
        }
        float[] r = new float[batch * fused.outputShape().size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) rnd.nextGaussian();
        }
        for (Gemm gemm : new Gemm[] {new VectorGemm(), new JavaGemm()}) {
            for (int threads : new int[] {1, 3}) {
                for (boolean training : new boolean[] {true, false}) {
                    for (boolean inputGrad : new boolean[] {false, true}) {
                        StepContext ctx = new StepContext(new KernelExecutor(threads), gemm).training(training);
                        float[][] a = step(fused, x, r, ctx, inputGrad);
                        float[][] b = step(plain, x, r, ctx, inputGrad);
                        String where = gemm.name() + ", " + threads + " thread(s), "
                                + (training ? "training" : "inference") + " forward, "
                                + (inputGrad ? "with" : "without") + " input gradient";
                        if (exactActivation) {
                            assertEquals(Arrays.toString(b[0]), Arrays.toString(a[0]), "outputs, " + where);
                        } else {
                            // ELU, tanh, sigmoid: their vector code and scalar tail may round differently,
                            // and the pooled layout sends other elements through each
                            assertClose(b[0], a[0], 1e-5, "outputs, " + where);
                        }
                        assertClose(b[1], a[1], 1e-4, "parameter gradients, " + where);
                        if (inputGrad) {
                            assertClose(b[2], a[2], 1e-4, "input gradients, " + where);
                        }
                    }
                }
            }
        }
    }

    /** Forward, backward against r; returns outputs, parameter gradients and input gradients. */
    private static float[][] step(Model model, Tensor x, float[] r, StepContext ctx, boolean inputGrad) {
        Tensor out = model.forward(x, ctx);
        float[] outputs = Arrays.copyOf(out.data(), out.size());
        System.arraycopy(r, 0, model.outputGrad().data(), 0, r.length);
        model.backward(ctx, inputGrad);
        return new float[][] {outputs, model.parameters().grads().clone(),
                Arrays.copyOf(model.inputGrad().data(), x.size())};
    }

    @Test
    void fusesOnlyWholeWindowPoolingAloneAfterAShortReduction() {
        assertFused(false, model(1, 14, "\"filters\": 4, \"kernel_size\": 3", "\"pool_size\": 2, \"strides\": 1"),
                "overlapping windows");
        assertFused(false, model(1, 14, "\"filters\": 4, \"kernel_size\": 3", "\"pool_size\": 2, \"padding\": \"same\""),
                "'same' pooling");
        assertFused(false, model(8, 14, "\"filters\": 4, \"kernel_size\": 3", "\"pool_size\": 2"),
                "a reduction of 72 (Winograd)");
        assertFused(false, model(1, 14, "\"filters\": 4, \"kernel_size\": 1", "\"pool_size\": 2"),
                "a 1x1 convolution");
        assertFused(false, model(1, 14, "\"filters\": 4, \"kernel_size\": 3", "\"pool_size\": 5"),
                "a window of 25 cells");
        assertFused(true, model(1, 14, "\"filters\": 4, \"kernel_size\": 3", "\"pool_size\": 2"), "the plain case");
        String forked = "{\"name\": \"fork\", \"input\": {\"channels\": 1, \"height\": 10, \"width\": 10}, \"layers\": ["
                + " {\"type\": \"Conv2D\", \"name\": \"first\", \"filters\": 4, \"kernel_size\": 3},"
                + " {\"type\": \"MaxPooling2D\", \"name\": \"pool\", \"pool_size\": 2},"
                + " {\"type\": \"Flatten\", \"name\": \"flat_pool\"},"
                + " {\"type\": \"Flatten\", \"name\": \"flat_conv\", \"inputs\": [\"first\"]},"
                + " {\"type\": \"Concatenate\", \"inputs\": [\"flat_pool\", \"flat_conv\"]},"
                + " {\"type\": \"Dense\", \"units\": 2}"
                + "]}";
        assertFused(false, forked, "the convolution's output also feeds another layer");
    }

    private static void assertFused(boolean expected, String json, String why) {
        Model model = build(json, true);
        assertEquals(expected, layer(model, "pool").isFusedIntoInput(), why);
        assertEquals(expected ? "im2col-short-k+maxpool" : "no fusion",
                expected ? ((Conv2D) layer(model, "first")).algorithm() : "no fusion", why);
    }
}
