package io.convspark.kernels.layers.conv;

import static io.convspark.kernels.layers.conv.ConvTesting.gaussian;
import static io.convspark.kernels.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.compute.VectorGemm;
import io.convspark.kernels.layers.Activation;
import io.convspark.kernels.layers.Activations;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.MaxPooling2D;
import io.convspark.kernels.layers.Padding;
import io.convspark.kernels.layers.StepContext;
import io.convspark.kernels.tensor.Shape;
import io.convspark.kernels.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The fused convolution + activation + max pooling against the two steps taken apart
 * ({@link ShortReductionConvolution}, then the {@link MaxPooling2D} layer): the pooled outputs bit for
 * bit (within the activation kernel's rounding for ELU, tanh and others), the weight, bias and input
 * gradients within float rounding, for 2x2 windows (registers) and
 * others (the general path), activations that commute with the maximum and one that does not,
 * planes the windows do not cover whole, filter counts that fill no block, 1 and 3 threads; NaN and
 * overflowing inputs (the general path's rules: a NaN wins); backward after an inference forward.
 */
class PooledShortReductionConvolutionTest {
    private static final KernelExecutor ONE = new KernelExecutor(1);
    private static final KernelExecutor THREE = new KernelExecutor(3);

    @AfterAll
    static void close() {
        ONE.close();
        THREE.close();
    }

    /** {@code x^2}: element-wise, not monotone, so it must run before the maximum. */
    private static final Activation SQUARE = new Activation() {
        @Override
        public String name() {
            return "square";
        }

        @Override
        public void forward(Tensor t, KernelExecutor executor) {
            apply(t.data(), 0, t.size());
        }

        @Override
        public void backward(Tensor y, Tensor grad, KernelExecutor executor) {
            derive(y.data(), grad.data(), 0, y.size());
        }

        @Override
        public boolean isElementwise() {
            return true;
        }

        @Override
        public void apply(float[] a, int from, int to) {
            for (int i = from; i < to; i++) {
                a[i] = a[i] * a[i];
            }
        }

        @Override
        public void derive(float[] y, float[] g, int from, int to) {
            // f'(x) = 2x = 2 sqrt(y) for x >= 0: a stand-in derivative through y, the same on both sides
            for (int i = from; i < to; i++) {
                g[i] *= 2f * (float) Math.sqrt(y[i]);
            }
        }
    };

    private record Case(String name, int batch, int channels, int filters, ConvGeometry g, int poolH, int poolW) {
    }

    private static final Case[] CASES = {
        new Case("mnist-deitel: 28x28, 64 filters, 2x2", 3, 1, 64, geometry(28, 28, 3, 1, Padding.VALID), 2, 2),
        new Case("odd plane 13x13 (11x11 out, last row and column unpooled), 6 filters", 2, 1, 6,
                geometry(13, 13, 3, 1, Padding.VALID), 2, 2),
        new Case("RGB same padding, 13 filters", 2, 3, 13, geometry(12, 12, 3, 1, Padding.SAME), 2, 2),
        new Case("5x5 same (K = 25), 10 filters", 2, 1, 10, geometry(14, 14, 5, 1, Padding.SAME), 2, 2),
        new Case("stride 2, 9 filters", 2, 1, 9, geometry(21, 21, 3, 2, Padding.VALID), 2, 2),
        new Case("3x3 windows (the general path), 5 filters", 2, 1, 5, geometry(17, 17, 3, 1, Padding.VALID), 3, 3),
        new Case("2x3 windows, 7 filters", 2, 2, 7, geometry(14, 15, 3, 1, Padding.VALID), 2, 3),
        new Case("pooled plane narrower than a vector: 8x8 -> 3x3", 3, 1, 4, geometry(8, 8, 3, 1, Padding.VALID), 2, 2),
    };

    private static ConvGeometry geometry(int h, int w, int window, int stride, Padding padding) {
        return ConvGeometry.of("t", h, w, window, window, stride, stride, 1, 1, padding);
    }

    /** Outputs, dW, db and dx of a training step, fused or taken apart. */
    private record Step(float[] y, float[] dw, float[] db, float[] dx) {
    }

    private static float[] scaled(float[] a, float factor) {
        float[] s = a.clone();
        for (int i = 0; i < s.length; i++) {
            s[i] *= factor;
        }
        return s;
    }

    private static Step separate(Case c, float[] x, float[] w, float[] b, float[] upstream, Activation act,
                                 StepContext ctx) {
        ShortReductionConvolution conv = new ShortReductionConvolution(c.g, c.channels, c.filters);
        MaxPooling2D pool = new MaxPooling2D("pool", c.poolH, c.poolW, false);
        Shape full = Shape.image(c.filters, c.g.outH(), c.g.outW());
        pool.build(List.of(full));
        Tensor z = new Tensor(full, c.batch);
        Tensor y = new Tensor(pool.outputShape(), c.batch);
        conv.forward(x, c.batch, w, 0, b, 0, z.data(), act, ctx);
        pool.forward(new Tensor[] {z}, y, ctx);
        Tensor dy = new Tensor(pool.outputShape(), c.batch);
        System.arraycopy(upstream, 0, dy.data(), 0, upstream.length);
        Tensor dz = new Tensor(full, c.batch);
        pool.backward(new Tensor[] {z}, y, dy, new Tensor[] {dz}, ctx);
        float[] dw = new float[w.length];
        float[] db = new float[c.filters];
        float[] dx = new float[x.length];
        conv.backward(x, c.batch, dz.data(), z.data(), act, w, 0, dw, 0, db, 0, dx, ctx);
        return new Step(y.data().clone(), dw, db, dx);
    }

    private static Step fused(Case c, float[] x, float[] w, float[] b, float[] upstream, Activation act,
                              StepContext ctx, boolean inputGradient, boolean inferenceFirst) {
        PooledShortReductionConvolution conv = new PooledShortReductionConvolution(c.g, c.channels, c.filters,
                c.poolH, c.poolW);
        float[] y = new float[c.batch * c.filters * (c.g.outH() / c.poolH) * (c.g.outW() / c.poolW)];
        conv.forward(x, c.batch, w, 0, b, 0, y, act, ctx.training(!inferenceFirst));
        ctx.training(true);
        float[] dy = upstream.clone();
        float[] dw = new float[w.length];
        float[] db = new float[c.filters];
        float[] dx = inputGradient ? new float[x.length] : null;
        conv.backward(x, c.batch, dy, y, act, w, 0, dw, 0, db, 0, dx, ctx);
        return new Step(y, dw, db, dx);
    }

    /** Random 3x3 kernels, biases and pooled upstream gradient for a 28x28 case (13x13 pooled), drawn in that order. */
    private record Mnist28(float[] w, float[] b, float[] upstream) {
        static Mnist28 random(Case c, Random rnd) {
            return new Mnist28(gaussian(rnd, c.filters * 9), gaussian(rnd, c.filters),
                    gaussian(rnd, c.batch * c.filters * 13 * 13));
        }
    }

    @Test
    void equalsTheConvolutionThenThePoolingLayer() {
        Random rnd = new Random(5);
        Activation[] acts = {null, Activations.RELU, Activations.ELU, Activations.TANH, SQUARE};
        for (Case c : CASES) {
            float[] x = gaussian(rnd, c.batch * c.channels * c.g.inPlane());
            float[] weights = gaussian(rnd, c.filters * c.channels * c.g.kernelSize());
            float[] b = gaussian(rnd, c.filters);
            float[] upstream = gaussian(rnd, c.batch * c.filters * (c.g.outH() / c.poolH) * (c.g.outW() / c.poolW));
            for (Activation act : acts) {
                // tanh mostly below saturation: where it rounds several values to one, the layers apart send
                // a window's gradient to the first of them, the fused layer to the largest input (both valid)
                float[] w = act == Activations.TANH ? scaled(weights, 0.25f) : weights;
                for (KernelExecutor ex : new KernelExecutor[] {ONE, THREE}) {
                    StepContext ctx = new StepContext(ex, new VectorGemm()).training(true);
                    Step expected = separate(c, x, w, b, upstream, act, ctx);
                    String where = c.name + ", " + (act == null ? "no activation" : act.name()) + ", "
                            + ex.parallelism() + " thread(s)";
                    Step withDx = fused(c, x, w, b, upstream, act, ctx, true, false);
                    Step withoutDx = fused(c, x, w, b, upstream, act, ctx, false, false);
                    Step afterInference = fused(c, x, w, b, upstream, act, ctx, false, true);
                    if (act == null || act == Activations.RELU) {
                        assertArrayEquals(expected.y, withDx.y, "pooled outputs, " + where);
                    } else {
                        // the activation's vector code and its scalar tail may round differently, and the
                        // pooled layout sends other elements through each
                        assertClose(expected.y, withDx.y, 1e-4, "pooled outputs, " + where);
                    }
                    for (Step s : new Step[] {withDx, withoutDx, afterInference}) {
                        assertClose(expected.dw, s.dw, 1e-4, "kernel gradient, " + where);
                        assertClose(expected.db, s.db, 1e-4, "bias gradient, " + where);
                    }
                    assertClose(expected.dx, withDx.dx, 1e-4, "input gradient, " + where);
                    assertArrayEquals(withoutDx.dw, afterInference.dw, "after an inference forward, " + where);
                }
            }
        }
    }

    @Test
    void aNanOrAnOverflowTakesThePoolingLayersRules() {
        Case c = CASES[0];
        Random rnd = new Random(9);
        Mnist28 p = Mnist28.random(c, rnd);
        float[] w = p.w();
        float[] b = p.b();
        float[] upstream = p.upstream();
        StepContext ctx = new StepContext(ONE, new VectorGemm()).training(true);
        float[] nan = gaussian(rnd, c.batch * 28 * 28);
        nan[28 * 28 + 5 * 28 + 7] = Float.NaN;   // sample 1: the windows around (5, 7) are NaN
        float[] huge = gaussian(rnd, c.batch * 28 * 28);
        for (int i = 0; i < huge.length; i += 3) {
            huge[i] *= 1e37f;   // products overflow to infinities; their sums to NaN
        }
        for (float[] x : new float[][] {nan, huge}) {
            for (Activation act : new Activation[] {null, Activations.RELU}) {
                Step expected = separate(c, x, w, b, upstream, act, ctx);
                Step actual = fused(c, x, w, b, upstream, act, ctx, false, false);
                assertArrayEquals(expected.y, actual.y, "outputs, " + (act == null ? "none" : act.name()));
            }
        }
        Step s = fused(c, nan, w, b, upstream, null, ctx, false, false);
        boolean sawNan = false;
        for (float v : s.y) {
            sawNan |= Float.isNaN(v);
        }
        assertTrue(sawNan, "a NaN in the input reaches the pooled output");
    }

    @Test
    void aTiedWindowSendsItsGradientToItsFirstPlaceAsThePoolingLayerDoes() {
        // planes constant along rows (every window's left and right places tie), and constant (all
        // four tie): the fused kernel's sign-bit comparisons must keep the first maximum, which the
        // input gradient shows (each place is a different pixel)
        Case c = CASES[0];
        Random rnd = new Random(4);
        Mnist28 p = Mnist28.random(c, rnd);
        float[] w = p.w();
        float[] b = p.b();
        float[] upstream = p.upstream();
        float[] rows = new float[c.batch * 28 * 28];
        float[] constant = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (i / 28) % 5 - 2f;
            constant[i] = 0.5f;
        }
        StepContext ctx = new StepContext(ONE, new VectorGemm()).training(true);
        for (float[] x : new float[][] {rows, constant}) {
            for (Activation act : new Activation[] {null, Activations.RELU, Activations.ELU}) {
                String where = (x == rows ? "rows tie" : "all tie") + ", " + (act == null ? "none" : act.name());
                Step expected = separate(c, x, w, b, upstream, act, ctx);
                Step actual = fused(c, x, w, b, upstream, act, ctx, true, false);
                assertClose(expected.y, actual.y, 1e-6, "outputs, " + where);
                assertClose(expected.dx, actual.dx, 1e-5, "input gradient, " + where);
                assertClose(expected.dw, actual.dw, 1e-5, "kernel gradient, " + where);
            }
        }
    }

    @Test
    void repeatedPassesGiveTheSameBits() {
        Case c = CASES[0];
        Random rnd = new Random(2);
        float[] x = gaussian(rnd, c.batch * 28 * 28);
        float[] w = gaussian(rnd, c.filters * 9);
        float[] b = gaussian(rnd, c.filters);
        float[] upstream = gaussian(rnd, c.batch * c.filters * 13 * 13);
        StepContext ctx = new StepContext(THREE, new VectorGemm()).training(true);
        Step first = fused(c, x, w, b, upstream, Activations.RELU, ctx, false, false);
        Step second = fused(c, x, w, b, upstream, Activations.RELU, ctx, false, false);
        assertArrayEquals(first.y, second.y);
        assertArrayEquals(first.dw, second.dw);
        assertArrayEquals(first.db, second.db);
    }

    @Test
    void takesWholeNonOverlappingWindowsOverShortReductionsOnly() {
        ConvGeometry mnist = geometry(28, 28, 3, 1, Padding.VALID);
        assertTrue(PooledShortReductionConvolution.suits(mnist, 1, 2, 2));
        assertTrue(PooledShortReductionConvolution.suits(mnist, 3, 4, 4));
        assertFalse(PooledShortReductionConvolution.suits(mnist, 4, 2, 2), "K = 36");
        assertFalse(PooledShortReductionConvolution.suits(mnist, 1, 5, 5), "25 places");
        assertFalse(PooledShortReductionConvolution.suits(geometry(4, 4, 3, 1, Padding.VALID), 1, 3, 3),
                "no whole window on a 2x2 output");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PooledShortReductionConvolution(mnist, 4, 8, 2, 2));
        assertTrue(e.getMessage().contains("at most 32"), e.getMessage());
        assertEquals("im2col-short-k+maxpool", new PooledShortReductionConvolution(mnist, 1, 8, 2, 2).algorithm());
    }
}
