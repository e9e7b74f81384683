package io.convspark.kernels.layers.conv;

import io.convspark.kernels.compute.KernelExecutor;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight and bias gradient of a convolution with a short reduction {@code K = C*kh*kw}, from its
 * column matrix {@code col [rows, ld]} (K rows of im2col; rows up to whole blocks are read and their
 * sums dropped, so they may hold anything finite) and the pre-activation gradient
 * {@code dz [F, positions]} of one sample at a time:
 * <pre>
 *   dW [F, K] += dz [F, P] x col^T [P, K]      db [F] += dz [F, P] x 1      (reduced over the positions P)
 * </pre>
 * in blocks of {@link #FILTERS} filters x 3 or 5 rows of col (whichever pads K less: 9 and 27 in
 * blocks of 3, 25 in blocks of 5), with vectors along P: 12 or 20 accumulators, each vector of dz
 * used 3 or 5 times and each of col 4 times; the block of col's first rows also sums dz for db. Every slot of a parallel loop sums into its own vector partials (lanes
 * kept apart; per filter the K rows rounded up, then db); {@link #reduceInto} adds the slots in order
 * and then the lanes, so the result does not depend on thread timing.
 *
 * <p>Behind a 2x2 max pooling ({@link #addWinners2x2}, rows in blocks of {@link #WINNER_ROWS}) the
 * gradient is taken straight from the pooled gradient and the places that won, without laying out a
 * pre-activation gradient that is zero at 3 of every 4 places:
 * <pre>
 *   dW [f, r] += sum over windows s and places q with win[f, s] = q of dy[f, s] col[r, q slice + s]
 *   db [f]    += sum over windows s won somewhere of dy[f, s]
 * </pre>
 */
final class ShortReductionGradient {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorSpecies<Integer> INTS = S.withLanes(int.class);
    /** Bytes, as many as float lanes (the winners' kernel needs vectors of at least 8 floats: 64 bits of bytes). */
    private static final VectorSpecies<Byte> BYTES = L >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8)) : null;
    /** Rows of col in one block of the winners' kernel ({@link #addWinners2x2}). */
    static final int WINNER_ROWS = 9;
    /** Rows of col in one block: 3 or 5, whichever pads K less (5 on a tie: dz is read fewer times). */
    private final int block;
    /** Filters in one block. */
    static final int FILTERS = 4;

    private final int filters;
    private final int k;
    /** K rounded up to whole blocks: the rows of col read. */
    private final int kRows;
    /** Partial rows per filter: kRows, then db. */
    private final int rows;
    private final SlotPartials partials = new SlotPartials();
    private float[] lanes = new float[0];

    /** For {@code filters} filters over a reduction of {@code k}, from a full pre-activation gradient ({@link #addBlock}). */
    ShortReductionGradient(int filters, int k) {
        this(filters, k, block(k));
    }

    /**
     * For {@code filters} filters over a reduction of {@code k}, from 2x2 windows' winners and
     * pooled gradient ({@link #addWinners2x2}) if {@code winners} and {@link #takesWinners2x2()},
     * else from a full pre-activation gradient ({@link #addBlock}).
     */
    ShortReductionGradient(int filters, int k, boolean winners) {
        this(filters, k, winners && takesWinners2x2() ? WINNER_ROWS : block(k));
    }

    private ShortReductionGradient(int filters, int k, int block) {
        this.filters = filters;
        this.k = k;
        this.block = block;
        this.kRows = roundUp(k, block);
        this.rows = kRows + 1;
    }

    private static int block(int k) {
        return roundUp(k, 5) <= roundUp(k, 3) ? 5 : 3;
    }

    private static int roundUp(int k, int block) {
        return (k + block - 1) / block * block;
    }

    /** Rows col must have: K, a row of ones after them (for a forward's bias), rows up to whole blocks. */
    static int columnRows(int k) {
        return Math.max(k + 1, roundUp(k, Math.max(block(k), takesWinners2x2() ? WINNER_ROWS : 0)));
    }

    /** True if the vectors are long enough for {@link #addWinners2x2} (8 floats or more). */
    static boolean takesWinners2x2() {
        return BYTES != null;
    }

    /** True if this gradient is taken from winners ({@link #addWinners2x2}), not from a full gradient. */
    boolean fromWinners() {
        return block == WINNER_ROWS;
    }

    /** Before a parallel loop of {@code slots} slots. */
    void start(int slots) {
        // the filters' partials, then a junk block for the sums a kernel makes but nobody keeps
        partials.reset(slots, (filters + 1) * rows * L);
    }

    /** Slot {@code slot}'s partial, zeroed; hand it to {@link #addBlock} and {@link #addTail}, then {@link #finish}. */
    float[] begin(int slot) {
        float[] part = partials.of(slot);
        Arrays.fill(part, 0f);
        return part;
    }

    /** Marks {@code slot}'s partial as holding a sum. */
    void finish(int slot) {
        partials.markUsed(slot);
    }

    /**
     * {@code part} += the block of filters {@code f .. f+count-1} (count at most {@link #FILTERS}):
     * filter {@code f+i}'s gradient row at {@code dz[z + i zStride ..]}, over the whole vectors of
     * positions {@code [0, full)} ({@code full} a multiple of the vector length), every row of col
     * (from {@code col[colOff]}).
     */
    void addBlock(float[] part, int f, int count, float[] dz, int z, int zStride, int full, float[] col, int colOff,
                  int ld) {
        assert !fromWinners();
        // a last block of fewer filters repeats its last one; the repeats' sums go to the junk block, as do
        // the bias sums of every block of rows but the first
        int last = count - 1;
        int z1 = z + Math.min(1, last) * zStride;
        int z2 = z + Math.min(2, last) * zStride;
        int z3 = z + Math.min(3, last) * zStride;
        int step = rows * L;
        int junk = filters * step;
        for (int r0 = 0; r0 < kRows; r0 += block) {
            int o0 = (f * rows + r0) * L;
            int o1 = last >= 1 ? o0 + step : junk;
            int o2 = last >= 2 ? o0 + 2 * step : junk;
            int o3 = last >= 3 ? o0 + 3 * step : junk;
            int bias = kRows * L;
            int b0 = r0 == 0 ? o0 + bias : junk + bias;
            int b1 = r0 == 0 && last >= 1 ? o1 + bias : junk + bias;
            int b2 = r0 == 0 && last >= 2 ? o2 + bias : junk + bias;
            int b3 = r0 == 0 && last >= 3 ? o3 + bias : junk + bias;
            if (block == 5) {
                gradientBlock5(dz, z, z1, z2, z3, full, col, colOff + r0 * ld, ld, part, o0, o1, o2, o3, b0, b1, b2,
                        b3);
            } else {
                gradientBlock3(dz, z, z1, z2, z3, full, col, colOff + r0 * ld, ld, part, o0, o1, o2, o3, b0, b1, b2,
                        b3);
            }
        }
    }

    /**
     * Floats {@link #packWinnerColumns} writes for windows in {@code vectors} vectors: per block of
     * {@link #WINNER_ROWS} rows and vector, the 4 places' columns of the block's rows (from where the
     * layout starts).
     */
    int winnerColumnsSize(int vectors) {
        return kRows / WINNER_ROWS * vectors * 4 * WINNER_ROWS * L;
    }

    /**
     * Lays out col ({@code col[colOff ..]}, {@code ld} floats a row, the 4 places {@code slice} columns apart) for
     * {@link #addWinners2x2} from {@code packed[from]}: {@code packed[from + (((b vectors + v) 4 + q)
     * WINNER_ROWS + r) L ..] = col[b WINNER_ROWS + r, q slice + v L ..]}, so that the kernel reads one
     * vector of windows' columns at fixed distances from one index (a distance of its own per row and
     * place, kept in a register, would not fit). {@code from} at a cache line's start
     * ({@link io.convspark.kernels.compute.CacheLines}) makes every read one line, not two.
     */
    void packWinnerColumns(float[] col, int colOff, int ld, int slice, int vectors, float[] packed, int from) {
        int i = from;
        for (int r0 = 0; r0 < kRows; r0 += WINNER_ROWS) {
            for (int v = 0; v < vectors; v++) {
                for (int q = 0; q < 4; q++) {
                    for (int r = r0; r < r0 + WINNER_ROWS; r++) {
                        FloatVector.fromArray(S, col, colOff + r * ld + q * slice + v * L).intoArray(packed, i);
                        i += L;
                    }
                }
            }
        }
    }

    /**
     * Lane masks for {@link #addWinners2x2}: -1 for the windows {@code [0, pooled)}, 0 up to whole
     * vectors.
     */
    static int[] validLanes(int pooled) {
        int[] valid = new int[(pooled + L - 1) / L * L];
        Arrays.fill(valid, 0, pooled, -1);
        return valid;
    }

    /**
     * {@code part} += the gradient of filter {@code f} behind 2x2 max pooling for the rows of col in
     * block {@code block} (of {@link #winnerBlocks}, {@link #WINNER_ROWS} rows each), from its pooled
     * gradient {@code dy[zy ..]}, the places that won {@code win[zw ..]} (a place 0-3, or -1: no
     * gradient) and col as {@link #packWinnerColumns} laid it out from {@code packed[from]}. A block
     * of every filter before the next block keeps the block's columns in L1. Reads whole vectors, {@code valid.length} windows from the row's start;
     * the windows past the plane's ({@code valid}, {@link #validLanes}) are another row's and count nowhere.
     */
    void addWinners2x2(float[] part, int f, int block, float[] dy, int zy, byte[] win, int zw, int[] valid,
                       float[] packed, int from) {
        assert fromWinners();
        int end = valid.length;
        int r0 = block * WINNER_ROWS;
        int o = (f * rows + r0) * L;
        // the bias sums of every block of rows but the first go to the junk block
        int b = block == 0 ? (f * rows + kRows) * L : (filters * rows + kRows) * L;
        winners1x9(dy, zy, win, zw, valid, end, packed, from + block * end * 4 * WINNER_ROWS, part, o, b);
    }

    /** Blocks of {@link #WINNER_ROWS} rows of col that {@link #addWinners2x2} takes one at a time. */
    int winnerBlocks() {
        return kRows / WINNER_ROWS;
    }

    /** {@code part} += the positions {@code [full, p)} of the block, scalar, into lane 0. */
    void addTail(float[] part, int f, int count, float[] dz, int z, int zStride, int full, int p, float[] col,
                 int colOff, int ld) {
        for (int i = 0; i < count; i++) {
            int o = (f + i) * rows * L;
            float bias = 0f;
            for (int q = full; q < p; q++) {
                bias += dz[z + i * zStride + q];
            }
            part[o + kRows * L] += bias;
            for (int r = 0; r < k; r++) {
                float sum = 0f;
                for (int q = full; q < p; q++) {
                    sum += dz[z + i * zStride + q] * col[colOff + r * ld + q];
                }
                part[o + r * L] += sum;
            }
        }
    }

    /** {@code dw[F, K]} and (unless null) {@code db[F]}: the used slots' partials summed in slot order, then their lanes. */
    void reduceInto(float[] dw, int dwOff, float[] db, int dbOff, KernelExecutor ex) {
        int length = (filters + 1) * rows * L;
        if (lanes.length != length) {
            lanes = new float[length];
        }
        partials.reduceInto(lanes, 0, ex);
        for (int f = 0; f < filters; f++) {
            for (int r = 0; r < k; r++) {
                dw[dwOff + f * k + r] = laneSum((f * rows + r) * L);
            }
            if (db != null) {
                db[dbOff + f] = laneSum((f * rows + kRows) * L);
            }
        }
    }

    private float laneSum(int base) {
        float sum = 0f;
        for (int l = 0; l < L; l++) {
            sum += lanes[base + l];
        }
        return sum;
    }

    /**
     * {@code part[o_i + j L ..] += sum over whole vectors q < full of dz[z_i + q ..] col[r0 + j][q ..]}
     * for the 4 filters i and the 3 rows j of col from {@code c[c0 ..]}, and {@code part[b_i ..] += the
     * sum of dz_i} (the bias gradient): 12 accumulators (16 with the bias's), each vector of dz
     * used 3 times and each of col 4 times. Every store is made (sums not kept go to the junk block),
     * with no branch around it.
     */
    private static void gradientBlock3(float[] dz, int z0, int z1, int z2, int z3, int full, float[] c, int c0,
                                       int ld, float[] part, int o0, int o1, int o2, int o3, int b0, int b1, int b2,
                                       int b3) {
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = a00;
        FloatVector a02 = a00;
        FloatVector a10 = a00;
        FloatVector a11 = a00;
        FloatVector a12 = a00;
        FloatVector a20 = a00;
        FloatVector a21 = a00;
        FloatVector a22 = a00;
        FloatVector a30 = a00;
        FloatVector a31 = a00;
        FloatVector a32 = a00;
        FloatVector s0 = a00;
        FloatVector s1 = a00;
        FloatVector s2 = a00;
        FloatVector s3 = a00;
        for (int q = 0; q < full; q += L) {
            FloatVector v0 = FloatVector.fromArray(S, c, c0 + q);
            FloatVector v1 = FloatVector.fromArray(S, c, c0 + ld + q);
            FloatVector v2 = FloatVector.fromArray(S, c, c0 + 2 * ld + q);
            FloatVector d0 = FloatVector.fromArray(S, dz, z0 + q);
            a00 = d0.lanewise(VectorOperators.FMA, v0, a00);
            a01 = d0.lanewise(VectorOperators.FMA, v1, a01);
            a02 = d0.lanewise(VectorOperators.FMA, v2, a02);
            s0 = s0.add(d0);
            FloatVector d1 = FloatVector.fromArray(S, dz, z1 + q);
            a10 = d1.lanewise(VectorOperators.FMA, v0, a10);
            a11 = d1.lanewise(VectorOperators.FMA, v1, a11);
            a12 = d1.lanewise(VectorOperators.FMA, v2, a12);
            s1 = s1.add(d1);
            FloatVector d2 = FloatVector.fromArray(S, dz, z2 + q);
            a20 = d2.lanewise(VectorOperators.FMA, v0, a20);
            a21 = d2.lanewise(VectorOperators.FMA, v1, a21);
            a22 = d2.lanewise(VectorOperators.FMA, v2, a22);
            s2 = s2.add(d2);
            FloatVector d3 = FloatVector.fromArray(S, dz, z3 + q);
            a30 = d3.lanewise(VectorOperators.FMA, v0, a30);
            a31 = d3.lanewise(VectorOperators.FMA, v1, a31);
            a32 = d3.lanewise(VectorOperators.FMA, v2, a32);
            s3 = s3.add(d3);
        }
        // written out, not in a helper taking a vector (one left uninlined would box it)
        FloatVector.fromArray(S, part, o0).lanewise(VectorOperators.ADD, a00).intoArray(part, o0);
        FloatVector.fromArray(S, part, o0 + L).lanewise(VectorOperators.ADD, a01).intoArray(part, o0 + L);
        FloatVector.fromArray(S, part, o0 + 2 * L).lanewise(VectorOperators.ADD, a02).intoArray(part, o0 + 2 * L);
        FloatVector.fromArray(S, part, b0).lanewise(VectorOperators.ADD, s0).intoArray(part, b0);
        FloatVector.fromArray(S, part, o1).lanewise(VectorOperators.ADD, a10).intoArray(part, o1);
        FloatVector.fromArray(S, part, o1 + L).lanewise(VectorOperators.ADD, a11).intoArray(part, o1 + L);
        FloatVector.fromArray(S, part, o1 + 2 * L).lanewise(VectorOperators.ADD, a12).intoArray(part, o1 + 2 * L);
        FloatVector.fromArray(S, part, b1).lanewise(VectorOperators.ADD, s1).intoArray(part, b1);
        FloatVector.fromArray(S, part, o2).lanewise(VectorOperators.ADD, a20).intoArray(part, o2);
        FloatVector.fromArray(S, part, o2 + L).lanewise(VectorOperators.ADD, a21).intoArray(part, o2 + L);
        FloatVector.fromArray(S, part, o2 + 2 * L).lanewise(VectorOperators.ADD, a22).intoArray(part, o2 + 2 * L);
        FloatVector.fromArray(S, part, b2).lanewise(VectorOperators.ADD, s2).intoArray(part, b2);
        FloatVector.fromArray(S, part, o3).lanewise(VectorOperators.ADD, a30).intoArray(part, o3);
        FloatVector.fromArray(S, part, o3 + L).lanewise(VectorOperators.ADD, a31).intoArray(part, o3 + L);
        FloatVector.fromArray(S, part, o3 + 2 * L).lanewise(VectorOperators.ADD, a32).intoArray(part, o3 + 2 * L);
        FloatVector.fromArray(S, part, b3).lanewise(VectorOperators.ADD, s3).intoArray(part, b3);
    }

    /**
     * {@code part[o_i + j L ..] += sum over whole vectors q < full of dz[z_i + q ..] col[r0 + j][q ..]}
     * for the 4 filters i and the 5 rows j of col from {@code c[c0 ..]}, and {@code part[b_i ..] += the
     * sum of dz_i} (the bias gradient): 20 accumulators (24 with the bias's), each vector of dz
     * used 5 times and each of col 4 times. Every store is made (sums not kept go to the junk block),
     * with no branch around it.
     */
    private static void gradientBlock5(float[] dz, int z0, int z1, int z2, int z3, int full, float[] c, int c0,
                                       int ld, float[] part, int o0, int o1, int o2, int o3, int b0, int b1, int b2,
                                       int b3) {
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = a00;
        FloatVector a02 = a00;
        FloatVector a03 = a00;
        FloatVector a04 = a00;
        FloatVector a10 = a00;
        FloatVector a11 = a00;
        FloatVector a12 = a00;
        FloatVector a13 = a00;
        FloatVector a14 = a00;
        FloatVector a20 = a00;
        FloatVector a21 = a00;
        FloatVector a22 = a00;
        FloatVector a23 = a00;
        FloatVector a24 = a00;
        FloatVector a30 = a00;
        FloatVector a31 = a00;
        FloatVector a32 = a00;
        FloatVector a33 = a00;
        FloatVector a34 = a00;
        FloatVector s0 = a00;
        FloatVector s1 = a00;
        FloatVector s2 = a00;
        FloatVector s3 = a00;
        for (int q = 0; q < full; q += L) {
            FloatVector v0 = FloatVector.fromArray(S, c, c0 + q);
            FloatVector v1 = FloatVector.fromArray(S, c, c0 + ld + q);
            FloatVector v2 = FloatVector.fromArray(S, c, c0 + 2 * ld + q);
            FloatVector v3 = FloatVector.fromArray(S, c, c0 + 3 * ld + q);
            FloatVector v4 = FloatVector.fromArray(S, c, c0 + 4 * ld + q);
            FloatVector d0 = FloatVector.fromArray(S, dz, z0 + q);
            a00 = d0.lanewise(VectorOperators.FMA, v0, a00);
            a01 = d0.lanewise(VectorOperators.FMA, v1, a01);
            a02 = d0.lanewise(VectorOperators.FMA, v2, a02);
            a03 = d0.lanewise(VectorOperators.FMA, v3, a03);
            a04 = d0.lanewise(VectorOperators.FMA, v4, a04);
            s0 = s0.add(d0);
            FloatVector d1 = FloatVector.fromArray(S, dz, z1 + q);
            a10 = d1.lanewise(VectorOperators.FMA, v0, a10);
            a11 = d1.lanewise(VectorOperators.FMA, v1, a11);
            a12 = d1.lanewise(VectorOperators.FMA, v2, a12);
            a13 = d1.lanewise(VectorOperators.FMA, v3, a13);
            a14 = d1.lanewise(VectorOperators.FMA, v4, a14);
            s1 = s1.add(d1);
            FloatVector d2 = FloatVector.fromArray(S, dz, z2 + q);
            a20 = d2.lanewise(VectorOperators.FMA, v0, a20);
            a21 = d2.lanewise(VectorOperators.FMA, v1, a21);
            a22 = d2.lanewise(VectorOperators.FMA, v2, a22);
            a23 = d2.lanewise(VectorOperators.FMA, v3, a23);
            a24 = d2.lanewise(VectorOperators.FMA, v4, a24);
            s2 = s2.add(d2);
            FloatVector d3 = FloatVector.fromArray(S, dz, z3 + q);
            a30 = d3.lanewise(VectorOperators.FMA, v0, a30);
            a31 = d3.lanewise(VectorOperators.FMA, v1, a31);
            a32 = d3.lanewise(VectorOperators.FMA, v2, a32);
            a33 = d3.lanewise(VectorOperators.FMA, v3, a33);
            a34 = d3.lanewise(VectorOperators.FMA, v4, a34);
            s3 = s3.add(d3);
        }
        // written out, not in a helper taking a vector (one left uninlined would box it)
        FloatVector.fromArray(S, part, o0).lanewise(VectorOperators.ADD, a00).intoArray(part, o0);
        FloatVector.fromArray(S, part, o0 + L).lanewise(VectorOperators.ADD, a01).intoArray(part, o0 + L);
        FloatVector.fromArray(S, part, o0 + 2 * L).lanewise(VectorOperators.ADD, a02).intoArray(part, o0 + 2 * L);
        FloatVector.fromArray(S, part, o0 + 3 * L).lanewise(VectorOperators.ADD, a03).intoArray(part, o0 + 3 * L);
        FloatVector.fromArray(S, part, o0 + 4 * L).lanewise(VectorOperators.ADD, a04).intoArray(part, o0 + 4 * L);
        FloatVector.fromArray(S, part, b0).lanewise(VectorOperators.ADD, s0).intoArray(part, b0);
        FloatVector.fromArray(S, part, o1).lanewise(VectorOperators.ADD, a10).intoArray(part, o1);
        FloatVector.fromArray(S, part, o1 + L).lanewise(VectorOperators.ADD, a11).intoArray(part, o1 + L);
        FloatVector.fromArray(S, part, o1 + 2 * L).lanewise(VectorOperators.ADD, a12).intoArray(part, o1 + 2 * L);
        FloatVector.fromArray(S, part, o1 + 3 * L).lanewise(VectorOperators.ADD, a13).intoArray(part, o1 + 3 * L);
        FloatVector.fromArray(S, part, o1 + 4 * L).lanewise(VectorOperators.ADD, a14).intoArray(part, o1 + 4 * L);
        FloatVector.fromArray(S, part, b1).lanewise(VectorOperators.ADD, s1).intoArray(part, b1);
        FloatVector.fromArray(S, part, o2).lanewise(VectorOperators.ADD, a20).intoArray(part, o2);
        FloatVector.fromArray(S, part, o2 + L).lanewise(VectorOperators.ADD, a21).intoArray(part, o2 + L);
        FloatVector.fromArray(S, part, o2 + 2 * L).lanewise(VectorOperators.ADD, a22).intoArray(part, o2 + 2 * L);
        FloatVector.fromArray(S, part, o2 + 3 * L).lanewise(VectorOperators.ADD, a23).intoArray(part, o2 + 3 * L);
        FloatVector.fromArray(S, part, o2 + 4 * L).lanewise(VectorOperators.ADD, a24).intoArray(part, o2 + 4 * L);
        FloatVector.fromArray(S, part, b2).lanewise(VectorOperators.ADD, s2).intoArray(part, b2);
        FloatVector.fromArray(S, part, o3).lanewise(VectorOperators.ADD, a30).intoArray(part, o3);
        FloatVector.fromArray(S, part, o3 + L).lanewise(VectorOperators.ADD, a31).intoArray(part, o3 + L);
        FloatVector.fromArray(S, part, o3 + 2 * L).lanewise(VectorOperators.ADD, a32).intoArray(part, o3 + 2 * L);
        FloatVector.fromArray(S, part, o3 + 3 * L).lanewise(VectorOperators.ADD, a33).intoArray(part, o3 + 3 * L);
        FloatVector.fromArray(S, part, o3 + 4 * L).lanewise(VectorOperators.ADD, a34).intoArray(part, o3 + 4 * L);
        FloatVector.fromArray(S, part, b3).lanewise(VectorOperators.ADD, s3).intoArray(part, b3);
    }


    /**
     * The winners' kernel for one filter ({@code dy[z ..]}, {@code win[w ..]}) and 9 rows of col
     * packed from {@code packed[p0 ..]} ({@link #packWinnerColumns}), over the vectors of windows
     * {@code s < end}, lanes outside {@code valid} counting nowhere: per vector, each place's gradient
     * ({@code dy} where the place won, else 0: the place's bit of a one-hot shifted to the sign and
     * spread over the lane) is formed once in registers and used for the 9 rows. 9 accumulators for
     * dW and 1 for db, 36 FMAs per 36 vectors of col. One filter, not two sharing col's loads: with
     * 20 accumulators C2 hoists the loads above the FMAs and spills the accumulators. Every store is
     * made (sums not kept go to the junk block), with no branch around it.
     */
    private static void winners1x9(float[] dy, int z, byte[] win, int w, int[] valid, int end, float[] packed, int p0,
                                   float[] part, int o, int b) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        FloatVector a8 = a0;
        FloatVector sum = a0;
        IntVector one = IntVector.broadcast(INTS, 1);
        for (int s = 0; s < end; s += L) {
            // lanes past the plane's last window are another row's: their gradient is masked to 0
            IntVector g = FloatVector.fromArray(S, dy, z + s).reinterpretAsInts().and(IntVector.fromArray(INTS, valid, s));
            // bit q set where place q won (none for -1, a shift by 31)
            IntVector won = one.lanewise(VectorOperators.LSHL,
                    ByteVector.fromArray(BYTES, win, w + s).convertShape(VectorOperators.B2I, INTS, 0));
            int p = p0 + s * (4 * WINNER_ROWS);
            // place 0: the gradient of the windows it won (bit 0 spread over the lane), against its columns
            FloatVector d0 = g.and(won.lanewise(VectorOperators.LSHL, 31).lanewise(VectorOperators.ASHR, 31))
                    .reinterpretAsFloats();
            sum = sum.add(d0);
            a0 = d0.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p), a0);
            a1 = d0.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + L), a1);
            a2 = d0.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 2 * L), a2);
            a3 = d0.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 3 * L), a3);
            a4 = d0.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 4 * L), a4);
            a5 = d0.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 5 * L), a5);
            a6 = d0.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 6 * L), a6);
            a7 = d0.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 7 * L), a7);
            a8 = d0.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 8 * L), a8);
            // place 1: the gradient of the windows it won (bit 1 spread over the lane), against its columns
            FloatVector d1 = g.and(won.lanewise(VectorOperators.LSHL, 30).lanewise(VectorOperators.ASHR, 31))
                    .reinterpretAsFloats();
            sum = sum.add(d1);
            a0 = d1.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 9 * L), a0);
            a1 = d1.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 10 * L), a1);
            a2 = d1.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 11 * L), a2);
            a3 = d1.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 12 * L), a3);
            a4 = d1.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 13 * L), a4);
            a5 = d1.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 14 * L), a5);
            a6 = d1.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 15 * L), a6);
            a7 = d1.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 16 * L), a7);
            a8 = d1.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 17 * L), a8);
            // place 2: the gradient of the windows it won (bit 2 spread over the lane), against its columns
            FloatVector d2 = g.and(won.lanewise(VectorOperators.LSHL, 29).lanewise(VectorOperators.ASHR, 31))
                    .reinterpretAsFloats();
            sum = sum.add(d2);
            a0 = d2.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 18 * L), a0);
            a1 = d2.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 19 * L), a1);
            a2 = d2.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 20 * L), a2);
            a3 = d2.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 21 * L), a3);
            a4 = d2.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 22 * L), a4);
            a5 = d2.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 23 * L), a5);
            a6 = d2.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 24 * L), a6);
            a7 = d2.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 25 * L), a7);
            a8 = d2.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 26 * L), a8);
            // place 3: the gradient of the windows it won (bit 3 spread over the lane), against its columns
            FloatVector d3 = g.and(won.lanewise(VectorOperators.LSHL, 28).lanewise(VectorOperators.ASHR, 31))
                    .reinterpretAsFloats();
            sum = sum.add(d3);
            a0 = d3.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 27 * L), a0);
            a1 = d3.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 28 * L), a1);
            a2 = d3.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 29 * L), a2);
            a3 = d3.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 30 * L), a3);
            a4 = d3.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 31 * L), a4);
            a5 = d3.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 32 * L), a5);
            a6 = d3.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 33 * L), a6);
            a7 = d3.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 34 * L), a7);
            a8 = d3.lanewise(VectorOperators.FMA, FloatVector.fromArray(S, packed, p + 35 * L), a8);
        }
        // written out, not in a helper taking a vector (one left uninlined would box it)
        FloatVector.fromArray(S, part, o).lanewise(VectorOperators.ADD, a0).intoArray(part, o);
        FloatVector.fromArray(S, part, o + L).lanewise(VectorOperators.ADD, a1).intoArray(part, o + L);
        FloatVector.fromArray(S, part, o + 2 * L).lanewise(VectorOperators.ADD, a2).intoArray(part, o + 2 * L);
        FloatVector.fromArray(S, part, o + 3 * L).lanewise(VectorOperators.ADD, a3).intoArray(part, o + 3 * L);
        FloatVector.fromArray(S, part, o + 4 * L).lanewise(VectorOperators.ADD, a4).intoArray(part, o + 4 * L);
        FloatVector.fromArray(S, part, o + 5 * L).lanewise(VectorOperators.ADD, a5).intoArray(part, o + 5 * L);
        FloatVector.fromArray(S, part, o + 6 * L).lanewise(VectorOperators.ADD, a6).intoArray(part, o + 6 * L);
        FloatVector.fromArray(S, part, o + 7 * L).lanewise(VectorOperators.ADD, a7).intoArray(part, o + 7 * L);
        FloatVector.fromArray(S, part, o + 8 * L).lanewise(VectorOperators.ADD, a8).intoArray(part, o + 8 * L);
        FloatVector.fromArray(S, part, b).lanewise(VectorOperators.ADD, sum).intoArray(part, b);
    }
}
