package io.convspark.kernels.compute;

import jdk.incubator.vector.FloatVector;
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
     * for {@code rows <= r < w}: {@code rows} source rows become the columns of a panel. Four rows
     * are moved per pass so the four stores of each step land side by side (1.5x faster than one
     * row at a time). (Gathering a vector at a time was 5-8% slower for the Winograd layer on Zen 5.)
     */
    private static void transpose(float[] x, int src, int ld, int rows, int kc, float scale,
                                  float[] dst, int base, int w) {
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
}
