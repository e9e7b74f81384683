package io.convspark.kernels.layers.conv;

import static io.convspark.kernels.layers.conv.ConvTesting.assertRelative;
import static io.convspark.kernels.layers.conv.ConvTesting.uniform;
import static io.convspark.kernels.layers.conv.ConvTesting.widen;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.kernels.compute.Gemm;
import io.convspark.kernels.compute.JavaGemm;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.compute.NativeGemm;
import io.convspark.kernels.compute.VectorGemm;
import io.convspark.kernels.layers.Activation;
import io.convspark.kernels.layers.Activations;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.Padding;
import io.convspark.kernels.layers.StepContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The short-reduction convolution against the definition in double precision (output, weight and
 * bias gradients, through a fused activation or none) on every geometry im2col allows, filter counts
 * that fill no panel evenly, planes narrower than a vector, and any parallelism; and the activation
 * fused into the other convolutions' forward and backward against the same steps taken apart.
 */
class ShortReductionConvolutionTest {
    private static final KernelExecutor ONE = new KernelExecutor(1);
    private static final KernelExecutor TWO = new KernelExecutor(2);
    private static final KernelExecutor THREE = new KernelExecutor(3);

    @AfterAll
    static void close() {
        ONE.close();
        TWO.close();
        THREE.close();
    }

    private record Case(String name, int batch, int channels, int filters, ConvGeometry geometry) {
    }

    private static final Case[] CASES = {
        new Case("mnist-deitel's first layer: 28x28 valid, 64 filters", 3, 1, 64, geometry(28, 28, 3, 1, 1, Padding.VALID)),
        new Case("cifar's first layer: RGB 32x32 same, 32 filters", 2, 3, 32, geometry(32, 32, 3, 1, 1, Padding.SAME)),
        new Case("lenet5's 5x5 same, 6 filters (one partial panel)", 3, 1, 6, geometry(28, 28, 5, 1, 1, Padding.SAME)),
        new Case("odd filters, stride 2, explicit padding", 2, 2, 7, geometry(13, 11, 3, 2, 1, Padding.explicit(1, 2, 0, 1))),
        new Case("dilation 2, 9 filters", 2, 1, 9, geometry(12, 14, 3, 1, 2, Padding.SAME)),
        new Case("plane narrower than a vector: 3x3 valid on 5x5", 4, 2, 5, geometry(5, 5, 3, 1, 1, Padding.VALID)),
        new Case("one output, one filter", 2, 3, 1, geometry(3, 3, 3, 1, 1, Padding.VALID)),
        new Case("K = 32 exactly: 2 channels of 4x4", 2, 2, 8, geometry(9, 10, 4, 1, 1, Padding.VALID)),
    };

    private static ConvGeometry geometry(int h, int w, int window, int stride, int dilation, Padding padding) {
        return ConvGeometry.of("t", h, w, window, window, stride, stride, dilation, dilation, padding);
    }

    /** Inputs of a case: x, w, b, dy (seeded, so the reference sees the same). */
    private static float[][] inputs(Case c) {
        Random r = new Random(11);
        ConvGeometry g = c.geometry();
        int k = c.channels() * g.kernelSize();
        return new float[][] {uniform(r, c.batch() * c.channels() * g.inPlane()), uniform(r, c.filters() * k),
                uniform(r, c.filters()), uniform(r, c.batch() * c.filters() * g.outPlane())};
    }

    /** The definition in double precision ({@link ConvTesting#definition}): output, weight and bias gradients. */
    private static double[][] reference(Case c, Activation act, boolean bias) {
        float[][] in = inputs(c);
        return ConvTesting.definition(in[0], in[1], bias ? in[2] : null, in[3], c.batch(), c.channels(), c.filters(),
                c.geometry(), act);
    }

    /** Output, weight gradient, bias gradient (no input gradient: the first-layer path). */
    private static float[][] run(Convolution conv, Case c, Activation act, boolean bias, KernelExecutor ex, Gemm gemm) {
        float[][] in = inputs(c);
        float[] dy = in[3].clone();
        float[] y = new float[dy.length];
        StepContext ctx = new StepContext(ex, gemm).training(true);
        conv.forward(in[0], c.batch(), in[1], 0, bias ? in[2] : null, 0, y, act, ctx);
        float[] dw = new float[in[1].length];
        float[] db = new float[c.filters()];
        conv.backward(in[0], c.batch(), dy, act == null ? null : y, act, in[1], 0, dw, 0, bias ? db : null, 0, null,
                ctx);
        return new float[][] {y, dw, db};
    }

    private static List<Gemm> gemms() {
        List<Gemm> list = new ArrayList<>(List.of(new VectorGemm(), new JavaGemm()));
        try {
            list.add(NativeGemm.loadNative());
        } catch (Throwable noNativeBlas) {
            // the native back-end (where backward delegates to im2col + GEMM) is covered where OpenBLAS is installed
        }
        return list;
    }

    @Test
    void equalsTheDefinitionThroughEveryActivationOnEveryBackEnd() {
        Activation[] acts = {null, Activations.RELU, Activations.ELU, Activations.TANH};
        for (Case c : CASES) {
            for (Activation act : acts) {
                for (boolean bias : new boolean[] {true, false}) {
                    double[][] expected = reference(c, act, bias);
                    for (Gemm gemm : gemms()) {
                        for (KernelExecutor ex : new KernelExecutor[] {ONE, THREE}) {
                            String what = c.name() + ", " + (act == null ? "linear" : act.name()) + (bias ? "" : ", no bias")
                                    + ", " + gemm.name() + ", " + ex.parallelism() + " thread(s): ";
                            float[][] actual = run(new ShortReductionConvolution(c.geometry(), c.channels(),
                                    c.filters()), c, act, bias, ex, gemm);
                            assertRelative(expected[0], actual[0], 1e-5, what + "output");
                            assertRelative(expected[1], actual[1], 1e-4, what + "kernel gradient");
                            if (bias) {
                                assertRelative(expected[2], actual[2], 1e-4, what + "bias gradient");
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void repeatedPassesGiveTheSameBits() {
        Case c = CASES[0];
        ShortReductionConvolution conv = new ShortReductionConvolution(c.geometry(), c.channels(), c.filters());
        float[][] first = run(conv, c, Activations.RELU, true, TWO, new VectorGemm());
        float[][] again = run(conv, c, Activations.RELU, true, TWO, new VectorGemm());
        for (int i = 0; i < first.length; i++) {
            assertArrayEquals(first[i], again[i]);
        }
    }

    @Test
    void takesShortReductionsOnly() {
        ConvGeometry g3 = geometry(8, 8, 3, 1, 1, Padding.SAME);
        assertTrue(ShortReductionConvolution.suits(g3, 3));
        assertFalse(ShortReductionConvolution.suits(g3, 4));
        assertFalse(ShortReductionConvolution.suits(geometry(8, 8, 1, 1, 1, Padding.VALID), 8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ShortReductionConvolution(g3, 4, 8));
        assertTrue(e.getMessage().contains("36") && e.getMessage().contains("32"), e.getMessage());
    }

    /** The activation fused into im2col + GEMM and Winograd: the same as the unfused steps. */
    @Test
    void fusedActivationEqualsTheStepsTakenApart() {
        ConvGeometry g = geometry(10, 9, 3, 1, 1, Padding.SAME);
        Case c = new Case("fused", 5, 16, 16, g);
        Convolution[] convs = {new GemmConvolution(g, 16, 16), new GemmConvolution(g, 16, 16, 1),
                new WinogradConvolution(g, 16, 16)};
        for (Convolution conv : convs) {
            for (Activation act : new Activation[] {Activations.RELU, Activations.ELU}) {
                float[][] in = inputs(c);
                StepContext ctx = new StepContext(TWO, new VectorGemm()).training(true);
                float[] fused = new float[in[3].length];
                conv.forward(in[0], c.batch(), in[1], 0, in[2], 0, fused, act, ctx);
                float[] apart = new float[fused.length];
                conv.forward(in[0], c.batch(), in[1], 0, in[2], 0, apart, ctx);
                act.apply(apart, 0, apart.length);
                // the vector kernels' scalar tails fall elsewhere on parts than on the whole: within an ulp or two
                assertRelative(widen(apart), fused, 1e-6, conv.algorithm() + " " + act.name() + " forward");

                float[] dyFused = in[3].clone();
                float[][] gradsFused = {new float[in[1].length], new float[16], new float[in[0].length]};
                conv.backward(in[0], c.batch(), dyFused, fused, act, in[1], 0, gradsFused[0], 0, gradsFused[1], 0,
                        gradsFused[2], ctx);
                float[] dyApart = in[3].clone();
                act.derive(apart, dyApart, 0, dyApart.length);
                float[][] gradsApart = {new float[in[1].length], new float[16], new float[in[0].length]};
                conv.backward(in[0], c.batch(), dyApart, in[1], 0, gradsApart[0], 0, gradsApart[1], 0, gradsApart[2],
                        ctx);
                for (int i = 0; i < 3; i++) {
                    assertRelative(widen(gradsApart[i]), gradsFused[i], 1e-5, conv.algorithm() + " " + act.name()
                            + " gradient " + i);
                }
                assertRelative(widen(dyApart), dyFused, 1e-6, conv.algorithm() + " " + act.name()
                        + ": dy becomes dz in place");
            }
        }
    }
}
