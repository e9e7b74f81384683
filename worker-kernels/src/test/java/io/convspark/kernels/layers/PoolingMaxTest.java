package io.convspark.kernels.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.kernels.compute.JavaGemm;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.model.ModelBuildException;
import io.convspark.kernels.tensor.Shape;
import io.convspark.kernels.tensor.Tensor;
import io.convspark.kernels.testing.GradientCheck;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PoolingMaxTest {
    private static final StepContext CTX = new StepContext(new KernelExecutor(2), new JavaGemm());

    static float[] run(Layer layer, Shape in, int batch, float[] x) {
        layer.build(List.of(in));
        Tensor input = new Tensor(in, batch, x);
        Tensor output = new Tensor(layer.outputShape(), batch);
        layer.forward(new Tensor[] {input}, output, CTX);
        return output.toArray();
    }

    /** 7x7 map with 1.00 on the main diagonal and smaller values elsewhere. */
    private static float[] diagonalMap() {
        float[] m = new float[49];
        for (int h = 0; h < 7; h++) {
            for (int w = 0; w < 7; w++) {
                m[h * 7 + w] = h == w ? 1f : 0.11f * ((h * 3 + w * 5) % 9) - 0.33f;
            }
        }
        return m;
    }

    @Test
    void diagonalMapPoolsToDiagonalWithSamePadding() {
        MaxPooling2D pool = new MaxPooling2D("pool", 2, 2, true);
        float[] y = run(pool, Shape.image(1, 7, 7), 1, diagonalMap());
        assertEquals(Shape.image(1, 4, 4), pool.outputShape());
        for (int h = 0; h < 4; h++) {
            for (int w = 0; w < 4; w++) {
                float v = y[h * 4 + w];
                if (h == w) {
                    assertEquals(1f, v, 0f, "diagonal at " + h);
                } else {
                    assertTrue(v < 1f, "off-diagonal (" + h + "," + w + ") = " + v);
                }
            }
        }
    }

    @Test
    void diagonalMapWithValidPaddingDropsLastRowAndColumn() {
        MaxPooling2D pool = new MaxPooling2D("pool", 2);
        float[] y = run(pool, Shape.image(1, 7, 7), 1, diagonalMap());
        assertEquals(Shape.image(1, 3, 3), pool.outputShape());
        assertEquals(1f, y[0]);
        assertEquals(1f, y[4]);
        assertEquals(1f, y[8]);
    }

    /** The classic "X" image example: 9x9 X, 3x3 diagonal filter (mean of products) -> 7x7 map -> max pool 2 'same'. */
    @Test
    void xImageFeatureMapPooling() {
        float[] img = new float[81];
        for (int h = 0; h < 9; h++) {
            for (int w = 0; w < 9; w++) {
                boolean stroke = h >= 1 && h <= 7 && (h == w || h == 8 - w);
                img[h * 9 + w] = stroke ? 1f : -1f;
            }
        }
        float[] filter = {1, -1, -1, -1, 1, -1, -1, -1, 1};
        float[] map = new float[49];
        for (int h = 0; h < 7; h++) {
            for (int w = 0; w < 7; w++) {
                float s = 0;
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        s += img[(h + i) * 9 + w + j] * filter[i * 3 + j];
                    }
                }
                map[h * 7 + w] = s / 9f;
            }
        }
        assertEquals(7f / 9f, map[0], 1e-6f);
        assertEquals(1f, map[8], 1e-6f);
        float[] y = run(new MaxPooling2D("pool", 2, 2, true), Shape.image(1, 7, 7), 1, map);
        // Diagonal: 1.00, 1.00, 1.00 and, in the corner window holding only the real cell (6,6), 0.77.
        assertEquals(1f, y[0], 1e-6f);
        assertEquals(1f, y[5], 1e-6f);
        assertEquals(1f, y[10], 1e-6f);
        assertEquals(7f / 9f, y[15], 1e-6f);
        // Last column window (rows 0-1, real column 6 only): max(map[0][6], map[1][6]).
        assertEquals(Math.max(map[6], map[13]), y[3], 0f);
    }

    @Test
    void kerasFlooringForOddSizes() {
        assertEquals(Shape.image(3, 5, 5), new MaxPooling2D("a", 2).build(List.of(Shape.image(3, 11, 11))));
        assertEquals(Shape.image(3, 6, 6), new MaxPooling2D("b", 2).build(List.of(Shape.image(3, 13, 13))));
        assertEquals(Shape.image(3, 6, 6), new MaxPooling2D("c", 2, 2, true).build(List.of(Shape.image(3, 11, 11))));
        assertEquals(Shape.image(2, 4, 3), new MaxPooling2D("d", 3, 2, 2, 3, false).build(List.of(Shape.image(2, 9, 8))));
        assertEquals(Shape.image(2, 5, 3), new MaxPooling2D("e", 3, 2, 2, 3, true).build(List.of(Shape.image(2, 9, 8))));
    }

    @Test
    void handValuesValid() {
        // 4x4, values 1..16, pool 2 stride 2.
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) {
            x[i] = i + 1;
        }
        assertArrayEquals(new float[] {6, 8, 14, 16}, run(new MaxPooling2D("p", 2), Shape.image(1, 4, 4), 1, x));
        // Overlapping windows: pool 3 stride 1 on 4x4 -> 2x2.
        assertArrayEquals(new float[] {11, 12, 15, 16},
                run(new MaxPooling2D("p", 3, 3, 1, 1, false), Shape.image(1, 4, 4), 1, x));
    }

    @Test
    void handValuesSameAtBorders() {
        // 3x3 of negatives -1..-9: padded cells must not win (a zero pad would give 0).
        float[] x = {-1, -2, -3, -4, -5, -6, -7, -8, -9};
        // pool 2 stride 2 'same': out 2x2, pad 0 before, 1 after.
        assertArrayEquals(new float[] {-1, -3, -7, -9}, run(new MaxPooling2D("p", 2, 2, true), Shape.image(1, 3, 3), 1, x));
        // pool 3 stride 1 'same': pad 1 each side.
        assertArrayEquals(new float[] {-1, -1, -2, -1, -1, -2, -4, -4, -5},
                run(new MaxPooling2D("p", 3, 3, 1, 1, true), Shape.image(1, 3, 3), 1, x));
    }

    @Test
    void tiesFirstMaxWinsAndBackwardScattersToArgmax() {
        MaxPooling2D pool = new MaxPooling2D("p", 2);
        Shape in = Shape.image(2, 2, 4);
        float[] x = {
            5, 5, 1, 2,
            5, 0, 9, 9,
            // channel 1
            0, 3, 7, 1,
            4, 2, 1, 6,
        };
        float[] y = run(pool, in, 1, x);
        assertArrayEquals(new float[] {5, 9, 4, 7}, y);
        Tensor dy = new Tensor(pool.outputShape(), 1, new float[] {10, 20, 30, 40});
        Tensor dx = new Tensor(in, 1);
        dx.fill(Float.NaN);
        pool.backward(new Tensor[] {new Tensor(in, 1, x)}, new Tensor(pool.outputShape(), 1, y), dy,
                new Tensor[] {dx}, CTX);
        assertArrayEquals(new float[] {
            10, 0, 0, 0,
            0, 0, 20, 0,
            0, 0, 40, 0,
            30, 0, 0, 0,
        }, dx.toArray());
    }

    @Test
    void overlappingWindowsAccumulateGradient() {
        // 1x3 row, pool 1x2 stride 1: both windows pick the middle cell.
        MaxPooling2D pool = new MaxPooling2D("p", 1, 2, 1, 1, false);
        Shape in = Shape.image(1, 1, 3);
        float[] x = {1, 5, 2};
        float[] y = run(pool, in, 1, x);
        assertArrayEquals(new float[] {5, 5}, y);
        Tensor dx = new Tensor(in, 1);
        pool.backward(new Tensor[] {new Tensor(in, 1, x)}, new Tensor(pool.outputShape(), 1, y),
                new Tensor(pool.outputShape(), 1, new float[] {1.5f, 2f}), new Tensor[] {dx}, CTX);
        assertArrayEquals(new float[] {0, 3.5f, 0}, dx.toArray());
    }

    @Test
    void nanPropagates() {
        float[] y = run(new MaxPooling2D("p", 2), Shape.image(1, 2, 2), 1, new float[] {1, Float.NaN, 3, 2});
        assertTrue(Float.isNaN(y[0]));
    }

    @Test
    void batchGrowsBeyondCapacity() {
        MaxPooling2D pool = new MaxPooling2D("p", 2);
        Shape in = Shape.image(1, 2, 2);
        pool.build(List.of(in));
        Tensor out = new Tensor(pool.outputShape(), 1);
        pool.forward(new Tensor[] {new Tensor(in, 1, new float[] {1, 2, 3, 4})}, out, CTX);
        out.setBatch(3);
        Tensor x3 = new Tensor(in, 3, new float[] {1, 2, 3, 4, 8, 7, 6, 5, 0, -1, -2, -3});
        pool.forward(new Tensor[] {x3}, out, CTX);
        assertArrayEquals(new float[] {4, 8, 0}, out.toArray());
        Tensor dx = new Tensor(in, 3);
        pool.backward(new Tensor[] {x3}, out, new Tensor(pool.outputShape(), 3, new float[] {1, 2, 3}), new Tensor[] {dx}, CTX);
        assertArrayEquals(new float[] {0, 0, 0, 1, 2, 0, 0, 0, 3, 0, 0, 0}, dx.toArray());
    }

    @Test
    void poolLargerThanInputWithValidPaddingIsABuildError() {
        ModelBuildException e = assertThrows(ModelBuildException.class,
                () -> new MaxPooling2D("pool1", 3).build(List.of(Shape.image(4, 2, 5))));
        assertTrue(e.getMessage().contains("'pool1'") && e.getMessage().contains("3x3")
                && e.getMessage().contains("2x5") && e.getMessage().contains("'valid'"), e.getMessage());
        assertEquals("layer 'pool1' (MaxPooling2D): pool_size 3x3 does not fit input 2x5 (height x width) with padding "
                + "'valid': the output would be 0x1; use a smaller pool_size, padding 'same', or a larger input",
                e.getMessage());
        // 'same' padding accepts it: out = ceil(2/3) x ceil(5/3).
        assertEquals(Shape.image(4, 1, 2), new MaxPooling2D("pool2", 3, 3, true).build(List.of(Shape.image(4, 2, 5))));
    }

    @Test
    void badSettingsAndShapes() {
        ModelBuildException size = assertThrows(ModelBuildException.class, () -> new MaxPooling2D("p", 0));
        assertEquals("layer 'p' (MaxPooling2D): pool_size must be >= 1 in both dimensions, got 0x0", size.getMessage());
        ModelBuildException e = assertThrows(ModelBuildException.class,
                () -> new MaxPooling2D("p", 2, 2, 0, 1, false));
        assertTrue(e.getMessage().contains("strides"), e.getMessage());
        e = assertThrows(ModelBuildException.class, () -> new MaxPooling2D("p", 2).build(List.of(Shape.vector(10))));
        assertTrue(e.getMessage().contains("(10,)"), e.getMessage());
    }

    /**
     * Adds well-separated fixed offsets (a permutation of multiples of 3) before pooling, so a +-h
     * perturbation of inputs in [-1, 1] can never change a window's argmax. d(x + o)/dx = 1, so
     * the wrapped layer's input gradient is the pooling layer's.
     */
    static final class Separated extends Layer {
        private final Layer inner;
        private float[] offsets;
        private Tensor shifted;

        Separated(Layer inner) {
            super(inner.name());
            this.inner = inner;
        }

        @Override
        public String type() {
            return inner.type();
        }

        @Override
        protected Shape computeOutputShape(List<Shape> inputs) {
            Shape out = inner.build(inputs);
            int n = inputs.get(0).size();
            offsets = new float[n];
            Random rnd = new Random(3);
            for (int i = 0; i < n; i++) {
                offsets[i] = 3f * i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                float t = offsets[i];
                offsets[i] = offsets[j];
                offsets[j] = t;
            }
            return out;
        }

        @Override
        public void forward(Tensor[] inputs, Tensor output, StepContext ctx) {
            Tensor x = inputs[0];
            if (shifted == null || shifted.capacity() < x.batch()) {
                shifted = new Tensor(x.sampleShape(), x.batch());
            }
            shifted.setBatch(x.batch());
            for (int j = 0; j < x.size(); j++) {
                shifted.data()[j] = x.data()[j] + offsets[j % offsets.length];
            }
            inner.forward(new Tensor[] {shifted}, output, ctx);
        }

        @Override
        public void backward(Tensor[] inputs, Tensor output, Tensor outputGrad, Tensor[] inputGrads,
                             StepContext ctx) {
            inner.backward(new Tensor[] {shifted}, output, outputGrad, inputGrads, ctx);
        }
    }

    @Test
    void twoByTwoKernelEqualsTheWindowRuleOnEveryPlane() {
        // the vector 2x2 kernel, with and without a partial last chunk per plane, on several channels
        // and samples: each plane's own maxima (first maximum wins), each gradient to its window's winner
        for (int[] dims : new int[][] {{26, 26}, {8, 9}, {11, 11}, {4, 4}, {6, 34}}) {
            int h = dims[0];
            int w = dims[1];
            int channels = 5;
            int batch = 3;
            Shape in = Shape.image(channels, h, w);
            Random r = new Random(h * 31 + w);
            float[] x = new float[batch * channels * h * w];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextInt(7) - 3;   // many ties
            }
            MaxPooling2D layer = new MaxPooling2D("p", 2);
            float[] y = run(layer, in, batch, x);
            int oh = h / 2;
            int ow = w / 2;
            float[] dy = new float[y.length];
            float[] expectedDx = new float[x.length];
            for (int i = 0; i < dy.length; i++) {
                dy[i] = r.nextFloat();
            }
            for (int p = 0; p < batch * channels; p++) {
                for (int a = 0; a < oh; a++) {
                    for (int b = 0; b < ow; b++) {
                        int best = -1;
                        for (int i = 0; i < 2; i++) {
                            for (int j = 0; j < 2; j++) {
                                int q = p * h * w + (2 * a + i) * w + 2 * b + j;
                                if (best < 0 || x[q] > x[best]) {
                                    best = q;
                                }
                            }
                        }
                        int o = p * oh * ow + a * ow + b;
                        assertEquals(x[best], y[o], "value, plane " + p + " " + h + "x" + w);
                        expectedDx[best] += dy[o];
                    }
                }
            }
            Tensor input = new Tensor(in, batch, x);
            Tensor output = new Tensor(layer.outputShape(), batch, y);
            Tensor dx = new Tensor(in, batch);
            layer.backward(new Tensor[] {input}, output, new Tensor(layer.outputShape(), batch, dy), new Tensor[] {dx},
                    CTX);
            assertArrayEquals(expectedDx, dx.toArray(), "gradient " + h + "x" + w);
        }
    }

    @Test
    void gradientCheckValid() {
        GradientCheck.of(new Separated(new MaxPooling2D("p", 2)), Shape.image(3, 5, 6)).batch(3).run();
    }

    @Test
    void gradientCheckSameOverlapping() {
        GradientCheck.of(new Separated(new MaxPooling2D("p", 3, 2, 2, 1, true)), Shape.image(2, 5, 4)).batch(2).run();
    }

    @Test
    void gradientOfTheInferenceFunction() {
        // an inference forward records no argmax: backward finds the winners itself
        GradientCheck.of(new Separated(new MaxPooling2D("p", 2)), Shape.image(3, 6, 8)).batch(3).training(false).run();
        GradientCheck.of(new Separated(new MaxPooling2D("p", 3, 2, 2, 1, true)), Shape.image(2, 5, 4)).batch(2)
                .training(false).run();
    }

    @Test
    void gradientCheckGlobalMax() {
        GradientCheck.of(new Separated(new GlobalMaxPooling2D("g")), Shape.image(4, 3, 5)).batch(3).run();
    }
}
