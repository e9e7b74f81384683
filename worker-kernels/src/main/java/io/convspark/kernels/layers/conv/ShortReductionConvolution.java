package io.convspark.kernels.layers.conv;

import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.compute.VectorGemm;
import io.convspark.kernels.layers.Activation;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.StepContext;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A convolution whose reduction {@code K = C*kh*kw} is short: a model's first layer (3x3 over grey or
 * RGB images: 9 or 27; 5x5 over grey: 25). There im2col + a general GEMM spends more time packing,
 * zeroing and passing over the output than multiplying (OpenBLAS reached 47% of its peak on
 * mnist-deitel's first layer). Here, per sample, with {@code P = outH*outW}:
 * <pre>
 *   col   [K+1, P']  im2col(x_n), and a last row of ones (P' = P rounded up to a micro-tile)
 *   A     [F, K+1]   [W | b], packed once per pass into panels of MR filters
 *   y_n   [F, P]     act(A x col): a register-tiled pass per panel writes its MR rows once (the bias is
 *                    the ones row's product); the activation runs on them while they are in L1
 * </pre>
 * Backward, when no input gradient is wanted (a first layer), reduces over the sample's positions:
 * <pre>
 *   [dW | db] [F, K+1] += dz_n [F, P] x col^T [P, K+1]
 * </pre>
 * in blocks of 4 filters x 5 rows of col with vectors along P (20 accumulators; the ones row gives db),
 * into per-slot vector partials whose lanes are summed at the end. That is for the pure-Java GEMM
 * back-ends; with native BLAS, or when an input gradient is wanted, backward is
 * {@link GemmConvolution}'s: OpenBLAS's small-matrix kernel computes this product faster
 * ({@code ShortReductionBench}: mnist-deitel's first layer through ReLU, 1.38-1.61 ms against
 * 1.81-2.05 ms at batch 64, where the pure-Java GEMM takes 2.08-2.28 ms and this kernel 1.95-2.09).
 * The forward is this kernel's on every back-end: native BLAS has no product that skips packing B,
 * nor a fused epilogue (1.19-1.43 ms against OpenBLAS's 1.29-1.72 ms, same bench).
 */
public final class ShortReductionConvolution implements Convolution {
    /** Longest reduction {@code C*kh*kw} this kernel takes. */
    public static final int MAX_K = 32;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of col in one block of the weight gradient. */
    private static final int ROWS = 5;
    /** Filters in one block of the weight gradient. */
    private static final int FILTERS = 4;

    private final ConvGeometry g;
    private final int channels;
    private final int filters;
    private final int k;
    private final int p;
    /** Row stride of col: P rounded up to a micro-tile. */
    private final int ld;
    /** Rows of col: K, the ones row, zero rows up to a multiple of {@link #ROWS}. */
    private final int rows;
    private final int mr = VectorGemm.panelRows();
    private final float[] packed;
    private final GemmConvolution withInputGradient;
    private final SlotPartials gradPartial = new SlotPartials();
    private float[][] col = new float[0][];
    private float[] gradLanes = new float[0];

    public ShortReductionConvolution(ConvGeometry geometry, int channels, int filters) {
        if (!suits(geometry, channels)) {
            throw new IllegalArgumentException(geometry + ": " + channels + " channels make a reduction of "
                    + (long) channels * geometry.kernelSize() + ", longer than " + MAX_K);
        }
        this.g = geometry;
        this.channels = channels;
        this.filters = filters;
        this.k = channels * geometry.kernelSize();
        this.p = geometry.outPlane();
        this.ld = VectorGemm.readableColumns(p);
        this.rows = (k + 1 + ROWS - 1) / ROWS * ROWS;
        this.packed = new float[(filters + mr - 1) / mr * mr * (k + 1)];
        this.withInputGradient = new GemmConvolution(geometry, channels, filters);
    }

    /** True if {@code channels} over {@code g} make a reduction of at most {@link #MAX_K} (1x1 windows excepted). */
    public static boolean suits(ConvGeometry g, int channels) {
        return (long) channels * g.kernelSize() <= MAX_K && !g.isPointwise();
    }

    @Override
    public ConvGeometry geometry() {
        return g;
    }

    @Override
    public String algorithm() {
        return "im2col-short-k";
    }

    @Override
    public void forward(float[] x, int batch, float[] w, int wOff, float[] b, int bOff, float[] y, Activation act,
                        StepContext ctx) {
        KernelExecutor ex = ctx.executor();
        ensureColumns(ex.parallelism());
        pack(w, wOff, b, bOff);
        int xSize = channels * g.inPlane();
        int ySize = filters * p;
        ex.parallelFor(batch, 1, (slot, from, to) -> {
            float[] c = col[slot];
            for (int n = from; n < to; n++) {
                Im2Col.im2col(x, n * xSize, channels, g, c, 0, ld);
                for (int f0 = 0; f0 < filters; f0 += mr) {
                    int count = Math.min(mr, filters - f0);
                    int yOff = n * ySize + f0 * p;
                    // y[f0 .. f0+count, :] = A[f0 .. f0+count, :] x col: the K+1 rows, ones row included
                    VectorGemm.multiplyPanel(count, p, k + 1, packed, f0 * (k + 1), c, 0, ld, y, yOff, p);
                    if (act != null) {
                        act.apply(y, yOff, yOff + count * p);
                    }
                }
            }
        });
    }

    /** {@code packed} = panels of MR filters of [W | b]: {@code packed[f0 (K+1) + q MR + r] = A[f0 + r][q]}, zero rows past F. */
    private void pack(float[] w, int wOff, float[] b, int bOff) {
        Arrays.fill(packed, 0f);
        for (int f = 0; f < filters; f++) {
            int panel = f / mr * mr * (k + 1);
            int r = f % mr;
            for (int q = 0; q < k; q++) {
                packed[panel + q * mr + r] = w[wOff + f * k + q];
            }
            packed[panel + k * mr + r] = b == null ? 0f : b[bOff + f];
        }
    }

    /** One col per slot, its ones row set once (im2col writes only the first K rows' first P columns). */
    private void ensureColumns(int slots) {
        if (col.length != slots) {
            col = new float[slots][rows * ld];
            for (float[] c : col) {
                Arrays.fill(c, k * ld, (k + 1) * ld, 1f);
            }
        }
    }

    @Override
    public void backward(float[] x, int batch, float[] dy, float[] y, Activation act, float[] w, int wOff,
                         float[] dw, int dwOff, float[] db, int dbOff, float[] dx, StepContext ctx) {
        if (dx != null || ctx.gemm().isNative()) {
            withInputGradient.backward(x, batch, dy, y, act, w, wOff, dw, dwOff, db, dbOff, dx, ctx);
            return;
        }
        KernelExecutor ex = ctx.executor();
        int slots = ex.parallelism();
        ensureColumns(slots);
        int laneLength = filters * rows * L;
        gradPartial.reset(slots, laneLength);
        int xSize = channels * g.inPlane();
        int ySize = filters * p;
        int full = p / L * L;
        ex.parallelFor(batch, 1, (slot, from, to) -> {
            float[] c = col[slot];
            float[] part = gradPartial.of(slot);
            Arrays.fill(part, 0f);
            for (int n = from; n < to; n++) {
                Im2Col.im2col(x, n * xSize, channels, g, c, 0, ld);
                for (int f = 0; f < filters; f += FILTERS) {
                    int z = n * ySize + f * p;
                    // a last block of fewer filters repeats its last one; the repeats' sums are not kept
                    int last = Math.min(FILTERS, filters - f) - 1;
                    int z1 = z + Math.min(1, last) * p;
                    int z2 = z + Math.min(2, last) * p;
                    int z3 = z + Math.min(3, last) * p;
                    if (act != null) {
                        // dz = dy * act'(z) for the block's rows, in place: they stay in L1 for the block
                        act.derive(y, dy, z, z + (last + 1) * p);
                    }
                    for (int r0 = 0; r0 < rows; r0 += ROWS) {
                        int o = (f * rows + r0) * L;
                        int step = rows * L;
                        gradientBlock(dy, z, z1, z2, z3, full, c, r0, part, o, last >= 1 ? o + step : -1,
                                last >= 2 ? o + 2 * step : -1, last >= 3 ? o + 3 * step : -1);
                    }
                    // the positions past the last whole vector, into lane 0 (the zero rows past K+1 skipped)
                    for (int i = 0; i <= last; i++) {
                        for (int r = 0; r <= k; r++) {
                            float sum = 0f;
                            for (int q = full; q < p; q++) {
                                sum += dy[z + i * p + q] * c[r * ld + q];
                            }
                            part[((f + i) * rows + r) * L] += sum;
                        }
                    }
                }
            }
            gradPartial.markUsed(slot);
        });
        if (gradLanes.length != laneLength) {
            gradLanes = new float[laneLength];
        }
        gradPartial.reduceInto(gradLanes, 0, ex);
        for (int f = 0; f < filters; f++) {
            for (int r = 0; r <= k; r++) {
                float sum = 0f;
                int base = (f * rows + r) * L;
                for (int l = 0; l < L; l++) {
                    sum += gradLanes[base + l];
                }
                if (r < k) {
                    dw[dwOff + f * k + r] = sum;
                } else if (db != null) {
                    db[dbOff + f] = sum;
                }
            }
        }
    }

    /**
     * {@code part[o_i + j L ..] += sum over whole vectors q < full of dz[z_i + q ..] col[r0 + j][q ..]}
     * for the 4 filters i (an {@code o_i} of -1 is not kept) and the 5 rows j from {@code r0}: 20
     * accumulators, each vector of dz used 5 times and each of col 4 times.
     */
    private void gradientBlock(float[] dz, int z0, int z1, int z2, int z3, int full, float[] c, int r0,
                               float[] part, int o0, int o1, int o2, int o3) {
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
        int c0 = r0 * ld;
        for (int q = 0; q < full; q += L) {
            FloatVector v0 = FloatVector.fromArray(S, c, c0 + q);
            FloatVector v1 = FloatVector.fromArray(S, c, c0 + ld + q);
            FloatVector v2 = FloatVector.fromArray(S, c, c0 + 2 * ld + q);
            FloatVector v3 = FloatVector.fromArray(S, c, c0 + 3 * ld + q);
            FloatVector v4 = FloatVector.fromArray(S, c, c0 + 4 * ld + q);
            FloatVector d = FloatVector.fromArray(S, dz, z0 + q);
            a00 = d.lanewise(VectorOperators.FMA, v0, a00);
            a01 = d.lanewise(VectorOperators.FMA, v1, a01);
            a02 = d.lanewise(VectorOperators.FMA, v2, a02);
            a03 = d.lanewise(VectorOperators.FMA, v3, a03);
            a04 = d.lanewise(VectorOperators.FMA, v4, a04);
            d = FloatVector.fromArray(S, dz, z1 + q);
            a10 = d.lanewise(VectorOperators.FMA, v0, a10);
            a11 = d.lanewise(VectorOperators.FMA, v1, a11);
            a12 = d.lanewise(VectorOperators.FMA, v2, a12);
            a13 = d.lanewise(VectorOperators.FMA, v3, a13);
            a14 = d.lanewise(VectorOperators.FMA, v4, a14);
            d = FloatVector.fromArray(S, dz, z2 + q);
            a20 = d.lanewise(VectorOperators.FMA, v0, a20);
            a21 = d.lanewise(VectorOperators.FMA, v1, a21);
            a22 = d.lanewise(VectorOperators.FMA, v2, a22);
            a23 = d.lanewise(VectorOperators.FMA, v3, a23);
            a24 = d.lanewise(VectorOperators.FMA, v4, a24);
            d = FloatVector.fromArray(S, dz, z3 + q);
            a30 = d.lanewise(VectorOperators.FMA, v0, a30);
            a31 = d.lanewise(VectorOperators.FMA, v1, a31);
            a32 = d.lanewise(VectorOperators.FMA, v2, a32);
            a33 = d.lanewise(VectorOperators.FMA, v3, a33);
            a34 = d.lanewise(VectorOperators.FMA, v4, a34);
        }
        // written out, not in a helper taking a vector (one left uninlined would box it)
        FloatVector.fromArray(S, part, o0).lanewise(VectorOperators.ADD, a00).intoArray(part, o0);
        FloatVector.fromArray(S, part, o0 + L).lanewise(VectorOperators.ADD, a01).intoArray(part, o0 + L);
        FloatVector.fromArray(S, part, o0 + 2 * L).lanewise(VectorOperators.ADD, a02).intoArray(part, o0 + 2 * L);
        FloatVector.fromArray(S, part, o0 + 3 * L).lanewise(VectorOperators.ADD, a03).intoArray(part, o0 + 3 * L);
        FloatVector.fromArray(S, part, o0 + 4 * L).lanewise(VectorOperators.ADD, a04).intoArray(part, o0 + 4 * L);
        if (o1 >= 0) {
            FloatVector.fromArray(S, part, o1).lanewise(VectorOperators.ADD, a10).intoArray(part, o1);
            FloatVector.fromArray(S, part, o1 + L).lanewise(VectorOperators.ADD, a11).intoArray(part, o1 + L);
            FloatVector.fromArray(S, part, o1 + 2 * L).lanewise(VectorOperators.ADD, a12).intoArray(part, o1 + 2 * L);
            FloatVector.fromArray(S, part, o1 + 3 * L).lanewise(VectorOperators.ADD, a13).intoArray(part, o1 + 3 * L);
            FloatVector.fromArray(S, part, o1 + 4 * L).lanewise(VectorOperators.ADD, a14).intoArray(part, o1 + 4 * L);
        }
        if (o2 >= 0) {
            FloatVector.fromArray(S, part, o2).lanewise(VectorOperators.ADD, a20).intoArray(part, o2);
            FloatVector.fromArray(S, part, o2 + L).lanewise(VectorOperators.ADD, a21).intoArray(part, o2 + L);
            FloatVector.fromArray(S, part, o2 + 2 * L).lanewise(VectorOperators.ADD, a22).intoArray(part, o2 + 2 * L);
            FloatVector.fromArray(S, part, o2 + 3 * L).lanewise(VectorOperators.ADD, a23).intoArray(part, o2 + 3 * L);
            FloatVector.fromArray(S, part, o2 + 4 * L).lanewise(VectorOperators.ADD, a24).intoArray(part, o2 + 4 * L);
        }
        if (o3 >= 0) {
            FloatVector.fromArray(S, part, o3).lanewise(VectorOperators.ADD, a30).intoArray(part, o3);
            FloatVector.fromArray(S, part, o3 + L).lanewise(VectorOperators.ADD, a31).intoArray(part, o3 + L);
            FloatVector.fromArray(S, part, o3 + 2 * L).lanewise(VectorOperators.ADD, a32).intoArray(part, o3 + 2 * L);
            FloatVector.fromArray(S, part, o3 + 3 * L).lanewise(VectorOperators.ADD, a33).intoArray(part, o3 + 3 * L);
            FloatVector.fromArray(S, part, o3 + 4 * L).lanewise(VectorOperators.ADD, a34).intoArray(part, o3 + 4 * L);
        }
    }
}
