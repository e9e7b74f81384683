package io.convspark.kernels.compute;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C[m x n] = alpha A[m x k] B[n x k]^T + beta C} as dot products of rows, with no packing:
 * {@code C[i][j] = alpha sum_p A[i][p] B[j][p] + beta C[i][j]}, reducing over {@code p} along the
 * vector lanes. The shape of a convolution's weight gradient when {@code C*kh*kw} is small
 * ({@code dW[F, K] = dy[F, P] col[K, P]^T} with {@code K = 9} for a first layer on grey images):
 * the packed path would pad the 9 columns to a vector and repack all of {@code dy} for every
 * sample, which costs more than the arithmetic. Blocks of 4 rows of A x 3 rows of B keep 12
 * accumulators in registers and load 7 vectors per 12 FMAs; a scalar loop finishes {@code k}.
 * Written in {@code lanewise} form for the reasons given in {@link GemmMicroKernels}.
 */
final class GemmDotKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorOperators.Ternary FMA = VectorOperators.FMA;
    private static final VectorOperators.Associative SUM = VectorOperators.ADD;

    private GemmDotKernels() {
    }

    /**
     * Whether {@link #gemmABt} is the better path: few rows of B (at most two vectors, and not whole
     * vectors, whose panels the packed kernels fill: a Winograd layer's 16 or 32 channels) and a
     * long reduction. Measured on Zen 5 (GFLOP/s, this path against the packed one): 9 x 676 88 / 58,
     * 27 x 1024 120 / 69; 32 x 256 66 / 88-93, 16 x 256 54-67 / 85.
     */
    static boolean suits(boolean transA, boolean transB, int n, int k) {
        return !transA && transB && n <= 2 * L && n % L != 0 && k >= 8 * L;
    }

    static void gemmABt(int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float beta, float[] c, int cOff, int ldc) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = 0;
            for (; j + 3 <= n; j += 3) {
                block4x3(k, alpha, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, beta, c, cOff + i * ldc + j, ldc);
            }
            for (; j < n; j++) {
                for (int r = 0; r < 4; r++) {
                    single(k, alpha, a, aOff + (i + r) * lda, b, bOff + j * ldb, beta, c, cOff + (i + r) * ldc + j);
                }
            }
        }
        for (; i < m; i++) {
            for (int j = 0; j < n; j++) {
                single(k, alpha, a, aOff + i * lda, b, bOff + j * ldb, beta, c, cOff + i * ldc + j);
            }
        }
    }

    /** C[0:4, 0:3] from rows a0..a3 (stride lda) and b0..b2 (stride ldb). */
    private static void block4x3(int k, float alpha, float[] a, int ai, int lda, float[] b, int bi, int ldb,
                                 float beta, float[] c, int ci, int ldc) {
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S), s12 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S), s22 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S), s32 = FloatVector.zero(S);
        int p = 0;
        for (; p + L <= k; p += L) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi + p);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + ldb + p);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * ldb + p);
            FloatVector a0 = FloatVector.fromArray(S, a, ai + p);
            s00 = a0.lanewise(FMA, b0, s00);
            s01 = a0.lanewise(FMA, b1, s01);
            s02 = a0.lanewise(FMA, b2, s02);
            FloatVector a1 = FloatVector.fromArray(S, a, ai + lda + p);
            s10 = a1.lanewise(FMA, b0, s10);
            s11 = a1.lanewise(FMA, b1, s11);
            s12 = a1.lanewise(FMA, b2, s12);
            FloatVector a2 = FloatVector.fromArray(S, a, ai + 2 * lda + p);
            s20 = a2.lanewise(FMA, b0, s20);
            s21 = a2.lanewise(FMA, b1, s21);
            s22 = a2.lanewise(FMA, b2, s22);
            FloatVector a3 = FloatVector.fromArray(S, a, ai + 3 * lda + p);
            s30 = a3.lanewise(FMA, b0, s30);
            s31 = a3.lanewise(FMA, b1, s31);
            s32 = a3.lanewise(FMA, b2, s32);
        }
        // the lanes are reduced here, so the helper takes floats only (a helper taking vectors may box them)
        storeRow(k, p, alpha, a, ai, b, bi, ldb, beta, c, ci,
                s00.reduceLanes(SUM), s01.reduceLanes(SUM), s02.reduceLanes(SUM));
        storeRow(k, p, alpha, a, ai + lda, b, bi, ldb, beta, c, ci + ldc,
                s10.reduceLanes(SUM), s11.reduceLanes(SUM), s12.reduceLanes(SUM));
        storeRow(k, p, alpha, a, ai + 2 * lda, b, bi, ldb, beta, c, ci + 2 * ldc,
                s20.reduceLanes(SUM), s21.reduceLanes(SUM), s22.reduceLanes(SUM));
        storeRow(k, p, alpha, a, ai + 3 * lda, b, bi, ldb, beta, c, ci + 3 * ldc,
                s30.reduceLanes(SUM), s31.reduceLanes(SUM), s32.reduceLanes(SUM));
    }

    /** One row of a 4x3 block: the vector parts d0..d2 of A row {@code ai} x B rows bi.. plus the tails from p. */
    private static void storeRow(int k, int p, float alpha, float[] a, int ai, float[] b, int bi, int ldb, float beta,
                                 float[] c, int ci, float d0, float d1, float d2) {
        store(alpha, beta, c, ci, d0 + tail(a, ai, b, bi, p, k));
        store(alpha, beta, c, ci + 1, d1 + tail(a, ai, b, bi + ldb, p, k));
        store(alpha, beta, c, ci + 2, d2 + tail(a, ai, b, bi + 2 * ldb, p, k));
    }

    /** One C element: the dot product of the rows at ai and bi. */
    private static void single(int k, float alpha, float[] a, int ai, float[] b, int bi, float beta, float[] c,
                               int ci) {
        FloatVector s = FloatVector.zero(S);
        int p = 0;
        for (; p + L <= k; p += L) {
            s = FloatVector.fromArray(S, a, ai + p).lanewise(FMA, FloatVector.fromArray(S, b, bi + p), s);
        }
        store(alpha, beta, c, ci, s.reduceLanes(SUM) + tail(a, ai, b, bi, p, k));
    }

    /** sum over p in [from, k) of a[ai + p] b[bi + p]. */
    private static float tail(float[] a, int ai, float[] b, int bi, int from, int k) {
        float s = 0f;
        for (int p = from; p < k; p++) {
            s += a[ai + p] * b[bi + p];
        }
        return s;
    }

    /** c = alpha dot + beta c, not reading c when beta is 0. */
    private static void store(float alpha, float beta, float[] c, int ci, float dot) {
        c[ci] = beta == 0f ? alpha * dot : alpha * dot + beta * c[ci];
    }
}
