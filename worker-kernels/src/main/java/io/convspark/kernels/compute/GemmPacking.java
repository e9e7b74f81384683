package io.convspark.kernels.compute;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of {@code op(A)} and {@code op(B)} into the contiguous, zero-padded panel layouts
 * that {@link GemmMicroKernels} stream through. Packing absorbs the transposes, the leading
 * dimensions, the offsets and {@code alpha}, so the micro-kernel has a single code path.
 *
 * <p>Layouts (all row-major within a panel):
 * <ul>
 *   <li>A block {@code op(A)[i0 : i0+mc, p0 : p0+kc]}: row panels of {@code mr} rows; panel
 *       {@code q} starts at {@code q * kc * mr} and holds {@code Ap[p][r] = alpha * op(A)[i0 + q*mr + r, p0 + p]}
 *       at {@code p * mr + r}; rows past {@code mc} are zero.</li>
 *   <li>B block {@code op(B)[p0 : p0+kc, j0 : j0+nc]}: column panels of {@code nr} columns; panel
 *       {@code q} starts at {@code q * kc * nr} and holds {@code Bp[p][j] = op(B)[p0 + p, j0 + q*nr + j]}
 *       at {@code p * w + j}, where the panel width {@code w} is {@code nr}, or a single vector
 *       ({@link #panelWidth}) for a last panel that fits in one; columns past {@code nc} are zero.</li>
 * </ul>
 */
final class GemmPacking {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** For {@link #transposeBlock}, distance d = 8, 4, 2, 1: lanes with bit d set, and the shifts by d. */
    private static final VectorMask<Float> M8 = bitSet(8);
    private static final VectorMask<Float> M4 = bitSet(4);
    private static final VectorMask<Float> M2 = bitSet(2);
    private static final VectorMask<Float> M1 = bitSet(1);
    private static final VectorShuffle<Float> UP8 = shift(-8);
    private static final VectorShuffle<Float> UP4 = shift(-4);
    private static final VectorShuffle<Float> UP2 = shift(-2);
    private static final VectorShuffle<Float> UP1 = shift(-1);
    private static final VectorShuffle<Float> DOWN8 = shift(8);
    private static final VectorShuffle<Float> DOWN4 = shift(4);
    private static final VectorShuffle<Float> DOWN2 = shift(2);
    private static final VectorShuffle<Float> DOWN1 = shift(1);

    private static VectorMask<Float> bitSet(int d) {
        boolean[] set = new boolean[L];
        for (int l = 0; l < L; l++) {
            set[l] = (l & d) != 0;
        }
        return VectorMask.fromArray(S, set, 0);
    }

    /** Lane l takes lane l + by where that lies in the vector, else itself (those lanes are blended away). */
    private static VectorShuffle<Float> shift(int by) {
        int[] from = new int[L];
        for (int l = 0; l < L; l++) {
            from[l] = l + by >= 0 && l + by < L ? l + by : l;
        }
        return VectorShuffle.fromArray(S, from, 0);
    }

    private GemmPacking() {
    }

    /**
     * Width of a B panel holding {@code cols} valid columns out of at most {@code nr}: one vector
     * when they fit in one, else the full {@code nr}.
     */
    static int panelWidth(int cols, int nr) {
        return cols <= S.length() ? S.length() : nr;
    }

    /** Packs {@code alpha * op(A)[i0 : i0+mc, p0 : p0+kc]} into row panels of {@code mr} rows from {@code dst[dstOff]} on. */
    static void packA(boolean transA, float alpha, float[] a, int aOff, int lda,
                      int i0, int mc, int p0, int kc, int mr, float[] dst, int dstOff) {
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            int base = dstOff + (ir / mr) * kc * mr;
            if (!transA) {
                // A is stored m x k: row i of op(A) is contiguous over p; transpose it into the panel.
                transpose(a, aOff + (i0 + ir) * lda + p0, lda, rows, kc, alpha, dst, base, mr);
            } else if (rows == 8 && mr == 8) {
                // A is stored k x m: op(A)[i, p] = a[p * lda + i], so each p gives one contiguous panel
                // row. Written out so that C2 packs it into one vector multiply (a loop over 8 does not),
                // and in scalars: a half-width species here would pollute the type profiles of
                // FloatVector's shared methods and can un-intrinsify the micro-kernels (see GemmMicroKernels).
                for (int p = 0; p < kc; p++) {
                    int s = aOff + (p0 + p) * lda + i0 + ir;
                    int d = base + p * 8;
                    dst[d] = alpha * a[s];
                    dst[d + 1] = alpha * a[s + 1];
                    dst[d + 2] = alpha * a[s + 2];
                    dst[d + 3] = alpha * a[s + 3];
                    dst[d + 4] = alpha * a[s + 4];
                    dst[d + 5] = alpha * a[s + 5];
                    dst[d + 6] = alpha * a[s + 6];
                    dst[d + 7] = alpha * a[s + 7];
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (p0 + p) * lda + i0 + ir;
                    int d = base + p * mr;
                    for (int r = 0; r < rows; r++) {
                        dst[d + r] = alpha * a[src + r];
                    }
                    for (int r = rows; r < mr; r++) {
                        dst[d + r] = 0f;
                    }
                }
            }
        }
    }

    /** Packs {@code op(B)[p0 : p0+kc, j0 : j0+nc]} into column panels of {@code nr} columns. */
    static void packB(boolean transB, float[] b, int bOff, int ldb,
                      int p0, int kc, int j0, int nc, int nr, float[] dst) {
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            int w = panelWidth(cols, nr);
            int base = (jr / nr) * kc * nr;
            if (transB) {
                // B is stored n x k: column j of op(B) is row j of B, contiguous over p.
                transpose(b, bOff + (j0 + jr) * ldb + p0, ldb, cols, kc, 1f, dst, base, w);
            } else if (cols == w) {
                // B is stored k x n and the panel is full: copy a w-float run of each row.
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, bOff + (p0 + p) * ldb + j0 + jr, dst, base + p * w, w);
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (p0 + p) * ldb + j0 + jr;
                    int d = base + p * w;
                    for (int j = 0; j < cols; j++) {
                        dst[d + j] = b[src + j];
                    }
                    for (int j = cols; j < w; j++) {
                        dst[d + j] = 0f;
                    }
                }
            }
        }
    }

    /**
     * {@code dst[base + p * w + r] = scale * x[src + r * ld + p]} for {@code r < rows, p < kc}, and 0
     * for {@code rows <= r < w}: {@code rows} source rows become the columns of a panel. A full
     * panel of whole 16-lane vectors (a B panel) goes in 16 x 16 blocks transposed in registers
     * ({@link #transposeBlock}: a Winograd kernel gradient's 32 x 256 product 80-84 -> 97-102 GFLOP/s,
     * the layer's backward about 10% faster); otherwise, and for the last columns, four rows are moved
     * per pass so the four stores of each step land side by side (1.5x faster than one row at a time).
     * (Gathering a vector at a time was 5-8% slower for the Winograd layer on Zen 5.)
     */
    private static void transpose(float[] x, int src, int ld, int rows, int kc, float scale,
                                  float[] dst, int base, int w) {
        if (L == 16 && rows == w && w % L == 0 && scale == 1f) {
            int p = 0;
            for (; p + L <= kc; p += L) {
                for (int q = 0; q < w; q += L) {
                    transposeBlock(x, src + q * ld + p, ld, dst, base + p * w + q, w);
                }
            }
            if (p == kc) {
                return;
            }
            // the last columns: the scalar moves below, from column p on
            src += p;
            base += p * w;
            kc -= p;
        }
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int s0 = src + r * ld;
            int s1 = s0 + ld;
            int s2 = s1 + ld;
            int s3 = s2 + ld;
            for (int p = 0; p < kc; p++) {
                int d = base + p * w + r;
                dst[d] = scale * x[s0 + p];
                dst[d + 1] = scale * x[s1 + p];
                dst[d + 2] = scale * x[s2 + p];
                dst[d + 3] = scale * x[s3 + p];
            }
        }
        for (; r < rows; r++) {
            int s = src + r * ld;
            int d = base + r;
            for (int p = 0; p < kc; p++) {
                dst[d + p * w] = scale * x[s + p];
            }
        }
        for (; r < w; r++) {
            int d = base + r;
            for (int p = 0; p < kc; p++) {
                dst[d + p * w] = 0f;
            }
        }
    }

    /**
     * {@code dst[d + j * ldd + i] = x[s + i * ld + j]} for a 16 x 16 block, in registers: four
     * butterfly stages (distance d = 8, 4, 2, 1) each swap the off-diagonal d x d blocks of every
     * 2d x 2d block, rows i and i + d exchanging their lanes with bit d clear / set by a shift and a
     * blend (one-vector rearranges: JDK 17's two-vector rearrange is 3x slower than scalar code).
     */
    private static void transposeBlock(float[] x, int s, int ld, float[] dst, int d, int ldd) {
        FloatVector r0 = FloatVector.fromArray(S, x, s);
        FloatVector r1 = FloatVector.fromArray(S, x, s + ld);
        FloatVector r2 = FloatVector.fromArray(S, x, s + 2 * ld);
        FloatVector r3 = FloatVector.fromArray(S, x, s + 3 * ld);
        FloatVector r4 = FloatVector.fromArray(S, x, s + 4 * ld);
        FloatVector r5 = FloatVector.fromArray(S, x, s + 5 * ld);
        FloatVector r6 = FloatVector.fromArray(S, x, s + 6 * ld);
        FloatVector r7 = FloatVector.fromArray(S, x, s + 7 * ld);
        FloatVector r8 = FloatVector.fromArray(S, x, s + 8 * ld);
        FloatVector r9 = FloatVector.fromArray(S, x, s + 9 * ld);
        FloatVector r10 = FloatVector.fromArray(S, x, s + 10 * ld);
        FloatVector r11 = FloatVector.fromArray(S, x, s + 11 * ld);
        FloatVector r12 = FloatVector.fromArray(S, x, s + 12 * ld);
        FloatVector r13 = FloatVector.fromArray(S, x, s + 13 * ld);
        FloatVector r14 = FloatVector.fromArray(S, x, s + 14 * ld);
        FloatVector r15 = FloatVector.fromArray(S, x, s + 15 * ld);
        FloatVector t;
        // d = 8
        t = r0.blend(r8.rearrange(UP8), M8);
        r8 = r0.rearrange(DOWN8).blend(r8, M8);
        r0 = t;
        t = r1.blend(r9.rearrange(UP8), M8);
        r9 = r1.rearrange(DOWN8).blend(r9, M8);
        r1 = t;
        t = r2.blend(r10.rearrange(UP8), M8);
        r10 = r2.rearrange(DOWN8).blend(r10, M8);
        r2 = t;
        t = r3.blend(r11.rearrange(UP8), M8);
        r11 = r3.rearrange(DOWN8).blend(r11, M8);
        r3 = t;
        t = r4.blend(r12.rearrange(UP8), M8);
        r12 = r4.rearrange(DOWN8).blend(r12, M8);
        r4 = t;
        t = r5.blend(r13.rearrange(UP8), M8);
        r13 = r5.rearrange(DOWN8).blend(r13, M8);
        r5 = t;
        t = r6.blend(r14.rearrange(UP8), M8);
        r14 = r6.rearrange(DOWN8).blend(r14, M8);
        r6 = t;
        t = r7.blend(r15.rearrange(UP8), M8);
        r15 = r7.rearrange(DOWN8).blend(r15, M8);
        r7 = t;
        // d = 4
        t = r0.blend(r4.rearrange(UP4), M4);
        r4 = r0.rearrange(DOWN4).blend(r4, M4);
        r0 = t;
        t = r1.blend(r5.rearrange(UP4), M4);
        r5 = r1.rearrange(DOWN4).blend(r5, M4);
        r1 = t;
        t = r2.blend(r6.rearrange(UP4), M4);
        r6 = r2.rearrange(DOWN4).blend(r6, M4);
        r2 = t;
        t = r3.blend(r7.rearrange(UP4), M4);
        r7 = r3.rearrange(DOWN4).blend(r7, M4);
        r3 = t;
        t = r8.blend(r12.rearrange(UP4), M4);
        r12 = r8.rearrange(DOWN4).blend(r12, M4);
        r8 = t;
        t = r9.blend(r13.rearrange(UP4), M4);
        r13 = r9.rearrange(DOWN4).blend(r13, M4);
        r9 = t;
        t = r10.blend(r14.rearrange(UP4), M4);
        r14 = r10.rearrange(DOWN4).blend(r14, M4);
        r10 = t;
        t = r11.blend(r15.rearrange(UP4), M4);
        r15 = r11.rearrange(DOWN4).blend(r15, M4);
        r11 = t;
        // d = 2
        t = r0.blend(r2.rearrange(UP2), M2);
        r2 = r0.rearrange(DOWN2).blend(r2, M2);
        r0 = t;
        t = r1.blend(r3.rearrange(UP2), M2);
        r3 = r1.rearrange(DOWN2).blend(r3, M2);
        r1 = t;
        t = r4.blend(r6.rearrange(UP2), M2);
        r6 = r4.rearrange(DOWN2).blend(r6, M2);
        r4 = t;
        t = r5.blend(r7.rearrange(UP2), M2);
        r7 = r5.rearrange(DOWN2).blend(r7, M2);
        r5 = t;
        t = r8.blend(r10.rearrange(UP2), M2);
        r10 = r8.rearrange(DOWN2).blend(r10, M2);
        r8 = t;
        t = r9.blend(r11.rearrange(UP2), M2);
        r11 = r9.rearrange(DOWN2).blend(r11, M2);
        r9 = t;
        t = r12.blend(r14.rearrange(UP2), M2);
        r14 = r12.rearrange(DOWN2).blend(r14, M2);
        r12 = t;
        t = r13.blend(r15.rearrange(UP2), M2);
        r15 = r13.rearrange(DOWN2).blend(r15, M2);
        r13 = t;
        // d = 1
        t = r0.blend(r1.rearrange(UP1), M1);
        r1 = r0.rearrange(DOWN1).blend(r1, M1);
        r0 = t;
        t = r2.blend(r3.rearrange(UP1), M1);
        r3 = r2.rearrange(DOWN1).blend(r3, M1);
        r2 = t;
        t = r4.blend(r5.rearrange(UP1), M1);
        r5 = r4.rearrange(DOWN1).blend(r5, M1);
        r4 = t;
        t = r6.blend(r7.rearrange(UP1), M1);
        r7 = r6.rearrange(DOWN1).blend(r7, M1);
        r6 = t;
        t = r8.blend(r9.rearrange(UP1), M1);
        r9 = r8.rearrange(DOWN1).blend(r9, M1);
        r8 = t;
        t = r10.blend(r11.rearrange(UP1), M1);
        r11 = r10.rearrange(DOWN1).blend(r11, M1);
        r10 = t;
        t = r12.blend(r13.rearrange(UP1), M1);
        r13 = r12.rearrange(DOWN1).blend(r13, M1);
        r12 = t;
        t = r14.blend(r15.rearrange(UP1), M1);
        r15 = r14.rearrange(DOWN1).blend(r15, M1);
        r14 = t;
        r0.intoArray(dst, d + 0);
        r1.intoArray(dst, d + ldd);
        r2.intoArray(dst, d + 2 * ldd);
        r3.intoArray(dst, d + 3 * ldd);
        r4.intoArray(dst, d + 4 * ldd);
        r5.intoArray(dst, d + 5 * ldd);
        r6.intoArray(dst, d + 6 * ldd);
        r7.intoArray(dst, d + 7 * ldd);
        r8.intoArray(dst, d + 8 * ldd);
        r9.intoArray(dst, d + 9 * ldd);
        r10.intoArray(dst, d + 10 * ldd);
        r11.intoArray(dst, d + 11 * ldd);
        r12.intoArray(dst, d + 12 * ldd);
        r13.intoArray(dst, d + 13 * ldd);
        r14.intoArray(dst, d + 14 * ldd);
        r15.intoArray(dst, d + 15 * ldd);
    }
}
