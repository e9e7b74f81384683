package io.convspark.kernels.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.kernels.compute.JavaGemm;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.init.Initializers;
import io.convspark.kernels.model.ModelBuildException;
import io.convspark.kernels.regularizers.L1L2;
import io.convspark.kernels.tensor.Shape;
import io.convspark.kernels.tensor.Tensor;
import io.convspark.kernels.testing.GradientCheck;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class Conv2DTest {
    private static final KernelExecutor EXECUTOR = new KernelExecutor(2);
    private static final StepContext CTX = new StepContext(EXECUTOR, new JavaGemm());

    @AfterAll
    static void close() {
        EXECUTOR.close();
    }

    // ---------------------------------------------------------------- helpers shared by the conv tests

    /** Builds the layer on {@code input} and binds its parameters to fresh arrays (random values). */
    static void buildAndBind(Layer layer, Shape input, long seed) {
        layer.build(List.of(input));
        GradientCheck.bindRandom(layer, new Random(seed));
    }

    static Tensor randomInput(Shape shape, int batch, long seed) {
        Tensor t = new Tensor(shape, batch);
        Random r = new Random(seed);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return t;
    }

    static Tensor forward(Layer layer, Tensor x, StepContext ctx) {
        Tensor y = new Tensor(layer.outputShape(), x.batch());
        layer.forward(new Tensor[] {x}, y, ctx);
        return y;
    }

    /**
     * Direct six-loop cross-correlation in double precision: the definition the layers must match.
     * w is (F, C, kh, kw); b may be null.
     */
    static double[] naiveConv(float[] x, int batch, int channels, ConvGeometry g, float[] w, float[] b, int filters) {
        int outH = g.outH();
        int outW = g.outW();
        double[] y = new double[batch * filters * outH * outW];
        for (int n = 0; n < batch; n++) {
            for (int f = 0; f < filters; f++) {
                for (int oh = 0; oh < outH; oh++) {
                    for (int ow = 0; ow < outW; ow++) {
                        double s = b == null ? 0 : b[f];
                        for (int c = 0; c < channels; c++) {
                            for (int i = 0; i < g.kernelH(); i++) {
                                for (int j = 0; j < g.kernelW(); j++) {
                                    int ih = oh * g.strideH() - g.padTop() + i * g.dilationH();
                                    int iw = ow * g.strideW() - g.padLeft() + j * g.dilationW();
                                    if (ih < 0 || ih >= g.inH() || iw < 0 || iw >= g.inW()) {
                                        continue;
                                    }
                                    s += (double) w[((f * channels + c) * g.kernelH() + i) * g.kernelW() + j]
                                            * x[((n * channels + c) * g.inH() + ih) * g.inW() + iw];
                                }
                            }
                        }
                        y[((n * filters + f) * outH + oh) * outW + ow] = s;
                    }
                }
            }
        }
        return y;
    }

    static void assertClose(double[] expected, float[] actual, double tol, String what) {
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1, Math.abs(expected[i]));
            if (!(Math.abs(expected[i] - actual[i]) <= tol * scale)) {
                throw new AssertionError(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }

    private static Conv2D conv(String name, Conv2D.Options o) {
        return new Conv2D(name, o);
    }

    // ---------------------------------------------------------------- exact reference values

    @Test
    void sobelXFilterOnA4x4Image() {
        Conv2D layer = conv("sobel", Conv2D.options(1, 3, 3).useBias(false));
        buildAndBind(layer, Shape.image(1, 4, 4), 1);
        layer.kernel().set(new float[] {-1, 0, 1, -2, 0, 2, -1, 0, 1});
        Tensor x = new Tensor(Shape.image(1, 4, 4), 1, new float[] {
            0, 50, 0, 29,
            0, 80, 31, 2,
            33, 90, 0, 75,
            0, 9, 0, 95});
        Tensor y = forward(layer, x, CTX);
        assertEquals(Shape.image(1, 2, 2), layer.outputShape());
        // top-left: -1*0 + 1*0 - 2*0 + 2*31 - 1*33 + 1*0 = 29
        // top-right: -50 + 29 - 160 + 4 - 90 + 75 = -192
        // bottom-left: -0 + 31 - 66 + 0 - 0 + 0 = -35
        // bottom-right: -80 + 2 - 180 + 150 - 9 + 95 = -22
        assertArrayEquals(new float[] {29, -192, -35, -22}, y.toArray());
    }

    /**
     * The classic "X" example (Brandon Rohrer, "How do Convolutional Neural Networks work?"): a 9x9
     * image of -1 with an X of +1 drawn along both diagonals of its inner 7x7 square, filtered with
     * the 3x3 diagonal feature divided by 9. Top-left: 7 of 9 pixels match, 7/9 = 0.777..., shown as
     * 0.77 in the classic figure (truncated; 0.78 when rounded); windows on the diagonal away from
     * the crossing match all 9 pixels (1.00); the crossing gives 5/9.
     */
    @Test
    void diagonalFeatureOnTheXImage() {
        float[] img = new float[81];
        java.util.Arrays.fill(img, -1f);
        for (int k = 1; k <= 7; k++) {
            img[k * 9 + k] = 1f;
            img[k * 9 + (8 - k)] = 1f;
        }
        Conv2D layer = conv("x", Conv2D.options(1, 3, 3).useBias(false));
        buildAndBind(layer, Shape.image(1, 9, 9), 1);
        float[] w = {1, -1, -1, -1, 1, -1, -1, -1, 1};
        for (int i = 0; i < 9; i++) {
            w[i] /= 9f;
        }
        layer.kernel().set(w);
        Tensor y = forward(layer, new Tensor(Shape.image(1, 9, 9), 1, img), CTX);
        assertEquals(Shape.image(1, 7, 7), layer.outputShape());
        float[] out = y.toArray();
        assertEquals(7.0 / 9, out[0], 1e-6);
        assertEquals(0.77, Math.floor(out[0] * 100) / 100, 1e-9);
        assertEquals(0.78, Math.round(out[0] * 100) / 100.0, 1e-9);
        double[] diagonal = {7.0 / 9, 1, 1, 5.0 / 9, 1, 1, 7.0 / 9};
        for (int k = 0; k < 7; k++) {
            assertEquals(diagonal[k], out[k * 7 + k], 1e-6, "diagonal " + k);
        }
        assertEquals(1.00, Math.round(out[1 * 7 + 1] * 100) / 100.0, 1e-9);
        assertClose(naiveConv(img, 1, 1, layer.geometry(), w, null, 1), out, 1e-6, "X image");
    }

    @Test
    void outputShapesFollowTheFormula() {
        Conv2D a = conv("a", Conv2D.options(4, 3, 3).strides(2).padding(Padding.symmetric(1, 1)));
        assertEquals(Shape.image(4, 4, 4), a.build(List.of(Shape.image(1, 7, 7))));
        Conv2D b = conv("b", Conv2D.options(8, 3, 3).strides(2).padding("same"));
        assertEquals(Shape.image(8, 14, 14), b.build(List.of(Shape.image(3, 28, 28))));
        Conv2D c = conv("c", Conv2D.options(2, 3, 3).dilationRate(2));
        assertEquals(Shape.image(2, 3, 3), c.build(List.of(Shape.image(1, 7, 7))));
    }

    @Test
    void parametersFollowKeras() {
        Conv2D layer = conv("conv2d", Conv2D.options(32, 3, 3).activation("relu").kernelInitializer("he_uniform")
                .kernelRegularizer(L1L2.l2(1e-4f)));
        layer.build(List.of(Shape.image(3, 28, 28)));
        assertEquals(32 * 3 * 3 * 3 + 32, layer.parameterCount());
        Parameter k = layer.parameters().get(0);
        assertEquals("conv2d/kernel", k.name());
        assertEquals(Shape.of(32, 3, 3, 3), k.shape());
        assertEquals(27, k.fanIn());
        assertEquals(288, k.fanOut());
        assertEquals(Initializers.HE_UNIFORM, k.initializer());
        assertTrue(k.regularizer() != null);
        Parameter b = layer.parameters().get(1);
        assertEquals("conv2d/bias", b.name());
        assertEquals(Shape.vector(32), b.shape());
        assertEquals(Initializers.ZEROS, b.initializer());
        assertEquals(Activations.RELU, layer.activation());
        assertEquals("Conv2D", layer.type());

        Conv2D noBias = conv("nb", Conv2D.options(5, 1, 1).useBias(false));
        noBias.build(List.of(Shape.image(3, 4, 4)));
        assertEquals(15, noBias.parameterCount());
        assertNull(noBias.bias());
    }

    // ---------------------------------------------------------------- against the definition

    @Test
    void matchesTheDirectDefinitionInManyConfigurations() {
        Object[][] configs = {
            {Conv2D.options(4, 3, 3), Shape.image(3, 8, 9)},
            {Conv2D.options(4, 3, 3).padding(Padding.SAME), Shape.image(2, 7, 6)},
            {Conv2D.options(3, 3, 2).strides(2, 3).padding(Padding.SAME), Shape.image(2, 9, 11)},
            {Conv2D.options(3, 3, 3).padding(Padding.explicit(2, 0, 1, 3)), Shape.image(2, 5, 6)},
            {Conv2D.options(2, 3, 3).dilationRate(2, 3).padding(Padding.SAME), Shape.image(3, 9, 10)},
            {Conv2D.options(5, 1, 1), Shape.image(4, 5, 7)},
            {Conv2D.options(5, 1, 1).strides(2), Shape.image(4, 5, 7)},
            {Conv2D.options(3, 5, 5).strides(3).padding(Padding.SAME), Shape.image(1, 4, 4)},
            {Conv2D.options(2, 4, 4).strides(2).padding(Padding.SAME).useBias(false), Shape.image(3, 8, 8)},
        };
        int idx = 0;
        for (Object[] cfg : configs) {
            Conv2D layer = conv("conv" + idx, (Conv2D.Options) cfg[0]);
            Shape in = (Shape) cfg[1];
            buildAndBind(layer, in, idx);
            Tensor x = randomInput(in, 3, 100 + idx);
            Tensor y = forward(layer, x, CTX);
            double[] expected = naiveConv(x.data(), 3, in.channels(), layer.geometry(), layer.kernel().toArray(),
                    layer.bias() == null ? null : layer.bias().toArray(), layer.filters());
            assertClose(expected, y.toArray(), 1e-5, "config " + idx + " " + layer.geometry());
            idx++;
        }
    }

    @Test
    void reluIsFused() {
        Conv2D layer = conv("r", Conv2D.options(3, 3, 3).padding("same").activation(Activations.RELU));
        Shape in = Shape.image(2, 5, 5);
        buildAndBind(layer, in, 3);
        Tensor x = randomInput(in, 2, 4);
        double[] z = naiveConv(x.data(), 2, 2, layer.geometry(), layer.kernel().toArray(), layer.bias().toArray(), 3);
        for (int i = 0; i < z.length; i++) {
            z[i] = Math.max(0, z[i]);
        }
        assertClose(z, forward(layer, x, CTX).toArray(), 1e-5, "relu");
    }

    // ---------------------------------------------------------------- gradients

    @Test
    void gradientValid() {
        GradientCheck.of(conv("g", Conv2D.options(3, 3, 3)), Shape.image(2, 6, 5)).run();
    }

    @Test
    void gradientSame() {
        GradientCheck.of(conv("g", Conv2D.options(3, 3, 3).padding("same")), Shape.image(2, 5, 5)).run();
    }

    @Test
    void gradientExplicitPaddingRectangularKernel() {
        GradientCheck.of(conv("g", Conv2D.options(2, 2, 3).padding(Padding.explicit(1, 0, 2, 1))),
                Shape.image(2, 5, 4)).run();
    }

    @Test
    void gradientStride2() {
        GradientCheck.of(conv("g", Conv2D.options(3, 3, 3).strides(2).padding("same")), Shape.image(2, 7, 8))
                .run();
        GradientCheck.of(conv("g2", Conv2D.options(2, 3, 3).strides(2, 1)), Shape.image(1, 7, 6)).run();
    }

    @Test
    void gradientDilation2() {
        GradientCheck.of(conv("g", Conv2D.options(2, 3, 3).dilationRate(2)), Shape.image(2, 7, 7)).run();
        GradientCheck.of(conv("g2", Conv2D.options(2, 3, 3).dilationRate(2).padding("same")),
                Shape.image(2, 6, 6)).run();
    }

    @Test
    void gradientPointwise() {
        GradientCheck.of(conv("g", Conv2D.options(4, 1, 1)), Shape.image(3, 4, 5)).run();
    }

    /**
     * ReLU's kink is at z = 0 of the pre-activation, a sum of 36 products here, so keeping the
     * inputs away from 0 (minAbsInput) is not enough: a perturbation of h = 1e-2 moves z across 0 in
     * several of the 45 outputs an input element feeds. A step of 1e-3 keeps the window small
     * while float rounding of the probed loss stays below the tolerance.
     */
    @Test
    void gradientReluManyChannelsBatch3() {
        GradientCheck.of(conv("g", Conv2D.options(5, 3, 3).padding("same").activation("relu")),
                Shape.image(4, 5, 5)).batch(3).minAbsInput(0.1).step(1e-3).run();
    }

    /** Exact and kink-free: ReLU's backward is the linear backward with dL/dy zeroed where y <= 0. */
    @Test
    void reluBackwardMasksTheLinearGradient() {
        Shape in = Shape.image(3, 6, 6);
        Conv2D relu = conv("relu", Conv2D.options(4, 3, 3).padding("same").activation("relu"));
        Conv2D linear = conv("linear", Conv2D.options(4, 3, 3).padding("same"));
        buildAndBind(relu, in, 21);
        buildAndBind(linear, in, 21);
        Tensor x = randomInput(in, 3, 22);
        Tensor y = forward(relu, x, CTX);
        Tensor yLinear = forward(linear, x, CTX);
        Tensor dy = randomInput(relu.outputShape(), 3, 23);
        Tensor dyMasked = new Tensor(relu.outputShape(), 3, dy.toArray());
        int zeros = 0;
        for (int i = 0; i < y.size(); i++) {
            if (y.data()[i] <= 0f) {
                dyMasked.data()[i] = 0f;
                zeros++;
            }
        }
        assertTrue(zeros > 0 && zeros < y.size(), "the test needs both signs, got " + zeros + " zeros");
        Tensor dx = new Tensor(in, 3);
        Tensor dxLinear = new Tensor(in, 3);
        relu.backward(new Tensor[] {x}, y, dy, new Tensor[] {dx}, CTX);
        linear.backward(new Tensor[] {x}, yLinear, dyMasked, new Tensor[] {dxLinear}, CTX);
        assertArrayEquals(dxLinear.toArray(), dx.toArray());
        for (int p = 0; p < 2; p++) {
            Parameter a = relu.parameters().get(p);
            Parameter b = linear.parameters().get(p);
            assertArrayEquals(java.util.Arrays.copyOfRange(b.grads(), b.offset(), b.offset() + b.size()),
                    java.util.Arrays.copyOfRange(a.grads(), a.offset(), a.offset() + a.size()), b.name());
        }
    }

    @Test
    void gradientWithoutBias() {
        GradientCheck.of(conv("g", Conv2D.options(2, 2, 2).useBias(false).strides(2)), Shape.image(3, 6, 6))
                .batch(3).run();
    }

    @Test
    void inputGradientCanBeSkipped() {
        Shape in = Shape.image(2, 6, 6);
        Conv2D layer = conv("skip", Conv2D.options(3, 3, 3).padding("same"));
        buildAndBind(layer, in, 9);
        Tensor x = randomInput(in, 2, 10);
        Tensor y = forward(layer, x, CTX);
        Tensor dy = randomInput(layer.outputShape(), 2, 11);
        Tensor dyCopy = new Tensor(layer.outputShape(), 2, dy.toArray());
        Tensor dx = new Tensor(in, 2);
        layer.backward(new Tensor[] {x}, y, dy, new Tensor[] {dx}, CTX);
        float[] dwWithDx = java.util.Arrays.copyOfRange(layer.kernel().grads(), layer.kernel().offset(),
                layer.kernel().offset() + layer.kernel().size());
        layer.backward(new Tensor[] {x}, y, dyCopy, new Tensor[] {null}, CTX);
        float[] dwWithoutDx = java.util.Arrays.copyOfRange(layer.kernel().grads(), layer.kernel().offset(),
                layer.kernel().offset() + layer.kernel().size());
        // without dx a short reduction (here 2*3*3) may take another kernel for dW: equal within float rounding
        for (int i = 0; i < dwWithDx.length; i++) {
            assertEquals(dwWithDx[i], dwWithoutDx[i], 1e-5 * Math.max(1, Math.abs(dwWithDx[i])), "dW[" + i + "]");
        }
    }

    @Test
    void batchCanChangeBetweenSteps() {
        Shape in = Shape.image(2, 6, 6);
        Conv2D layer = conv("b", Conv2D.options(3, 3, 3));
        buildAndBind(layer, in, 12);
        for (int batch : new int[] {1, 5, 2}) {
            Tensor x = randomInput(in, batch, batch);
            double[] expected = naiveConv(x.data(), batch, 2, layer.geometry(), layer.kernel().toArray(),
                    layer.bias().toArray(), 3);
            assertClose(expected, forward(layer, x, CTX).toArray(), 1e-5, "batch " + batch);
        }
    }

    // ---------------------------------------------------------------- errors

    @Test
    void kernelLargerThanInputNamesLayerAndSizes() {
        Conv2D layer = conv("conv_big", Conv2D.options(8, 5, 5));
        ModelBuildException e = assertThrows(ModelBuildException.class,
                () -> layer.build(List.of(Shape.image(1, 3, 3))));
        String m = e.getMessage();
        assertTrue(m.contains("'conv_big'") && m.contains("Conv2D"), m);
        assertTrue(m.contains("5x5") && m.contains("3x3"), m);
    }

    @Test
    void zeroFiltersIsAnError() {
        ModelBuildException e = assertThrows(ModelBuildException.class,
                () -> conv("empty", Conv2D.options(0, 3, 3)));
        assertTrue(e.getMessage().contains("'empty'") && e.getMessage().contains("filters must be >= 1, got 0"),
                e.getMessage());
    }

    @Test
    void badWindowSettingsAreErrors() {
        assertTrue(assertThrows(ModelBuildException.class, () -> conv("s", Conv2D.options(1, 3, 3).strides(0)))
                .getMessage().contains("strides"));
        assertTrue(assertThrows(ModelBuildException.class, () -> conv("k", Conv2D.options(1, 0, 3)))
                .getMessage().contains("kernel_size must be >= 1 in both dimensions, got 0x3"));
        assertTrue(assertThrows(ModelBuildException.class,
                () -> conv("d", Conv2D.options(1, 3, 3).dilationRate(0, 1))).getMessage().contains("dilation_rate"));
        assertTrue(assertThrows(ModelBuildException.class, () -> conv("p", Conv2D.options(1, 3, 3).padding(
                (Padding) null))).getMessage().contains("padding"));
    }

    @Test
    void nonImageInputIsAnError() {
        Conv2D layer = conv("flat", Conv2D.options(4, 3, 3));
        ModelBuildException e = assertThrows(ModelBuildException.class,
                () -> layer.build(List.of(Shape.vector(10))));
        assertTrue(e.getMessage().contains("'flat'") && e.getMessage().contains("(10,)"), e.getMessage());
    }

    @Test
    void optionsAreCopied() {
        Conv2D.Options o = Conv2D.options(4, 3, 3);
        Conv2D layer = conv("copy", o);
        o.filters(9).strides(2);
        assertEquals(4, layer.filters());
        assertEquals(1, layer.options().strideH());
    }
}
