package io.convspark.kernels.compute;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Pure-Java GEMM in the Goto/BLIS style with the Vector API at the platform's preferred width
 * (16 lanes on AVX-512, 8 on AVX2): {@code C[m x n] = alpha * op(A)[m x k] * op(B)[k x n] + beta * C}.
 *
 * <p>Loop nest, outermost first:
 * <pre>
 *   for jc in n step NC            // B block columns (L3)
 *     for pc in k step kc          // reduction block: kc rows of op(B), kc columns of op(A)
 *       pack op(B)[pc:, jc:]       //   into kc x NR column panels
 *       for ic in m step mc        // A block rows (L2)
 *         pack alpha op(A)[ic:, pc:] //   into MR x kc row panels
 *         for jr in nc step NR     // one B panel (kc x NR) stays in L1 ...
 *           for ir in mc step MR   // ... while the A panels stream past it
 *             micro-kernel: C[ir:ir+MR, jr:jr+NR] (+)= Ap * Bp  (sum over kc)
 * </pre>
 * A beta other than 0 or 1 scales C once before the product; the first reduction block then stores
 * into C (beta 0: C is not read) or adds to it, and later blocks add to it. Packing handles
 * transposes, strides and zero padding, so the register-tiled
 * {@link GemmMicroKernels} have one code path; partial tiles at the m and n edges are computed into a
 * small buffer and merged with a scalar loop. Where a block of B has at most two panels, a
 * row-major A (alpha 1) is not packed: the kernels read its 8 rows in place, since each packed
 * panel would serve only once or twice. An A used for several products can be packed once
 * ({@link #pack}, as the Winograd layers do with their transformed kernel). {@code A B^T} with few rows of B and a long reduction
 * (a convolution's weight gradient when {@code C*kh*kw} is small) skips the packing: see
 * {@link GemmDotKernels}. A last B panel of at most one vector width uses the
 * narrower kernel. Packing buffers are per thread and grow only when a larger block is first seen,
 * so calls from several threads at once are safe and warm calls allocate nothing.
 *
 * <p>On JDK 17 the Vector API code here compiles to plain AVX-512/AVX2 instructions only while all
 * float vector code in the JVM uses {@link FloatVector#SPECIES_PREFERRED}: mixing in another float
 * species makes the shared type profiles of {@code FloatVector} polymorphic, and C2 then boxes
 * vectors (measured: about half the speed, and allocation on every call).
 */
public final class VectorGemm implements Gemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();
    /** Rows of a micro-tile: 8 x 2 vectors of accumulators need 32 registers (AVX-512), else 4. */
    static final int MR = S.vectorBitSize() >= 512 ? 8 : 4;

    /** Float lanes of the preferred vector species on this CPU (16 with AVX-512, 8 with AVX2). */
    public static int lanes() {
        return LANES;
    }
    /** Columns of a micro-tile: two vectors. */
    static final int NR = 2 * LANES;
    /** Reduction block: a kc x NR panel of B (32 KiB at 16 lanes) fits in L1. */
    private static final int KC = 256;
    /** A block of MC x KC floats (256 KiB) stays in L2. */
    private static final int MC = 256;
    /** B block of KC x NC floats (at most 3 MiB) stays in L3. */
    private static final int NC = 3072;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize() + "bit";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        product(null, transA, m, n, k, alpha, a, aOff, lda, transB, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * Packs all of {@code op(A)} once, in the blocks {@link #sgemm} would pack it in: the reduction
     * block from {@code pc} (of {@code kc} columns) holds the rows from {@code ic} at
     * {@code pc * roundUp(m, MR) + ic * kc}.
     */
    @Override
    public PackedA pack(boolean transA, int m, int k, float[] a, int aOff, int lda, PackedA reuse) {
        PackedA p = PackedA.describe(reuse, transA, m, k, a, aOff, lda);
        if (m == 0 || k == 0) {
            p.panels = null;
            return p;
        }
        checkMatrix(transA ? "A (transposed, stored k x m)" : "A", a, aOff, lda, transA ? k : m, transA ? m : k);
        int kcMax = kcMax(k);
        int mcMax = mcMax(m);
        int mPadded = roundUp(m, MR);
        if (p.panels == null || p.panels.length < mPadded * k) {
            p.panels = new float[mPadded * k];
        }
        for (int pc = 0; pc < k; pc += kcMax) {
            int kc = Math.min(kcMax, k - pc);
            for (int ic = 0; ic < m; ic += mcMax) {
                GemmPacking.packA(transA, 1f, a, aOff, lda, ic, Math.min(mcMax, m - ic), pc, kc, MR, p.panels,
                        pc * mPadded + ic * kc);
            }
        }
        return p;
    }

    @Override
    public void sgemm(PackedA a, boolean transB, int n, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (a.panels == null) {
            // prepared by another back-end (or empty): the plain product reads the source
            Gemm.super.sgemm(a, transB, n, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        product(a, a.transA, a.m, n, a.k, 1f, a.a, a.aOff, a.lda, transB, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** The checked product; A's panels come from {@code packed} when it is given, else are packed per block. */
    private static void product(PackedA packed, boolean transA, int m, int n, int k, float alpha,
                                float[] a, int aOff, int lda, boolean transB, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: sizes must be >= 0, got m=" + m + ", n=" + n + ", k=" + k);
        }
        if (m == 0 || n == 0) {
            return;
        }
        checkMatrix("C", c, cOff, ldc, m, n);
        if (k == 0 || alpha == 0f) {
            scale(beta, c, cOff, ldc, m, n);
            return;
        }
        if (packed == null) {
            checkMatrix(transA ? "A (transposed, stored k x m)" : "A", a, aOff, lda, transA ? k : m, transA ? m : k);
        }
        checkMatrix(transB ? "B (transposed, stored n x k)" : "B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        if (GemmDotKernels.suits(transA, transB, n, k)) {
            GemmDotKernels.gemmABt(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }

        // Split k and m into equal blocks no larger than KC and MC (k = 576 -> 3 x 192, not 256+256+64).
        int kcMax = kcMax(k);
        int mcMax = mcMax(m);
        int mPadded = roundUp(m, MR);
        int ncMax = Math.min(NC, roundUp(n, NR));
        Workspace ws = WORKSPACE.get();
        float[] aPack = packed != null ? packed.panels : ws.aPack(mcMax * kcMax);
        float[] bPack = ws.bPack(ncMax * kcMax);
        float[] tile = ws.tile;
        // The kernels store (beta 0) or add (beta 1); any other beta is applied to C once, up front.
        if (beta != 0f && beta != 1f) {
            scale(beta, c, cOff, ldc, m, n);
        }
        boolean firstAccumulates = beta != 0f;
        // A row-major A feeding at most two column panels is read in place: packing it (a transpose)
        // would cost more than the product saves (a Winograd kernel gradient, 128 x 64 over 144
        // tiles: 89 -> 147 GFLOP/s); wider blocks reuse each packed panel many times.
        boolean rowsAllowed = packed == null && !transA && alpha == 1f && MR == 8;

        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            boolean rowsA = rowsAllowed && nc <= 2 * NR;
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                boolean accumulate = pc > 0 || firstAccumulates;
                GemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc, nc, NR, bPack);
                for (int ic = 0; ic < m; ic += mcMax) {
                    int mc = Math.min(mcMax, m - ic);
                    int aBase = 0;
                    if (packed != null) {
                        aBase = pc * mPadded + ic * kc;
                    } else if (!rowsA) {
                        GemmPacking.packA(transA, alpha, a, aOff, lda, ic, mc, pc, kc, MR, aPack, 0);
                    }
                    macroKernel(mc, nc, kc, aPack, aBase, rowsA ? a : null, aOff + ic * lda + pc, lda, bPack, tile,
                            c, cOff + ic * ldc + jc, ldc, accumulate);
                }
            }
        }
    }

    /** Largest reduction block: k split into equal blocks of at most KC. */
    private static int kcMax(int k) {
        return ceilDiv(k, ceilDiv(k, KC));
    }

    /** Largest row block: m split into equal blocks of at most MC, rounded up to whole panels. */
    private static int mcMax(int m) {
        return roundUp(ceilDiv(m, ceilDiv(m, MC)), MR);
    }

    /**
     * C[0:mc, 0:nc] (+)= A Bp over a packed block of B, one MR x NR micro-tile at a time. A comes from
     * packed panels ({@code aPack} from {@code aBase}), or, where {@code rows} is given, straight from
     * the rows of a row-major A ({@code rows[rowsOff + i * lda + p]}; see {@link #sgemm}), a last
     * partial panel packed.
     */
    private static void macroKernel(int mc, int nc, int kc, float[] aPack, int aBase, float[] rows, int rowsOff, int lda,
                                    float[] bPack, float[] tile, float[] c, int cBase, int ldc, boolean accumulate) {
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            boolean narrow = GemmPacking.panelWidth(cols, NR) == LANES;
            boolean fullCols = cols == (narrow ? LANES : NR);
            int bi = (jr / NR) * kc * NR;
            int ldb = narrow ? LANES : NR;
            for (int ir = 0; ir < mc; ir += MR) {
                int tileRows = Math.min(MR, mc - ir);
                int ci = cBase + ir * ldc + jr;
                boolean direct = tileRows == MR && fullCols;
                float[] dst = direct ? c : tile;
                int di = direct ? ci : 0;
                int ld = direct ? ldc : NR;
                boolean acc = direct && accumulate;
                if (rows != null && tileRows == MR) {
                    int ai = rowsOff + ir * lda;
                    if (narrow) {
                        GemmMicroKernels.kernel8x1Rows(kc, rows, ai, lda, bPack, bi, ldb, dst, di, ld, acc);
                    } else {
                        GemmMicroKernels.kernel8x2Rows(kc, rows, ai, lda, bPack, bi, ldb, dst, di, ld, acc);
                    }
                } else {
                    int ai = aBase + (ir / MR) * kc * MR;
                    if (rows != null) {
                        // the last, partial row panel: packed (its rows past mc are zero, not read)
                        GemmPacking.packA(false, 1f, rows, rowsOff + ir * lda, lda, 0, tileRows, 0, kc, MR, aPack, 0);
                        ai = 0;
                    }
                    microKernel(narrow, kc, aPack, ai, bPack, bi, ldb, dst, di, ld, acc);
                }
                if (!direct) {
                    mergeTile(tile, tileRows, cols, c, ci, ldc, accumulate);
                }
            }
        }
    }

    private static void microKernel(boolean narrow, int kc, float[] a, int ai, float[] b, int bi, int ldb,
                                    float[] c, int ci, int ldc, boolean accumulate) {
        if (MR == 8) {
            if (narrow) {
                GemmMicroKernels.kernel8x1(kc, a, ai, b, bi, ldb, c, ci, ldc, accumulate);
            } else {
                GemmMicroKernels.kernel8x2(kc, a, ai, b, bi, ldb, c, ci, ldc, accumulate);
            }
        } else {
            if (narrow) {
                GemmMicroKernels.kernel4x1(kc, a, ai, b, bi, ldb, c, ci, ldc, accumulate);
            } else {
                GemmMicroKernels.kernel4x2(kc, a, ai, b, bi, ldb, c, ci, ldc, accumulate);
            }
        }
    }

    /** Rows of the A panels that {@link #multiplyPanel} takes: 8 with AVX-512, 4 with AVX2. */
    public static int panelRows() {
        return MR;
    }

    /**
     * Columns the micro-kernels compute for a product with {@code n} columns: whole panels of two
     * vectors, the last one a single vector where its columns fit in one.
     */
    public static int paddedColumns(int n) {
        int full = n / NR * NR;
        int rest = n - full;
        return full + (rest == 0 ? 0 : rest <= LANES ? LANES : NR);
    }

    /** Columns to which every row of {@link #multiplyPanel}'s B must be readable: {@code n} rounded up to a micro-tile. */
    public static int readableColumns(int n) {
        return roundUp(n, NR);
    }

    /**
     * {@code C[rows x n] = Ap x B} for one packed panel of A and an unpacked B: the product for a short
     * reduction (a model's first convolution: {@code k = C*kh*kw + 1} of 10 or 28), where packing B
     * would cost about as much as the multiplication. Each micro-tile reads its {@code k} B vectors
     * straight from the rows of B, and C is written once, without being read.
     *
     * @param rows rows of C, at most {@link #panelRows()}
     * @param ap   the panel, {@code Ap[p][r]} at {@code ap[ai + p * panelRows() + r]} for p < k
     *             (rows from {@code rows} on are computed into a scratch tile only)
     * @param b    {@code B[p][j]} at {@code b[bOff + p * ldb + j]}, readable for
     *             {@code j < readableColumns(n)}; columns from {@code n} on go to the scratch tile only,
     *             so their values do not matter
     * @param c    {@code C[r][j]} at {@code c[cOff + r * ldc + j]}, overwritten for r < rows, j < n
     */
    public static void multiplyPanel(int rows, int n, int k, float[] ap, int ai, float[] b, int bOff, int ldb,
                                     float[] c, int cOff, int ldc) {
        if (rows < 1 || rows > MR || n < 1 || k < 1 || ldb < readableColumns(n)) {
            throw new IllegalArgumentException("multiplyPanel: need 1 <= rows <= " + MR + ", n >= 1, k >= 1 and ldb >= "
                    + readableColumns(n) + "; got rows=" + rows + ", n=" + n + ", k=" + k + ", ldb=" + ldb);
        }
        checkMatrix("A panel", ap, ai, MR, k, MR);
        checkMatrix("B (readable columns)", b, bOff, ldb, k, readableColumns(n));
        checkMatrix("C", c, cOff, ldc, rows, n);
        float[] tile = WORKSPACE.get().tile;
        for (int jr = 0; jr < n; jr += NR) {
            int cols = Math.min(NR, n - jr);
            if (rows == MR && cols == NR) {
                microKernel(false, k, ap, ai, b, bOff + jr, ldb, c, cOff + jr, ldc, false);
            } else {
                microKernel(false, k, ap, ai, b, bOff + jr, ldb, tile, 0, NR, false);
                mergeTile(tile, rows, cols, c, cOff + jr, ldc, false);
            }
        }
    }

    /** C[0:rows, 0:cols] (+)= tile, for a partial micro-tile (tile row stride NR). */
    private static void mergeTile(float[] tile, int rows, int cols, float[] c, int ci, int ldc, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            int cr = ci + r * ldc;
            int tr = r * NR;
            if (accumulate) {
                for (int j = 0; j < cols; j++) {
                    c[cr + j] += tile[tr + j];
                }
            } else {
                System.arraycopy(tile, tr, c, cr, cols);
            }
        }
    }

    /** C = beta C (C = 0 when beta is 0, whatever C held). */
    private static void scale(float beta, float[] c, int cOff, int ldc, int m, int n) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[ci + j] *= beta;
                }
            }
        }
    }

    /** Checks that a rows x cols matrix with row stride ld starting at off lies inside the array. */
    private static void checkMatrix(String what, float[] x, int off, int ld, int rows, int cols) {
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("sgemm: leading dimension of " + what + " must be >= its "
                    + cols + " columns, got " + ld);
        }
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > x.length) {
            throw new IllegalArgumentException("sgemm: " + what + " (" + rows + " x " + cols + ", leading dimension "
                    + ld + ", offset " + off + ") needs array elements [" + off + ", " + last
                    + ") but the array has " + x.length);
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int multiple) {
        return ceilDiv(x, multiple) * multiple;
    }

    /** Per-thread packing buffers, reused across calls and grown to the largest block seen. */
    private static final class Workspace {
        private float[] aPack = new float[0];
        private float[] bPack = new float[0];
        private final float[] tile = new float[MR * NR];

        float[] aPack(int size) {
            if (aPack.length < size) {
                aPack = new float[size];
            }
            return aPack;
        }

        float[] bPack(int size) {
            if (bPack.length < size) {
                bPack = new float[size];
            }
            return bPack;
        }
    }
}
