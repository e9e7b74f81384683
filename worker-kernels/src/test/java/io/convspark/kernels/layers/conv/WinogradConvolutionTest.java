package io.convspark.kernels.layers.conv;

import static io.convspark.kernels.layers.conv.ConvTesting.assertRelative;
import static io.convspark.kernels.layers.conv.ConvTesting.uniform;
import static io.convspark.kernels.layers.conv.ConvTesting.widen;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.kernels.compute.Gemm;
import io.convspark.kernels.compute.JavaGemm;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.compute.VectorGemm;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.Padding;
import io.convspark.kernels.layers.StepContext;
import io.convspark.kernels.testing.Allocations;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Winograd F(2x2, 3x3) and F(4x4, 3x3) against the definition (double-precision direct convolution and its
 * gradients) and against im2col + GEMM, on every padding, odd and tiny planes, several groups per
 * slot, any parallelism and with the input gradient written over the input.
 */
class WinogradConvolutionTest {
    private static final KernelExecutor ONE = new KernelExecutor(1);
    private static final KernelExecutor TWO = new KernelExecutor(2);
    private static final KernelExecutor THREE = new KernelExecutor(3);

    @AfterAll
    static void close() {
        ONE.close();
        TWO.close();
        THREE.close();
    }

    private record Case(String name, int batch, int channels, int filters, int h, int w, Padding padding) {
        ConvGeometry geometry() {
            return ConvGeometry.of(name, h, w, 3, 3, 1, 1, 1, 1, padding);
        }
    }

    private static final Case[] CASES = {
        new Case("same, odd width", 3, 5, 7, 12, 11, Padding.SAME),
        new Case("valid, mnist-like 13x13", 4, 6, 5, 13, 13, Padding.VALID),
        new Case("valid, even output", 2, 3, 4, 10, 8, Padding.VALID),
        new Case("asymmetric explicit padding", 2, 4, 3, 9, 7, Padding.explicit(1, 2, 0, 1)),
        new Case("3x3 plane valid (one output)", 3, 2, 2, 3, 3, Padding.VALID),
        new Case("1x1 plane same", 2, 3, 2, 1, 1, Padding.SAME),
        new Case("2x5 plane same", 2, 2, 3, 2, 5, Padding.SAME),
        new Case("32x32 same, several groups per slot", 5, 3, 4, 32, 32, Padding.SAME),
        new Case("35 wide valid: rows of 17 tiles (vector split, overlapping last vector)", 2, 3, 2, 6, 35, Padding.VALID),
        new Case("40 wide, asymmetric padding: rows of 21 tiles", 2, 2, 3, 5, 40, Padding.explicit(2, 1, 0, 3)),
        new Case("16x16 same (cifar's middle block)", 3, 3, 2, 16, 16, Padding.SAME),
        new Case("8x8 same: 16 tiles, rows of 4", 3, 2, 3, 8, 8, Padding.SAME),
        new Case("4x4 tiles: 18x70 valid, rows of 17 (overlapping last vector)", 2, 3, 2, 18, 70, Padding.VALID),
        new Case("4x4 tiles: odd output 15x67, asymmetric padding", 2, 2, 3, 13, 66, Padding.explicit(2, 2, 0, 3)),
        new Case("4x4 tiles: 17x21 same, edge tiles of one row and column", 2, 3, 2, 17, 21, Padding.SAME),
        new Case("4x4 tiles: 22x22 valid, 20x20 outputs", 3, 2, 2, 22, 22, Padding.VALID),
    };

    /** The output tiles a case is computed with: F(2x2) always, F(4x4) where its planes apply. */
    private static int[] outputTiles(Case c) {
        return TileVectors.suits(Winograd4Planes.tiles(c.geometry())) ? new int[] {2, 4} : new int[] {2};
    }

    /** Forward output, input gradient, kernel gradient, bias gradient. */
    private static float[][] run(Convolution conv, Case c, KernelExecutor ex, Gemm gemm, boolean inPlace) {
        Random r = new Random(7);
        ConvGeometry g = c.geometry();
        float[] x = uniform(r, c.batch() * c.channels() * g.inPlane());
        float[] w = uniform(r, c.filters() * c.channels() * 9);
        float[] b = uniform(r, c.filters());
        float[] dy = uniform(r, c.batch() * c.filters() * g.outPlane());
        float[] y = new float[dy.length];
        StepContext ctx = new StepContext(ex, gemm).training(true);
        conv.forward(x, c.batch(), w, 0, b, 0, y, ctx);
        float[] dw = new float[w.length];
        float[] db = new float[b.length];
        float[] dx = inPlace ? x : new float[x.length];
        conv.backward(x, c.batch(), dy, w, 0, dw, 0, db, 0, dx, ctx);
        return new float[][] {y, dx, dw, db};
    }

    /** The definition in double precision: y, dx, dW, db of a 3x3 stride-1 cross-correlation. */
    private static double[][] reference(Case c) {
        Random r = new Random(7);
        ConvGeometry g = c.geometry();
        int n = c.batch();
        int ch = c.channels();
        int f = c.filters();
        float[] x = uniform(r, n * ch * g.inPlane());
        float[] w = uniform(r, f * ch * 9);
        float[] b = uniform(r, f);
        float[] dy = uniform(r, n * f * g.outPlane());
        double[] y = new double[dy.length];
        double[] dx = new double[x.length];
        double[] dw = new double[w.length];
        double[] db = new double[f];
        for (int s = 0; s < n; s++) {
            for (int k = 0; k < f; k++) {
                for (int oh = 0; oh < g.outH(); oh++) {
                    for (int ow = 0; ow < g.outW(); ow++) {
                        int yi = ((s * f + k) * g.outH() + oh) * g.outW() + ow;
                        double sum = b[k];
                        db[k] += dy[yi];
                        for (int cc = 0; cc < ch; cc++) {
                            for (int i = 0; i < 3; i++) {
                                for (int j = 0; j < 3; j++) {
                                    int ih = oh - g.padTop() + i;
                                    int iw = ow - g.padLeft() + j;
                                    if (ih < 0 || ih >= g.inH() || iw < 0 || iw >= g.inW()) {
                                        continue;
                                    }
                                    int wi = ((k * ch + cc) * 3 + i) * 3 + j;
                                    int xi = ((s * ch + cc) * g.inH() + ih) * g.inW() + iw;
                                    sum += (double) w[wi] * x[xi];
                                    dw[wi] += (double) dy[yi] * x[xi];
                                    dx[xi] += (double) dy[yi] * w[wi];
                                }
                            }
                        }
                        y[yi] = sum;
                    }
                }
            }
        }
        return new double[][] {y, dx, dw, db};
    }

    private static final String[] PARTS = {"output", "input gradient", "kernel gradient", "bias gradient"};

    @Test
    void equalsTheDefinitionForwardAndBackward() {
        for (Case c : CASES) {
            double[][] expected = reference(c);
            for (int m : outputTiles(c)) {
                for (Gemm gemm : new Gemm[] {new JavaGemm(), new VectorGemm()}) {
                    float[][] actual = run(new WinogradConvolution(c.geometry(), c.channels(), c.filters(), m), c, TWO,
                            gemm, false);
                    for (int part = 0; part < 4; part++) {
                        // F(4x4)'s coefficients (up to 8, and 1/6, 1/24) cost accuracy: worst elements
                        // 2.6e-6 .. 1.1e-5 of the scale here, where F(2x2) stays under 1.1e-6
                        assertRelative(expected[part], actual[part], m == 4 ? 5e-5 : 1e-5, c.name() + " F(" + m + "x" + m + ") "
                                + gemm.name() + " " + PARTS[part]);
                    }
                }
            }
        }
    }

    @Test
    void equalsIm2colGemmWithinFloatRounding() {
        for (Case c : CASES) {
            float[][] gemm = run(new GemmConvolution(c.geometry(), c.channels(), c.filters()), c, TWO, new JavaGemm(),
                    false);
            float[][] wino = run(new WinogradConvolution(c.geometry(), c.channels(), c.filters()), c, TWO,
                    new VectorGemm(), false);
            for (int part = 0; part < 4; part++) {
                assertRelative(widen(gemm[part]), wino[part], 1e-4, c.name() + " " + PARTS[part]);
            }
        }
    }

    @Test
    void parallelismAndGroupingDoNotChangeResults() {
        for (Case c : CASES) {
            float[][] serial = run(new WinogradConvolution(c.geometry(), c.channels(), c.filters()), c, ONE,
                    new JavaGemm(), false);
            for (KernelExecutor ex : new KernelExecutor[] {TWO, THREE}) {
                float[][] parallel = run(new WinogradConvolution(c.geometry(), c.channels(), c.filters()), c, ex,
                        new JavaGemm(), false);
                // outputs and input gradients are per sample: the same bits whatever the grouping
                assertArrayEquals(serial[0], parallel[0], c.name() + " output");
                assertArrayEquals(serial[1], parallel[1], c.name() + " input gradient");
                // the kernel gradient sums per slot: equal within rounding
                assertRelative(widen(serial[2]), parallel[2], 5e-5, c.name() + " kernel gradient");
                assertRelative(widen(serial[3]), parallel[3], 1e-5, c.name() + " bias gradient");
            }
        }
    }

    @Test
    void inputGradientMayOverwriteTheInput() {
        for (Case c : CASES) {
            float[][] apart = run(new WinogradConvolution(c.geometry(), c.channels(), c.filters()), c, TWO,
                    new JavaGemm(), false);
            float[][] inPlace = run(new WinogradConvolution(c.geometry(), c.channels(), c.filters()), c, TWO,
                    new JavaGemm(), true);
            for (int part = 0; part < 4; part++) {
                assertArrayEquals(apart[part], inPlace[part], c.name() + " " + PARTS[part]);
            }
        }
    }

    @Test
    void workspacesCarryNothingFromOneBatchToTheNext() {
        Case c = CASES[0];
        WinogradConvolution conv = new WinogradConvolution(c.geometry(), c.channels(), c.filters());
        float[][] first = run(conv, c, TWO, new JavaGemm(), false);
        Case bigger = new Case(c.name(), 9, c.channels(), c.filters(), c.h(), c.w(), c.padding());
        run(conv, bigger, TWO, new JavaGemm(), false);
        float[][] again = run(conv, c, TWO, new JavaGemm(), false);
        for (int part = 0; part < 4; part++) {
            assertArrayEquals(first[part], again[part], PARTS[part]);
        }
    }

    @Test
    void noBoxedVectorsOnceCompiled() {
        // The plane transforms are split into small methods because C2 boxes the vectors of a method
        // past its inlining budget (measured in a training JVM: a third of a CIFAR step, megabytes a
        // pass). Once compiled, a forward + backward pass may allocate at most the parallel loops'
        // captured lambdas (about 250 bytes when C2 does not inline them away), never boxed vectors.
        // One slot: the calling thread does all the work.
        Case c = new Case("32x32 same", 2, 16, 16, 32, 32, Padding.SAME);
        ConvGeometry g = c.geometry();
        WinogradConvolution conv = new WinogradConvolution(g, c.channels(), c.filters());
        Random r = new Random(3);
        float[] x = uniform(r, c.batch() * c.channels() * g.inPlane());
        float[] w = uniform(r, c.filters() * c.channels() * 9);
        float[] b = uniform(r, c.filters());
        float[] y = new float[c.batch() * c.filters() * g.outPlane()];
        float[] dy = uniform(r, y.length);
        float[] dw = new float[w.length];
        float[] db = new float[b.length];
        float[] dx = new float[x.length];
        StepContext ctx = new StepContext(ONE, new VectorGemm());
        long allocated = Allocations.afterWarmUp(() -> {
            for (int i = 0; i < 5; i++) {
                conv.forward(x, c.batch(), w, 0, b, 0, y, ctx);
                conv.backward(x, c.batch(), dy, w, 0, dw, 0, db, 0, dx, ctx);
            }
        }, 5 * 1024);
        assertTrue(allocated <= 5 * 1024, "5 forward + backward passes still allocated " + allocated
                + " bytes after warm-up");
    }

    @Test
    void groupsFillTheGemmsColumnPanels() {
        // mnist-deitel's second convolution: 36 tiles a sample. The L2-sized target gives 2 samples
        // (72 columns: panels of 32 + 32 + a 16-lane one with 8 used); 4 samples fill 144 columns exactly.
        ConvGeometry mnist = ConvGeometry.of("mnist conv2d_1", 13, 13, 3, 3, 1, 1, 1, 1, Padding.VALID);
        WinogradConvolution conv = new WinogradConvolution(mnist, 64, 128);
        int gs = conv.groupSize(64, 1);
        if (VectorGemm.lanes() == 16) {
            assertEquals(4, gs, "samples per group");
        }
        assertEquals(gs * 36, VectorGemm.paddedColumns(gs * 36), "columns fill whole panels");
        // never more samples than a slot has
        assertEquals(1, conv.groupSize(2, 2));
        // a plane of 256 tiles (cifar's 32x32) already fills its panels: the target stands
        ConvGeometry cifar = ConvGeometry.of("cifar conv2d_1", 32, 32, 3, 3, 1, 1, 1, 1, Padding.SAME);
        assertEquals(1, new WinogradConvolution(cifar, 32, 32).groupSize(50, 1));
    }

    @Test
    void fourByFourTilesWherePlanesFillAVectorUnlessSetToTwo() {
        int lanes = TileVectors.LANES;
        // the smallest square plane with at least a vector of 4x4 tiles, and the one below it
        int side = 4 * (int) Math.ceil(Math.sqrt(lanes));
        ConvGeometry large = ConvGeometry.of("t", side, side, 3, 3, 1, 1, 1, 1, Padding.SAME);
        ConvGeometry small = ConvGeometry.of("t", side - 4, side - 4, 3, 3, 1, 1, 1, 1, Padding.SAME);
        assertEquals(4, WinogradConvolution.outputTile(large));
        assertEquals(2, WinogradConvolution.outputTile(small));
        assertEquals("winograd-4x4-3x3", new WinogradConvolution(large, 16, 16).algorithm());
        String before = System.getProperty(WinogradConvolution.TILE_PROPERTY);
        try {
            System.setProperty(WinogradConvolution.TILE_PROPERTY, "2");
            assertEquals(2, WinogradConvolution.outputTile(large));
            assertEquals("winograd-2x2-3x3", new WinogradConvolution(large, 16, 16).algorithm());
            System.setProperty(WinogradConvolution.TILE_PROPERTY, "8");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> WinogradConvolution.outputTile(large));
            assertTrue(e.getMessage().contains("convspark.winograd.tile") && e.getMessage().contains("'8'"),
                    e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(WinogradConvolution.TILE_PROPERTY);
            } else {
                System.setProperty(WinogradConvolution.TILE_PROPERTY, before);
            }
        }
        // F(4x4) on a plane with fewer tiles than lanes is refused with the counts
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WinogradConvolution(small, 16, 16, 4));
        assertTrue(e.getMessage().contains("tiles"), e.getMessage());
    }

    @Test
    void tileVectorsCoverEveryTileOnceWhereResultsAccumulate() {
        int lanes = TileVectors.LANES;
        for (int tiles : new int[] {lanes, lanes + 1, 2 * lanes, 2 * lanes + 3, 5 * lanes - 1}) {
            TileVectors vectors = new TileVectors(tiles);
            float[] counted = new float[tiles];
            for (int u = 0; u < tiles; u += lanes) {
                int start = vectors.start(u);
                assertTrue(start >= 0 && start + lanes <= tiles, "vector inside the plane");
                float[] keep = vectors.keep(u);
                for (int l = 0; l < lanes; l++) {
                    counted[start + l] += keep[l];
                }
            }
            for (int t = 0; t < tiles; t++) {
                assertEquals(1f, counted[t], tiles + " tiles: tile " + t);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new TileVectors(lanes - 1));
    }

    @Test
    void takesOnlyThreeByThreeStrideOneWindows() {
        assertTrue(WinogradConvolution.supports(ConvGeometry.of("t", 8, 8, 3, 3, 1, 1, 1, 1, Padding.SAME)));
        assertFalse(WinogradConvolution.supports(ConvGeometry.of("t", 8, 8, 3, 3, 2, 2, 1, 1, Padding.SAME)));
        assertFalse(WinogradConvolution.supports(ConvGeometry.of("t", 8, 8, 3, 3, 1, 1, 2, 2, Padding.SAME)));
        assertFalse(WinogradConvolution.supports(ConvGeometry.of("t", 8, 8, 5, 5, 1, 1, 1, 1, Padding.SAME)));
        ConvGeometry strided = ConvGeometry.of("t", 8, 8, 3, 3, 2, 2, 1, 1, Padding.SAME);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WinogradConvolution(strided, 4, 4));
        assertTrue(e.getMessage().contains("stride 1"), e.getMessage());
    }

    @Test
    void autoTakesWinogradForWideThreeByThreeLayersOnly() {
        ConvGeometry same = ConvGeometry.of("t", 16, 16, 3, 3, 1, 1, 1, 1, Padding.SAME);
        String wide = VectorGemm.lanes() <= 16 ? "winograd-4x4-3x3" : "winograd-2x2-3x3"; // 16 tiles of 4x4
        assertEquals(wide, ConvAlgorithm.AUTO.create(same, 32, 64).algorithm());
        ConvGeometry small = ConvGeometry.of("t", 8, 8, 3, 3, 1, 1, 1, 1, Padding.SAME);
        assertEquals(TileVectors.suits(4) ? "winograd-4x4-3x3" : "winograd-2x2-3x3",  // 4 tiles of 4x4
                ConvAlgorithm.AUTO.create(small, 32, 64).algorithm());
        assertEquals("im2col-short-k", ConvAlgorithm.AUTO.create(same, 3, 32).algorithm());
        assertEquals("im2col-gemm", ConvAlgorithm.AUTO.create(same, 8, 8).algorithm());
        assertEquals("im2col-gemm", ConvAlgorithm.GEMM.create(same, 3, 32).algorithm());
        assertEquals("im2col-gemm", ConvAlgorithm.GEMM.create(same, 32, 64).algorithm());
        assertEquals(wide, ConvAlgorithm.WINOGRAD.create(same, 3, 32).algorithm());
        ConvGeometry strided = ConvGeometry.of("t", 16, 16, 3, 3, 2, 2, 1, 1, Padding.SAME);
        assertEquals("im2col-gemm", ConvAlgorithm.WINOGRAD.create(strided, 32, 64).algorithm());
        // a large plane (one sample's tiles past the slot target) still takes Winograd and computes it
        ConvGeometry large = ConvGeometry.of("t", 600, 600, 3, 3, 1, 1, 1, 1, Padding.SAME);
        Convolution big = ConvAlgorithm.AUTO.create(large, 16, 16);
        assertEquals("winograd-4x4-3x3", big.algorithm());
        float[] x = new float[16 * large.inPlane()];
        java.util.Arrays.fill(x, 1f);
        float[] w = new float[16 * 16 * 9];
        java.util.Arrays.fill(w, 0.5f);
        float[] y = new float[16 * large.outPlane()];
        big.forward(x, 1, w, 0, null, 0, y, new StepContext(ONE, new JavaGemm()));
        // an interior output of filter 0 (row 1, column 1): 16 channels x 9 taps x 0.5
        assertEquals(16 * 9 * 0.5f, y[601], 1e-3f, "an interior output");
        // one whose transformed tiles cannot fit a Java array falls back to im2col + GEMM
        assertFalse(WinogradConvolution.fits(ConvGeometry.of("t", 20_000, 20_000, 3, 3, 1, 1, 1, 1, Padding.SAME), 64, 64));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvAlgorithm.parse("fft"));
        assertTrue(e.getMessage().contains("convspark.conv.algorithm") && e.getMessage().contains("'fft'"),
                e.getMessage());
    }
}
