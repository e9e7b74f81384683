package io.convspark.kernels.compute;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-tiled GEMM micro-kernels over packed panels (see {@link GemmPacking}): each computes one
 * {@code MR x W} tile of C, {@code C[r][j] (+)= sum_p Ap[p][r] * Bp[p][j]}, reducing
 * over the {@code kc} rows of the packed panels ({@code ldb} floats apart in B: the panel width when B
 * is packed, a row stride when it is not). Per step {@code p} it loads {@code W / L} vectors of
 * the B panel, broadcasts each of the {@code MR} values of the A panel, and issues
 * {@code MR * W / L} FMAs into accumulators that live in vector registers for the whole loop.
 *
 * <p>The accumulators are explicit locals (never arrays of vectors) so that C2 keeps them in
 * registers: {@code 8 x 2} vectors use 16 of the 32 AVX-512 registers, {@code 4 x 2} use 8 of the 16
 * AVX2 registers. {@code L} is the lane count of {@link FloatVector#SPECIES_PREFERRED}. With
 * {@code accumulate == false} C is written without being read, so garbage (even NaN) in C is
 * ignored; otherwise the accumulators start from C, so the products are summed onto it. A general
 * {@code beta} is applied to C by the caller beforehand. Each kernel thus ends in plain stores, with no
 * arithmetic after its loop: with {@code C * beta + acc} (and later {@code C + acc}) written there, C2
 * sometimes ran out of its inlining node budget on that tail, the last code it parses, and left those
 * vector operations boxed, allocating on every call ({@code GemmTest.noAllocationOnceCompiled} caught
 * it under some test orders). Stores are
 * written out in each kernel rather than in a helper taking a vector argument: a helper that C2 does
 * not inline (it will not inline one already compiled on its own into a large method) would box
 * every accumulator. Arithmetic is written as {@code lanewise(op, ...)}, which is dispatched at
 * these call sites, rather than {@code fma}/{@code add}, whose inner dispatch shares one JVM-wide
 * type profile: if other code in the JVM uses another float species, that shared profile turns
 * polymorphic and C2 (JDK 17) falls back to boxed vectors. Other code should still use
 * {@link FloatVector#SPECIES_PREFERRED} only, as stores cannot avoid the shared profile.
 */
final class GemmMicroKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /**
     * Whether the JIT compiles {@link FloatVector#fma} to an FMA instruction. Without hardware FMA
     * (e.g. {@code -XX:UseAVX=0}) C2 falls back to a per-lane, allocating {@code Math.fma}, a
     * thousand times slower than a multiply and an add. The choice is written at every use (a
     * constant the JIT folds), not in a helper: a helper taking vectors that C2 does not inline
     * would box them.
     */
    private static final boolean FMA = hardwareFma();
    private static final VectorOperators.Ternary FMA_OP = VectorOperators.FMA;
    private static final VectorOperators.Binary MUL = VectorOperators.MUL;
    private static final VectorOperators.Binary ADD = VectorOperators.ADD;

    private GemmMicroKernels() {
    }

    /** 8 x 2L tile: C[r][j] (+)= sum_p Ap[p][r] Bp[p][j], reducing over p in [0, kc). */
    static void kernel8x2(int kc, float[] a, int ai, float[] b, int bi, int ldb,
                          float[] c, int ci, int ldc, boolean accumulate) {
        final int lanes = S.length();
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = accumulate ? FloatVector.fromArray(S, c, ci) : zero;
        FloatVector c01 = accumulate ? FloatVector.fromArray(S, c, ci + lanes) : zero;
        FloatVector c10 = accumulate ? FloatVector.fromArray(S, c, ci + ldc) : zero;
        FloatVector c11 = accumulate ? FloatVector.fromArray(S, c, ci + ldc + lanes) : zero;
        FloatVector c20 = accumulate ? FloatVector.fromArray(S, c, ci + 2 * ldc) : zero;
        FloatVector c21 = accumulate ? FloatVector.fromArray(S, c, ci + 2 * ldc + lanes) : zero;
        FloatVector c30 = accumulate ? FloatVector.fromArray(S, c, ci + 3 * ldc) : zero;
        FloatVector c31 = accumulate ? FloatVector.fromArray(S, c, ci + 3 * ldc + lanes) : zero;
        FloatVector c40 = accumulate ? FloatVector.fromArray(S, c, ci + 4 * ldc) : zero;
        FloatVector c41 = accumulate ? FloatVector.fromArray(S, c, ci + 4 * ldc + lanes) : zero;
        FloatVector c50 = accumulate ? FloatVector.fromArray(S, c, ci + 5 * ldc) : zero;
        FloatVector c51 = accumulate ? FloatVector.fromArray(S, c, ci + 5 * ldc + lanes) : zero;
        FloatVector c60 = accumulate ? FloatVector.fromArray(S, c, ci + 6 * ldc) : zero;
        FloatVector c61 = accumulate ? FloatVector.fromArray(S, c, ci + 6 * ldc + lanes) : zero;
        FloatVector c70 = accumulate ? FloatVector.fromArray(S, c, ci + 7 * ldc) : zero;
        FloatVector c71 = accumulate ? FloatVector.fromArray(S, c, ci + 7 * ldc + lanes) : zero;
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * ldb;
            int ap = ai + p * 8;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + lanes);
            FloatVector a0 = FloatVector.broadcast(S, a[ap]);
            c00 = FMA ? a0.lanewise(FMA_OP, b0, c00) : a0.lanewise(MUL, b0).lanewise(ADD, c00);
            c01 = FMA ? a0.lanewise(FMA_OP, b1, c01) : a0.lanewise(MUL, b1).lanewise(ADD, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
            c10 = FMA ? a1.lanewise(FMA_OP, b0, c10) : a1.lanewise(MUL, b0).lanewise(ADD, c10);
            c11 = FMA ? a1.lanewise(FMA_OP, b1, c11) : a1.lanewise(MUL, b1).lanewise(ADD, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
            c20 = FMA ? a2.lanewise(FMA_OP, b0, c20) : a2.lanewise(MUL, b0).lanewise(ADD, c20);
            c21 = FMA ? a2.lanewise(FMA_OP, b1, c21) : a2.lanewise(MUL, b1).lanewise(ADD, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
            c30 = FMA ? a3.lanewise(FMA_OP, b0, c30) : a3.lanewise(MUL, b0).lanewise(ADD, c30);
            c31 = FMA ? a3.lanewise(FMA_OP, b1, c31) : a3.lanewise(MUL, b1).lanewise(ADD, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ap + 4]);
            c40 = FMA ? a4.lanewise(FMA_OP, b0, c40) : a4.lanewise(MUL, b0).lanewise(ADD, c40);
            c41 = FMA ? a4.lanewise(FMA_OP, b1, c41) : a4.lanewise(MUL, b1).lanewise(ADD, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ap + 5]);
            c50 = FMA ? a5.lanewise(FMA_OP, b0, c50) : a5.lanewise(MUL, b0).lanewise(ADD, c50);
            c51 = FMA ? a5.lanewise(FMA_OP, b1, c51) : a5.lanewise(MUL, b1).lanewise(ADD, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[ap + 6]);
            c60 = FMA ? a6.lanewise(FMA_OP, b0, c60) : a6.lanewise(MUL, b0).lanewise(ADD, c60);
            c61 = FMA ? a6.lanewise(FMA_OP, b1, c61) : a6.lanewise(MUL, b1).lanewise(ADD, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ap + 7]);
            c70 = FMA ? a7.lanewise(FMA_OP, b0, c70) : a7.lanewise(MUL, b0).lanewise(ADD, c70);
            c71 = FMA ? a7.lanewise(FMA_OP, b1, c71) : a7.lanewise(MUL, b1).lanewise(ADD, c71);
        }
        int row = ci;
        c00.intoArray(c, row);
        c01.intoArray(c, row + lanes);
        row += ldc;
        c10.intoArray(c, row);
        c11.intoArray(c, row + lanes);
        row += ldc;
        c20.intoArray(c, row);
        c21.intoArray(c, row + lanes);
        row += ldc;
        c30.intoArray(c, row);
        c31.intoArray(c, row + lanes);
        row += ldc;
        c40.intoArray(c, row);
        c41.intoArray(c, row + lanes);
        row += ldc;
        c50.intoArray(c, row);
        c51.intoArray(c, row + lanes);
        row += ldc;
        c60.intoArray(c, row);
        c61.intoArray(c, row + lanes);
        row += ldc;
        c70.intoArray(c, row);
        c71.intoArray(c, row + lanes);
    }

    /** 8 x L tile: C[r][j] (+)= sum_p Ap[p][r] Bp[p][j], reducing over p in [0, kc). */
    static void kernel8x1(int kc, float[] a, int ai, float[] b, int bi, int ldb,
                          float[] c, int ci, int ldc, boolean accumulate) {
        final int lanes = S.length();
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = accumulate ? FloatVector.fromArray(S, c, ci) : zero;
        FloatVector c10 = accumulate ? FloatVector.fromArray(S, c, ci + ldc) : zero;
        FloatVector c20 = accumulate ? FloatVector.fromArray(S, c, ci + 2 * ldc) : zero;
        FloatVector c30 = accumulate ? FloatVector.fromArray(S, c, ci + 3 * ldc) : zero;
        FloatVector c40 = accumulate ? FloatVector.fromArray(S, c, ci + 4 * ldc) : zero;
        FloatVector c50 = accumulate ? FloatVector.fromArray(S, c, ci + 5 * ldc) : zero;
        FloatVector c60 = accumulate ? FloatVector.fromArray(S, c, ci + 6 * ldc) : zero;
        FloatVector c70 = accumulate ? FloatVector.fromArray(S, c, ci + 7 * ldc) : zero;
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * ldb;
            int ap = ai + p * 8;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector a0 = FloatVector.broadcast(S, a[ap]);
            c00 = FMA ? a0.lanewise(FMA_OP, b0, c00) : a0.lanewise(MUL, b0).lanewise(ADD, c00);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
            c10 = FMA ? a1.lanewise(FMA_OP, b0, c10) : a1.lanewise(MUL, b0).lanewise(ADD, c10);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
            c20 = FMA ? a2.lanewise(FMA_OP, b0, c20) : a2.lanewise(MUL, b0).lanewise(ADD, c20);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
            c30 = FMA ? a3.lanewise(FMA_OP, b0, c30) : a3.lanewise(MUL, b0).lanewise(ADD, c30);
            FloatVector a4 = FloatVector.broadcast(S, a[ap + 4]);
            c40 = FMA ? a4.lanewise(FMA_OP, b0, c40) : a4.lanewise(MUL, b0).lanewise(ADD, c40);
            FloatVector a5 = FloatVector.broadcast(S, a[ap + 5]);
            c50 = FMA ? a5.lanewise(FMA_OP, b0, c50) : a5.lanewise(MUL, b0).lanewise(ADD, c50);
            FloatVector a6 = FloatVector.broadcast(S, a[ap + 6]);
            c60 = FMA ? a6.lanewise(FMA_OP, b0, c60) : a6.lanewise(MUL, b0).lanewise(ADD, c60);
            FloatVector a7 = FloatVector.broadcast(S, a[ap + 7]);
            c70 = FMA ? a7.lanewise(FMA_OP, b0, c70) : a7.lanewise(MUL, b0).lanewise(ADD, c70);
        }
        int row = ci;
        c00.intoArray(c, row);
        row += ldc;
        c10.intoArray(c, row);
        row += ldc;
        c20.intoArray(c, row);
        row += ldc;
        c30.intoArray(c, row);
        row += ldc;
        c40.intoArray(c, row);
        row += ldc;
        c50.intoArray(c, row);
        row += ldc;
        c60.intoArray(c, row);
        row += ldc;
        c70.intoArray(c, row);
    }

    /*
     * The two kernels below read A where it lies (row r from a[ai + r * lda]), for products whose A
     * would feed only one or two column panels once packed (see VectorGemm). They are written out
     * beside the packed ones rather than sharing one kernel with A's strides as arguments: that
     * shared kernel ran the packed products 5-12% slower (GemmBench, alternating JVMs), its 7 row
     * offsets held in registers instead of folded into the loads' displacements.
     */
    /** Unpacked A (row r from {@code a[ai + r * lda]}), 8 x 2L tile: C[r][j] (+)= sum_p A[r][p] Bp[p][j], reducing over p in [0, kc). */
    static void kernel8x2Rows(int kc, float[] a, int ai, int lda, float[] b, int bi, int ldb,
                          float[] c, int ci, int ldc, boolean accumulate) {
        final int lanes = S.length();
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = accumulate ? FloatVector.fromArray(S, c, ci) : zero;
        FloatVector c01 = accumulate ? FloatVector.fromArray(S, c, ci + lanes) : zero;
        FloatVector c10 = accumulate ? FloatVector.fromArray(S, c, ci + ldc) : zero;
        FloatVector c11 = accumulate ? FloatVector.fromArray(S, c, ci + ldc + lanes) : zero;
        FloatVector c20 = accumulate ? FloatVector.fromArray(S, c, ci + 2 * ldc) : zero;
        FloatVector c21 = accumulate ? FloatVector.fromArray(S, c, ci + 2 * ldc + lanes) : zero;
        FloatVector c30 = accumulate ? FloatVector.fromArray(S, c, ci + 3 * ldc) : zero;
        FloatVector c31 = accumulate ? FloatVector.fromArray(S, c, ci + 3 * ldc + lanes) : zero;
        FloatVector c40 = accumulate ? FloatVector.fromArray(S, c, ci + 4 * ldc) : zero;
        FloatVector c41 = accumulate ? FloatVector.fromArray(S, c, ci + 4 * ldc + lanes) : zero;
        FloatVector c50 = accumulate ? FloatVector.fromArray(S, c, ci + 5 * ldc) : zero;
        FloatVector c51 = accumulate ? FloatVector.fromArray(S, c, ci + 5 * ldc + lanes) : zero;
        FloatVector c60 = accumulate ? FloatVector.fromArray(S, c, ci + 6 * ldc) : zero;
        FloatVector c61 = accumulate ? FloatVector.fromArray(S, c, ci + 6 * ldc + lanes) : zero;
        FloatVector c70 = accumulate ? FloatVector.fromArray(S, c, ci + 7 * ldc) : zero;
        FloatVector c71 = accumulate ? FloatVector.fromArray(S, c, ci + 7 * ldc + lanes) : zero;
        int r1 = ai + 1 * lda;
        int r2 = ai + 2 * lda;
        int r3 = ai + 3 * lda;
        int r4 = ai + 4 * lda;
        int r5 = ai + 5 * lda;
        int r6 = ai + 6 * lda;
        int r7 = ai + 7 * lda;
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + lanes);
            FloatVector a0 = FloatVector.broadcast(S, a[ai + p]);
            c00 = FMA ? a0.lanewise(FMA_OP, b0, c00) : a0.lanewise(MUL, b0).lanewise(ADD, c00);
            c01 = FMA ? a0.lanewise(FMA_OP, b1, c01) : a0.lanewise(MUL, b1).lanewise(ADD, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[r1 + p]);
            c10 = FMA ? a1.lanewise(FMA_OP, b0, c10) : a1.lanewise(MUL, b0).lanewise(ADD, c10);
            c11 = FMA ? a1.lanewise(FMA_OP, b1, c11) : a1.lanewise(MUL, b1).lanewise(ADD, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[r2 + p]);
            c20 = FMA ? a2.lanewise(FMA_OP, b0, c20) : a2.lanewise(MUL, b0).lanewise(ADD, c20);
            c21 = FMA ? a2.lanewise(FMA_OP, b1, c21) : a2.lanewise(MUL, b1).lanewise(ADD, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[r3 + p]);
            c30 = FMA ? a3.lanewise(FMA_OP, b0, c30) : a3.lanewise(MUL, b0).lanewise(ADD, c30);
            c31 = FMA ? a3.lanewise(FMA_OP, b1, c31) : a3.lanewise(MUL, b1).lanewise(ADD, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[r4 + p]);
            c40 = FMA ? a4.lanewise(FMA_OP, b0, c40) : a4.lanewise(MUL, b0).lanewise(ADD, c40);
            c41 = FMA ? a4.lanewise(FMA_OP, b1, c41) : a4.lanewise(MUL, b1).lanewise(ADD, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[r5 + p]);
            c50 = FMA ? a5.lanewise(FMA_OP, b0, c50) : a5.lanewise(MUL, b0).lanewise(ADD, c50);
            c51 = FMA ? a5.lanewise(FMA_OP, b1, c51) : a5.lanewise(MUL, b1).lanewise(ADD, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[r6 + p]);
            c60 = FMA ? a6.lanewise(FMA_OP, b0, c60) : a6.lanewise(MUL, b0).lanewise(ADD, c60);
            c61 = FMA ? a6.lanewise(FMA_OP, b1, c61) : a6.lanewise(MUL, b1).lanewise(ADD, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[r7 + p]);
            c70 = FMA ? a7.lanewise(FMA_OP, b0, c70) : a7.lanewise(MUL, b0).lanewise(ADD, c70);
            c71 = FMA ? a7.lanewise(FMA_OP, b1, c71) : a7.lanewise(MUL, b1).lanewise(ADD, c71);
        }
        int row = ci;
        c00.intoArray(c, row);
        c01.intoArray(c, row + lanes);
        row += ldc;
        c10.intoArray(c, row);
        c11.intoArray(c, row + lanes);
        row += ldc;
        c20.intoArray(c, row);
        c21.intoArray(c, row + lanes);
        row += ldc;
        c30.intoArray(c, row);
        c31.intoArray(c, row + lanes);
        row += ldc;
        c40.intoArray(c, row);
        c41.intoArray(c, row + lanes);
        row += ldc;
        c50.intoArray(c, row);
        c51.intoArray(c, row + lanes);
        row += ldc;
        c60.intoArray(c, row);
        c61.intoArray(c, row + lanes);
        row += ldc;
        c70.intoArray(c, row);
        c71.intoArray(c, row + lanes);
    }
    /** Unpacked A (row r from {@code a[ai + r * lda]}), 8 x L tile: C[r][j] (+)= sum_p A[r][p] Bp[p][j], reducing over p in [0, kc). */
    static void kernel8x1Rows(int kc, float[] a, int ai, int lda, float[] b, int bi, int ldb,
                          float[] c, int ci, int ldc, boolean accumulate) {
        final int lanes = S.length();
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = accumulate ? FloatVector.fromArray(S, c, ci) : zero;
        FloatVector c10 = accumulate ? FloatVector.fromArray(S, c, ci + ldc) : zero;
        FloatVector c20 = accumulate ? FloatVector.fromArray(S, c, ci + 2 * ldc) : zero;
        FloatVector c30 = accumulate ? FloatVector.fromArray(S, c, ci + 3 * ldc) : zero;
        FloatVector c40 = accumulate ? FloatVector.fromArray(S, c, ci + 4 * ldc) : zero;
        FloatVector c50 = accumulate ? FloatVector.fromArray(S, c, ci + 5 * ldc) : zero;
        FloatVector c60 = accumulate ? FloatVector.fromArray(S, c, ci + 6 * ldc) : zero;
        FloatVector c70 = accumulate ? FloatVector.fromArray(S, c, ci + 7 * ldc) : zero;
        int r1 = ai + 1 * lda;
        int r2 = ai + 2 * lda;
        int r3 = ai + 3 * lda;
        int r4 = ai + 4 * lda;
        int r5 = ai + 5 * lda;
        int r6 = ai + 6 * lda;
        int r7 = ai + 7 * lda;
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector a0 = FloatVector.broadcast(S, a[ai + p]);
            c00 = FMA ? a0.lanewise(FMA_OP, b0, c00) : a0.lanewise(MUL, b0).lanewise(ADD, c00);
            FloatVector a1 = FloatVector.broadcast(S, a[r1 + p]);
            c10 = FMA ? a1.lanewise(FMA_OP, b0, c10) : a1.lanewise(MUL, b0).lanewise(ADD, c10);
            FloatVector a2 = FloatVector.broadcast(S, a[r2 + p]);
            c20 = FMA ? a2.lanewise(FMA_OP, b0, c20) : a2.lanewise(MUL, b0).lanewise(ADD, c20);
            FloatVector a3 = FloatVector.broadcast(S, a[r3 + p]);
            c30 = FMA ? a3.lanewise(FMA_OP, b0, c30) : a3.lanewise(MUL, b0).lanewise(ADD, c30);
            FloatVector a4 = FloatVector.broadcast(S, a[r4 + p]);
            c40 = FMA ? a4.lanewise(FMA_OP, b0, c40) : a4.lanewise(MUL, b0).lanewise(ADD, c40);
            FloatVector a5 = FloatVector.broadcast(S, a[r5 + p]);
            c50 = FMA ? a5.lanewise(FMA_OP, b0, c50) : a5.lanewise(MUL, b0).lanewise(ADD, c50);
            FloatVector a6 = FloatVector.broadcast(S, a[r6 + p]);
            c60 = FMA ? a6.lanewise(FMA_OP, b0, c60) : a6.lanewise(MUL, b0).lanewise(ADD, c60);
            FloatVector a7 = FloatVector.broadcast(S, a[r7 + p]);
            c70 = FMA ? a7.lanewise(FMA_OP, b0, c70) : a7.lanewise(MUL, b0).lanewise(ADD, c70);
        }
        int row = ci;
        c00.intoArray(c, row);
        row += ldc;
        c10.intoArray(c, row);
        row += ldc;
        c20.intoArray(c, row);
        row += ldc;
        c30.intoArray(c, row);
        row += ldc;
        c40.intoArray(c, row);
        row += ldc;
        c50.intoArray(c, row);
        row += ldc;
        c60.intoArray(c, row);
        row += ldc;
        c70.intoArray(c, row);
    }
    /** 4 x 2L tile: C[r][j] (+)= sum_p Ap[p][r] Bp[p][j], reducing over p in [0, kc). */
    static void kernel4x2(int kc, float[] a, int ai, float[] b, int bi, int ldb,
                          float[] c, int ci, int ldc, boolean accumulate) {
        final int lanes = S.length();
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = accumulate ? FloatVector.fromArray(S, c, ci) : zero;
        FloatVector c01 = accumulate ? FloatVector.fromArray(S, c, ci + lanes) : zero;
        FloatVector c10 = accumulate ? FloatVector.fromArray(S, c, ci + ldc) : zero;
        FloatVector c11 = accumulate ? FloatVector.fromArray(S, c, ci + ldc + lanes) : zero;
        FloatVector c20 = accumulate ? FloatVector.fromArray(S, c, ci + 2 * ldc) : zero;
        FloatVector c21 = accumulate ? FloatVector.fromArray(S, c, ci + 2 * ldc + lanes) : zero;
        FloatVector c30 = accumulate ? FloatVector.fromArray(S, c, ci + 3 * ldc) : zero;
        FloatVector c31 = accumulate ? FloatVector.fromArray(S, c, ci + 3 * ldc + lanes) : zero;
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * ldb;
            int ap = ai + p * 4;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + lanes);
            FloatVector a0 = FloatVector.broadcast(S, a[ap]);
            c00 = FMA ? a0.lanewise(FMA_OP, b0, c00) : a0.lanewise(MUL, b0).lanewise(ADD, c00);
            c01 = FMA ? a0.lanewise(FMA_OP, b1, c01) : a0.lanewise(MUL, b1).lanewise(ADD, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
            c10 = FMA ? a1.lanewise(FMA_OP, b0, c10) : a1.lanewise(MUL, b0).lanewise(ADD, c10);
            c11 = FMA ? a1.lanewise(FMA_OP, b1, c11) : a1.lanewise(MUL, b1).lanewise(ADD, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
            c20 = FMA ? a2.lanewise(FMA_OP, b0, c20) : a2.lanewise(MUL, b0).lanewise(ADD, c20);
            c21 = FMA ? a2.lanewise(FMA_OP, b1, c21) : a2.lanewise(MUL, b1).lanewise(ADD, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
            c30 = FMA ? a3.lanewise(FMA_OP, b0, c30) : a3.lanewise(MUL, b0).lanewise(ADD, c30);
            c31 = FMA ? a3.lanewise(FMA_OP, b1, c31) : a3.lanewise(MUL, b1).lanewise(ADD, c31);
        }
        int row = ci;
        c00.intoArray(c, row);
        c01.intoArray(c, row + lanes);
        row += ldc;
        c10.intoArray(c, row);
        c11.intoArray(c, row + lanes);
        row += ldc;
        c20.intoArray(c, row);
        c21.intoArray(c, row + lanes);
        row += ldc;
        c30.intoArray(c, row);
        c31.intoArray(c, row + lanes);
    }

    /** 4 x L tile: C[r][j] (+)= sum_p Ap[p][r] Bp[p][j], reducing over p in [0, kc). */
    static void kernel4x1(int kc, float[] a, int ai, float[] b, int bi, int ldb,
                          float[] c, int ci, int ldc, boolean accumulate) {
        final int lanes = S.length();
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = accumulate ? FloatVector.fromArray(S, c, ci) : zero;
        FloatVector c10 = accumulate ? FloatVector.fromArray(S, c, ci + ldc) : zero;
        FloatVector c20 = accumulate ? FloatVector.fromArray(S, c, ci + 2 * ldc) : zero;
        FloatVector c30 = accumulate ? FloatVector.fromArray(S, c, ci + 3 * ldc) : zero;
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * ldb;
            int ap = ai + p * 4;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector a0 = FloatVector.broadcast(S, a[ap]);
            c00 = FMA ? a0.lanewise(FMA_OP, b0, c00) : a0.lanewise(MUL, b0).lanewise(ADD, c00);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
            c10 = FMA ? a1.lanewise(FMA_OP, b0, c10) : a1.lanewise(MUL, b0).lanewise(ADD, c10);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
            c20 = FMA ? a2.lanewise(FMA_OP, b0, c20) : a2.lanewise(MUL, b0).lanewise(ADD, c20);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
            c30 = FMA ? a3.lanewise(FMA_OP, b0, c30) : a3.lanewise(MUL, b0).lanewise(ADD, c30);
        }
        int row = ci;
        c00.intoArray(c, row);
        row += ldc;
        c10.intoArray(c, row);
        row += ldc;
        c20.intoArray(c, row);
        row += ldc;
        c30.intoArray(c, row);
    }

    private static boolean hardwareFma() {
        try {
            return Boolean.parseBoolean(java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseFMA").getValue());
        } catch (RuntimeException | LinkageError notHotSpot) {
            return true;
        }
    }
}
