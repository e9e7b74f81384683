package io.convspark.kernels.layers.conv;

import io.convspark.kernels.compute.KernelExecutor;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
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
 */
final class ShortReductionGradient {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
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

    /** For {@code filters} filters over a reduction of {@code k}. */
    ShortReductionGradient(int filters, int k) {
        this.filters = filters;
        this.k = k;
        this.block = block(k);
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
        return Math.max(k + 1, roundUp(k, block(k)));
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
     * positions {@code [0, full)} ({@code full} a multiple of the vector length), every row of col.
     */
    void addBlock(float[] part, int f, int count, float[] dz, int z, int zStride, int full, float[] col, int ld) {
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
                gradientBlock5(dz, z, z1, z2, z3, full, col, r0 * ld, ld, part, o0, o1, o2, o3, b0, b1, b2, b3);
            } else {
                gradientBlock3(dz, z, z1, z2, z3, full, col, r0 * ld, ld, part, o0, o1, o2, o3, b0, b1, b2, b3);
            }
        }
    }

    /** {@code part} += the positions {@code [full, p)} of the block, scalar, into lane 0. */
    void addTail(float[] part, int f, int count, float[] dz, int z, int zStride, int full, int p, float[] col, int ld) {
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
                    sum += dz[z + i * zStride + q] * col[r * ld + q];
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

}
