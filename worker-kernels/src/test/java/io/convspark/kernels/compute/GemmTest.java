package io.convspark.kernels.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.convspark.kernels.testing.Allocations;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorGemm} (and native OpenBLAS when it loads) against the scalar reference {@link JavaGemm}:
 * every element must agree within {@code 1e-5 * sum_p |alpha op(A)[i,p] op(B)[p,j]| + |beta C[i,j]|},
 * the float rounding bound of a length-k dot product, over edge sizes around the micro-tile
 * (MR rows x NR columns), all transpose combinations, offsets, padded leading dimensions and
 * alpha/beta variants.
 */
class GemmTest {
    private static final int[] EDGE_SIZES = {1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 49};
    private static final int[] EDGE_DEPTHS = {1, 3, 16, 17, 255, 256, 257, 513};

    private final Gemm vector = new VectorGemm();

    @Test
    void edgeSizesAllTransposes() {
        Random rnd = new Random(1);
        for (int m : EDGE_SIZES) {
            for (int n : EDGE_SIZES) {
                int k = EDGE_DEPTHS[rnd.nextInt(EDGE_DEPTHS.length)];
                for (int t = 0; t < 4; t++) {
                    Problem p = Problem.random(rnd, (t & 1) != 0, (t & 2) != 0, m, n, k, 0, 0, 0.5f, 0f);
                    p.checkAgainstReference(vector);
                }
            }
        }
    }

    @Test
    void oddDepthsAroundTheReductionBlock() {
        Random rnd = new Random(2);
        for (int k : new int[] {1, 2, 5, 9, 63, 255, 256, 257, 511, 577, 800, 1601}) {
            for (int t = 0; t < 4; t++) {
                Problem.random(rnd, (t & 1) != 0, (t & 2) != 0, 17, 35, k, 0, 0, 1f, 0f).checkAgainstReference(vector);
            }
        }
    }

    @Test
    void offsetsAndPaddedLeadingDimensions() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 40; trial++) {
            int m = 1 + rnd.nextInt(40);
            int n = 1 + rnd.nextInt(70);
            int k = 1 + rnd.nextInt(300);
            Problem p = Problem.random(rnd, rnd.nextBoolean(), rnd.nextBoolean(), m, n, k,
                    1 + rnd.nextInt(13), 1 + rnd.nextInt(29), rnd.nextFloat() * 2 - 1, rnd.nextFloat() * 2 - 1);
            p.checkAgainstReference(vector);
        }
    }

    @Test
    void dotProductPathForFewRowsOfTransposedB() {
        // A B^T with n <= two vectors and a long k: GemmDotKernels (conv weight gradients of small C*kh*kw)
        Random rnd = new Random(7);
        int[][] shapes = {{64, 9, 676}, {32, 27, 1024}, {5, 7, 130}, {4, 3, 128}, {9, 32, 1000}, {3, 1, 257}};
        if (VectorGemm.lanes() >= 8) {
            // (9 rows are more than two 4-lane vectors: NEON or SSE machines take the packed path)
            assertTrue(GemmDotKernels.suits(false, true, 9, 676), "mnist's first-layer weight gradient takes the path");
        }
        for (int[] s : shapes) {
            Problem.random(rnd, false, true, s[0], s[1], s[2], 0, 0, 1f, 0f).checkAgainstReference(vector);
            Problem.random(rnd, false, true, s[0], s[1], s[2], 3, 11, 0.5f, 1f).checkAgainstReference(vector);
            Problem.random(rnd, false, true, s[0], s[1], s[2], 1, 2, -1f, 0.25f).checkAgainstReference(vector);
        }
    }

    @Test
    void rowMajorAReadInPlaceForNarrowProducts() {
        // alpha 1, A not transposed, at most two column panels: A's rows are read where they lie
        // (8 at a time; a partial last panel is packed), across reduction blocks, with accumulation
        Random rnd = new Random(12);
        for (int m : new int[] {8, 9, 16, 23, 128}) {
            for (int n : new int[] {1, 16, 17, 32, 33, 64}) {
                for (int k : new int[] {1, 64, 257, 600}) {
                    float beta = new float[] {0f, 1f, 0.5f}[rnd.nextInt(3)];
                    Problem.random(rnd, false, rnd.nextBoolean(), m, n, k, rnd.nextInt(3), rnd.nextInt(4), 1f, beta)
                            .checkAgainstReference(vector);
                }
            }
        }
        assertTrue(!GemmDotKernels.suits(false, true, 2 * VectorGemm.lanes(), 1024),
                "whole vectors of B rows (a Winograd layer's channels) take the packed kernels");
    }

    @Test
    void transposedBPanelsInBlocksAndTails() {
        // op(B) = B^T with whole-vector panels (16, 32, 48 columns) goes through the 16 x 16 register
        // transposes; reductions that are not a multiple of 16 finish with the scalar moves
        Random rnd = new Random(13);
        for (int n : new int[] {16, 32, 48, 64, 96}) {
            for (int k : new int[] {16, 17, 31, 32, 100, 256, 257}) {
                Problem.random(rnd, false, true, 24, n, k, rnd.nextInt(3), rnd.nextInt(5), 1f, 0f)
                        .checkAgainstReference(vector);
                Problem.random(rnd, true, true, 9, n, k, 1, 3, 1f, 0.5f).checkAgainstReference(vector);
            }
        }
    }

    @Test
    void alphaAndBetaVariants() {
        Random rnd = new Random(4);
        float[][] alphaBeta = {
                {1f, 0f}, {1f, 1f}, {2.5f, 0f}, {-0.5f, 1f}, {1f, -2f}, {0.3f, 0.7f}, {0f, 0.5f}, {0f, 0f}};
        for (float[] ab : alphaBeta) {
            for (int t = 0; t < 4; t++) {
                Problem.random(rnd, (t & 1) != 0, (t & 2) != 0, 19, 50, 300, 3, 5, ab[0], ab[1])
                        .checkAgainstReference(vector);
            }
        }
    }

    @Test
    void betaZeroOverwritesNaNGarbage() {
        Random rnd = new Random(5);
        for (int t = 0; t < 4; t++) {
            for (float alpha : new float[] {1f, 0f}) {
                Problem p = Problem.random(rnd, (t & 1) != 0, (t & 2) != 0, 21, 37, 300, 2, 4, alpha, 0f);
                Arrays.fill(p.c, Float.NaN);
                p.checkAgainstReference(vector);
            }
        }
        // k = 0: C = beta C, so beta = 0 clears NaN too.
        float[] c = new float[6];
        Arrays.fill(c, Float.NaN);
        vector.sgemm(false, false, 2, 3, 0, 1f, new float[0], 0, 1, new float[3], 0, 3, 0f, c, 0, 3);
        assertTrue(Arrays.equals(c, new float[6]), "k = 0 with beta = 0 must zero C, got " + Arrays.toString(c));
    }

    @Test
    void leavesElementsOutsideCUntouched() {
        Random rnd = new Random(6);
        for (int t = 0; t < 4; t++) {
            Problem p = Problem.random(rnd, (t & 1) != 0, (t & 2) != 0, 13, 35, 40, 7, 11, 1f, 0f);
            float[] before = p.c.clone();
            vector.sgemm(p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb,
                    p.beta, p.c, p.cOff, p.ldc);
            for (int idx = 0; idx < p.c.length; idx++) {
                int rel = idx - p.cOff;
                boolean inside = rel >= 0 && rel / p.ldc < p.m && rel % p.ldc < p.n;
                if (!inside) {
                    assertEquals(before[idx], p.c[idx], "element " + idx + " outside C was modified");
                }
            }
        }
    }

    @Test
    void convAndDenseShapes() {
        Random rnd = new Random(7);
        // forward: W[F x CKK] col[CKK x OHOW]; dW: dOut[F x OHOW] col^T; dX: W^T dOut; dense and its gradients.
        int[][] shapes = {
                {0, 0, 64, 676, 9}, {0, 0, 64, 121, 576}, {0, 0, 128, 100, 1600}, {0, 0, 64, 784, 800},
                {0, 1, 64, 576, 676}, {0, 1, 128, 1600, 100},
                {1, 0, 576, 676, 64}, {1, 0, 1600, 100, 128},
                {0, 0, 64, 128, 3200}, {1, 0, 3200, 128, 64}, {0, 1, 64, 3200, 128}, {1, 1, 70, 3100, 50}};
        for (int[] s : shapes) {
            Problem.random(rnd, s[0] == 1, s[1] == 1, s[2], s[3], s[4], 0, 0, 1f, 0f).checkAgainstReference(vector);
        }
        // Larger than one block in every dimension (m > 256, n > 3072, k > 256).
        Problem.random(rnd, false, false, 300, 3100, 300, 1, 1, 1f, 0.5f).checkAgainstReference(vector);
    }

    @Test
    void noAllocationOnceCompiled() {
        // Until C2 compiles the kernels the Vector API runs boxed and allocates; once it has, a call
        // must allocate nothing (the packing buffers are per-thread and reused).
        Random rnd = new Random(8);
        Problem[] problems = new Problem[8];
        for (int t = 0; t < problems.length; t++) {
            problems[t] = Problem.random(rnd, (t & 1) != 0, (t & 2) != 0, 64, 100, 300, 0, 0, 1f, t < 4 ? 0f : 0.5f);
        }
        long allocated = Allocations.afterWarmUp(() -> {
            for (int i = 0; i < 5; i++) {
                for (Problem p : problems) {
                    vector.sgemm(p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.aOff, p.lda,
                            p.b, p.bOff, p.ldb, p.beta, p.c, p.cOff, p.ldc);
                }
            }
        }, 0);
        assertEquals(0, allocated, "40 calls (all transposes, beta 0 and 0.5) still allocated " + allocated
                + " bytes after warm-up");
    }

    @Test
    void preparedAEqualsThePlainProduct() {
        // one PackedA reused across sizes that grow and shrink, block edges of m (MC) and k (KC),
        // transposes, betas, and back-ends (a Vector API panel set then a native description, and back)
        Random rnd = new Random(10);
        java.util.List<Gemm> gemms = new java.util.ArrayList<>(java.util.List.of(vector, new JavaGemm()));
        try {
            gemms.add(NativeGemm.loadNative());
        } catch (Throwable notInstalled) {
            // the pure-Java back-ends only
        }
        PackedA reuse = null;
        int[] rows = {1, 7, 8, 9, 33, 128, 257, 300};
        int[] depths = {1, 17, 64, 256, 257, 600};
        for (int trial = 0; trial < 48; trial++) {
            Gemm gemm = gemms.get(trial % gemms.size());
            int m = rows[rnd.nextInt(rows.length)];
            int k = depths[rnd.nextInt(depths.length)];
            int n = 1 + rnd.nextInt(150);
            float beta = new float[] {0f, 1f, 0.5f}[trial % 3];
            Problem p = Problem.random(rnd, rnd.nextBoolean(), rnd.nextBoolean(), m, n, k, rnd.nextInt(4),
                    rnd.nextInt(5), 1f, beta);
            reuse = p.checkPackedAgainstReference(gemm, reuse);
            assertEquals(m, reuse.rows());
            assertEquals(k, reuse.depth());
        }
        // one prepared A against several B, as the Winograd layer uses it
        Problem first = Problem.random(rnd, false, false, 128, 72, 64, 0, 0, 1f, 0f);
        PackedA u = first.checkPackedAgainstReference(vector, null);
        for (int n : new int[] {72, 144, 16, 33}) {
            Problem next = Problem.random(rnd, false, false, 128, n, 64, 0, 0, 1f, 0f);
            System.arraycopy(first.a, 0, next.a, 0, first.a.length);
            next.checkAgainstReference(vector, () -> vector.sgemm(u, false, n, next.b, next.bOff, next.ldb, 0f,
                    next.c, next.cOff, next.ldc));
        }
    }

    @Test
    void preparedProductAllocatesNothingOnceCompiled() {
        Random rnd = new Random(11);
        Problem p = Problem.random(rnd, false, false, 128, 144, 64, 0, 0, 1f, 0f);
        PackedA[] packed = {null};
        long allocated = Allocations.afterWarmUp(() -> {
            for (int i = 0; i < 5; i++) {
                packed[0] = vector.pack(p.transA, p.m, p.k, p.a, p.aOff, p.lda, packed[0]);
                vector.sgemm(packed[0], false, p.n, p.b, p.bOff, p.ldb, 0f, p.c, p.cOff, p.ldc);
            }
        }, 0);
        assertEquals(0, allocated, "repacking into the same PackedA and multiplying allocated " + allocated + " bytes");
    }

    @Test
    void clearErrorsForBadArguments() {
        float[] a = new float[6];
        float[] b = new float[6];
        float[] c = new float[4];
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> vector.sgemm(false, false, 2, 2, 4, 1f, a, 0, 4, b, 0, 2, 0f, c, 0, 2));
        assertTrue(small.getMessage().contains("A (2 x 4, leading dimension 4, offset 0)")
                && small.getMessage().contains("the array has 6"), small.getMessage());
        IllegalArgumentException ld = assertThrows(IllegalArgumentException.class,
                () -> vector.sgemm(false, true, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2));
        assertTrue(ld.getMessage().contains(
                "leading dimension of B (transposed, stored n x k) must be >= its 3 columns, got 2"), ld.getMessage());
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class,
                () -> vector.sgemm(false, false, -1, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2));
        assertTrue(neg.getMessage().contains("m=-1"), neg.getMessage());
        IllegalArgumentException packed = assertThrows(IllegalArgumentException.class,
                () -> vector.pack(false, 2, 4, a, 0, 4, null));
        assertTrue(packed.getMessage().contains("A (2 x 4, leading dimension 4, offset 0)"), packed.getMessage());
    }

    @Test
    void nativeAgreesWithReferenceWhenItLoads() {
        Gemm nativeGemm;
        try {
            nativeGemm = NativeGemm.loadNative();
        } catch (Throwable e) {
            Assumptions.abort("native BLAS not loadable here: " + e);
            return;
        }
        Random rnd = new Random(9);
        for (int trial = 0; trial < 24; trial++) {
            Problem.random(rnd, (trial & 1) != 0, (trial & 2) != 0, 1 + rnd.nextInt(70), 1 + rnd.nextInt(90),
                    1 + rnd.nextInt(400), rnd.nextInt(5), rnd.nextInt(9), 1.5f, trial % 3 == 0 ? 0f : 0.5f)
                    .checkAgainstReference(nativeGemm);
        }
        Problem.random(rnd, false, true, 64, 576, 676, 0, 0, 1f, 0f).checkAgainstReference(nativeGemm);
    }

    /** One random sgemm call: operands with offsets and padded strides, and C with garbage around it. */
    private static final class Problem {
        final boolean transA;
        final boolean transB;
        final int m;
        final int n;
        final int k;
        final float alpha;
        final float beta;
        final float[] a;
        final float[] b;
        final float[] c;
        final int aOff;
        final int bOff;
        final int cOff;
        final int lda;
        final int ldb;
        final int ldc;

        private Problem(Random rnd, boolean transA, boolean transB, int m, int n, int k, int offset, int pad,
                        float alpha, float beta) {
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.beta = beta;
            int aRows = transA ? k : m;
            int aCols = transA ? m : k;
            int bRows = transB ? n : k;
            int bCols = transB ? k : n;
            lda = aCols + pad;
            ldb = bCols + pad;
            ldc = n + pad;
            aOff = offset;
            bOff = offset + 1;
            cOff = offset + 2;
            a = random(rnd, aOff + aRows * lda);
            b = random(rnd, bOff + bRows * ldb);
            c = random(rnd, cOff + m * ldc + pad);
        }

        static Problem random(Random rnd, boolean transA, boolean transB, int m, int n, int k, int offset, int pad,
                              float alpha, float beta) {
            return new Problem(rnd, transA, transB, m, n, k, offset, pad, alpha, beta);
        }

        float[] expectedC() {
            float[] expected = c.clone();
            new JavaGemm().sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, expected, cOff, ldc);
            return expected;
        }

        void checkAgainstReference(Gemm gemm) {
            checkAgainstReference(gemm, () -> gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc));
        }

        /** The product through {@link Gemm#pack} (alpha must be 1); returns the prepared A for reuse. */
        PackedA checkPackedAgainstReference(Gemm gemm, PackedA reuse) {
            if (alpha != 1f) {
                throw new IllegalStateException("a prepared A has no alpha");
            }
            PackedA packed = gemm.pack(transA, m, k, a, aOff, lda, reuse);
            checkAgainstReference(gemm, () -> gemm.sgemm(packed, transB, n, b, bOff, ldb, beta, c, cOff, ldc));
            return packed;
        }

        private void checkAgainstReference(Gemm gemm, Runnable product) {
            float[] initial = c.clone();
            float[] expected = expectedC();
            product.run();
            // magnitude[i][j] = sum_p |alpha op(A)[i,p] op(B)[p,j]| + |beta C[i,j]|
            float[] magnitude = new float[m * n];
            float[] absA = abs(a);
            float[] absB = abs(b);
            new JavaGemm().sgemm(transA, transB, m, n, k, Math.abs(alpha), absA, aOff, lda, absB, bOff, ldb,
                    0f, magnitude, 0, n);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double bound = magnitude[i * n + j];
                    if (beta != 0f) {
                        bound += Math.abs(beta * initial[cOff + i * ldc + j]);
                    }
                    int idx = cOff + i * ldc + j;
                    double error = Math.abs((double) c[idx] - expected[idx]);
                    if (!(error <= 1e-5 * bound + 1e-30)) {
                        fail(gemm.name() + " " + describe() + ": C[" + i + "][" + j + "] = " + c[idx]
                                + ", reference " + expected[idx] + " (tolerance " + 1e-5 * bound + ")");
                    }
                }
            }
        }

        String describe() {
            return "transA=" + transA + " transB=" + transB + " m=" + m + " n=" + n + " k=" + k + " alpha=" + alpha
                    + " beta=" + beta + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + " offsets=" + aOff + "/"
                    + bOff + "/" + cOff;
        }

        private static float[] abs(float[] x) {
            float[] y = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = Math.abs(x[i]);
            }
            return y;
        }

        private static float[] random(Random rnd, int size) {
            float[] x = new float[size];
            for (int i = 0; i < size; i++) {
                x[i] = rnd.nextFloat() * 2f - 1f;
            }
            return x;
        }
    }
}
