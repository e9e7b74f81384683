package io.convspark.kernels.layers.conv;

import static io.convspark.kernels.layers.conv.ConvTesting.assertRelative;
import static io.convspark.kernels.layers.conv.ConvTesting.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.compute.VectorGemm;
import io.convspark.kernels.layers.Activation;
import io.convspark.kernels.layers.Activations;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.Padding;
import io.convspark.kernels.layers.StepContext;
import java.util.Random;
import java.util.function.Supplier;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The direct convolutions against the definition in double precision (output, weight, bias and input
 * gradients, through a fused activation or none) on geometries that leave partial register blocks
 * everywhere: positions, window elements, channels and filters that are no multiple of the blocks,
 * planes smaller than one block or narrower than a vector, padding on some sides only, dilation;
 * at any parallelism, with the input gradient written over the input or not wanted (a first layer).
 */
class DirectConvolutionTest {
    private static final int LANES = FloatVector.SPECIES_PREFERRED.length();
    private static final KernelExecutor ONE = new KernelExecutor(1);
    private static final KernelExecutor THREE = new KernelExecutor(3);

    @AfterAll
    static void close() {
        ONE.close();
        THREE.close();
    }

    private record Case(String name, int batch, int channels, int filters, ConvGeometry geometry) {
    }

    private static ConvGeometry geometry(int h, int w, int kh, int kw, int dilation, Padding padding) {
        return ConvGeometry.of("t", h, w, kh, kw, 1, 1, dilation, dilation, padding);
    }

    private static final Case[] CASES = {
        new Case("lenet5's second layer: 6 -> 16 5x5 valid on 14x14", 3, 6, Math.min(16, LANES),
                geometry(14, 14, 5, 5, 1, Padding.VALID)),
        new Case("3x3 same, 12 filters, 9x11", 2, 5, Math.min(12, LANES), geometry(9, 11, 3, 3, 1, Padding.SAME)),
        new Case("a vector's lanes of filters, dilation 2, padding on two sides", 2, 4, LANES,
                geometry(12, 13, 3, 3, 2, Padding.explicit(2, 0, 1, 3))),
        new Case("plane smaller than a block: 3x3 valid on 4x4", 3, 2, 9 % LANES + 1,
                geometry(4, 4, 3, 3, 1, Padding.VALID)),
        new Case("2x4 window, one filter, one channel", 2, 1, 1, geometry(7, 9, 2, 4, 1, Padding.SAME)),
        new Case("1x1 window", 2, 7, Math.min(11, LANES), geometry(5, 6, 1, 1, 1, Padding.VALID)),
        new Case("three vectors of filters (a pair and one), two of channels for the input gradient", 2,
                LANES + 1, 2 * LANES + 3, geometry(7, 9, 5, 5, 1, Padding.SAME)),
        new Case("four vectors of filters, 5x5 same (mnist-suo's second layer, smaller)", 2, 2 * LANES, 4 * LANES,
                geometry(6, 6, 5, 5, 1, Padding.SAME)),
        new Case("channels in the lanes, dilation 2, padding on two sides", 2, LANES, LANES / 2 + 1,
                geometry(12, 13, 3, 3, 2, Padding.explicit(2, 0, 1, 3))),
    };

    /** Cases of the position-lanes kernel (first layers: any filter count, short reductions). */
    private static final Case[] POSITION_CASES = {
        new Case("lenet5's first layer: 1 -> 6 5x5 valid on 32x32", 3, 1, 6, geometry(32, 32, 5, 5, 1, Padding.VALID)),
        new Case("RGB 3x3 same, 8 filters", 2, 3, 8, geometry(12, 11, 3, 3, 1, Padding.SAME)),
        new Case("dilation 2, padding on two sides, 7 filters", 2, 2, 7,
                geometry(12, 13, 3, 3, 2, Padding.explicit(2, 0, 1, 3))),
        new Case("plane narrower than a vector: 3x3 valid on 5x5", 3, 2, 5, geometry(5, 5, 3, 3, 1, Padding.VALID)),
        new Case("2x4 window, one filter", 2, 1, 1, geometry(7, 9, 2, 4, 1, Padding.SAME)),
        new Case("1x1 window, 4 filters", 2, 3, 4, geometry(6, 20, 1, 1, 1, Padding.VALID)),
    };

    /** Inputs of a case: x, w, b, dy (seeded). */
    private static float[][] inputs(Case c) {
        Random r = new Random(17);
        ConvGeometry g = c.geometry();
        return new float[][] {uniform(r, c.batch() * c.channels() * g.inPlane()),
                uniform(r, c.filters() * c.channels() * g.kernelSize()), uniform(r, c.filters()),
                uniform(r, c.batch() * c.filters() * g.outPlane())};
    }

    /** Where the input gradient goes: not wanted, its own array, over the input. */
    private enum InputGradient { NONE, APART, OVER_INPUT }

    /** Output, weight gradient, bias gradient, input gradient (all zero when not wanted). */
    private static float[][] run(Convolution conv, Case c, Activation act, boolean bias, KernelExecutor ex,
                                 InputGradient mode) {
        float[][] in = inputs(c);
        float[] x = in[0];
        float[] dy = in[3].clone();
        float[] y = new float[dy.length];
        StepContext ctx = new StepContext(ex, new VectorGemm()).training(true);
        conv.forward(x, c.batch(), in[1], 0, bias ? in[2] : null, 0, y, act, ctx);
        float[] dw = new float[in[1].length];
        float[] db = new float[c.filters()];
        float[] dx = mode == InputGradient.OVER_INPUT ? x : new float[x.length];
        conv.backward(x, c.batch(), dy, act == null ? null : y, act, in[1], 0, dw, 0, bias ? db : null, 0,
                mode == InputGradient.NONE ? null : dx, ctx);
        return new float[][] {y, dw, db, mode == InputGradient.NONE ? new float[x.length] : dx};
    }

    @Test
    void filterLanesEqualTheDefinitionThroughEveryActivation() {
        for (Case c : CASES) {
            checkAgainstTheDefinition(c, () -> new FilterLanesConvolution(c.geometry(), c.channels(), c.filters()),
                    InputGradient.APART, InputGradient.OVER_INPUT, InputGradient.APART);
        }
    }

    @Test
    void positionLanesEqualTheDefinitionThroughEveryActivation() {
        for (Case c : POSITION_CASES) {
            checkAgainstTheDefinition(c, () -> new PositionLanesConvolution(c.geometry(), c.channels(), c.filters()),
                    InputGradient.NONE, InputGradient.APART, InputGradient.NONE);
        }
    }

    /**
     * Every activation, with and without bias, at 1 and 3 threads, against the definition; in the
     * given input-gradient modes, one after the other on the same convolution (its workspaces and
     * partial sums reused).
     */
    private static void checkAgainstTheDefinition(Case c, Supplier<Convolution> create, InputGradient... modes) {
        for (Activation act : new Activation[] {null, Activations.RELU, Activations.TANH}) {
            for (boolean bias : new boolean[] {true, false}) {
                float[][] in = inputs(c);
                double[][] expected = ConvTesting.definition(in[0], in[1], bias ? in[2] : null, in[3], c.batch(),
                        c.channels(), c.filters(), c.geometry(), act);
                for (KernelExecutor ex : new KernelExecutor[] {ONE, THREE}) {
                    Convolution conv = create.get();
                    for (InputGradient mode : modes) {
                        String what = c.name() + ", " + (act == null ? "linear" : act.name())
                                + (bias ? "" : ", no bias") + ", " + ex.parallelism() + " thread(s), input gradient "
                                + mode + ": ";
                        float[][] actual = run(conv, c, act, bias, ex, mode);
                        assertRelative(expected[0], actual[0], 1e-5, what + "output");
                        assertRelative(expected[1], actual[1], 1e-4, what + "kernel gradient");
                        if (bias) {
                            assertRelative(expected[2], actual[2], 1e-4, what + "bias gradient");
                        }
                        if (mode != InputGradient.NONE) {
                            assertRelative(expected[3], actual[3], 1e-5, what + "input gradient");
                        }
                    }
                }
            }
        }
    }

    @Test
    void takesStrideOneAndFourVectorsOfFiltersAtMost() {
        ConvGeometry g = geometry(10, 10, 5, 5, 1, Padding.VALID);
        assertTrue(FilterLanesConvolution.suits(g, 4 * LANES));
        assertFalse(FilterLanesConvolution.suits(g, 4 * LANES + 1));
        assertTrue(FilterLanesConvolution.preferred(g, LANES / 2 + 1));
        assertFalse(FilterLanesConvolution.preferred(g, LANES / 2));
        assertTrue(FilterLanesConvolution.preferred(g, 4 * LANES));
        assertFalse(FilterLanesConvolution.preferred(g, 2 * LANES + 1));
        assertFalse(FilterLanesConvolution.preferred(geometry(10, 10, 3, 3, 1, Padding.SAME), 4 * LANES));
        ConvGeometry strided = ConvGeometry.of("t", 10, 10, 3, 3, 2, 2, 1, 1, Padding.SAME);
        assertFalse(FilterLanesConvolution.suits(strided, 8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FilterLanesConvolution(strided, 3, 8));
        assertTrue(e.getMessage().contains("stride 2x2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FilterLanesConvolution(g, 3, 4 * LANES + 1));
        assertTrue(e.getMessage().contains((4 * LANES + 1) + " filters"), e.getMessage());
    }

    @Test
    void autoTakesItForLenet5sSecondLayer() {
        ConvGeometry g = geometry(14, 14, 5, 5, 1, Padding.VALID);
        Convolution conv = ConvAlgorithm.AUTO.create(g, 6, 16);
        // 16 filters: one vector of 16 lanes, or whole vectors of 8 or 4 lanes over a 5x5 window
        assertEquals("direct-filter-lanes", conv.algorithm());
        assertEquals("im2col-gemm", ConvAlgorithm.GEMM.create(g, 6, 16).algorithm());
    }

    @Test
    void autoTakesPositionLanesForFirstLayersWithFewFiltersAndLongerReductions() {
        ConvGeometry lenet = geometry(32, 32, 5, 5, 1, Padding.VALID);
        assertEquals("direct-position-lanes", ConvAlgorithm.AUTO.create(lenet, 1, 6).algorithm());
        assertEquals("im2col-short-k", ConvAlgorithm.AUTO.create(lenet, 1, 13).algorithm());
        assertEquals("im2col-short-k", ConvAlgorithm.AUTO.create(geometry(28, 28, 3, 3, 1, Padding.VALID), 1, 6)
                .algorithm());
        ConvGeometry strided = ConvGeometry.of("t", 32, 32, 5, 5, 2, 2, 1, 1, Padding.VALID);
        assertEquals("im2col-short-k", ConvAlgorithm.AUTO.create(strided, 1, 6).algorithm());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PositionLanesConvolution(strided, 1, 6));
        assertTrue(e.getMessage().contains("stride 2x2"), e.getMessage());
    }
}
