package io.convspark.kernels.layers.conv;

import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.compute.VectorGemm;
import io.convspark.kernels.layers.Activation;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.StepContext;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
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
 * in blocks of 4 filters x 3 or 5 rows of col with vectors along P, db as the sum of dz
 * ({@link ShortReductionGradient}), on every GEMM back-end; when an input gradient is wanted, backward
 * is {@link GemmConvolution}'s. col begins at a cache line ({@link ColumnBuffers}). On the Zen 5
 * machines of 2026-12 this kernel computes the weight gradient 1.4-2.4x faster than im2col + OpenBLAS
 * ({@code ShortReductionBench}, batch 64/50, through ReLU: mnist-deitel's first layer 1.55 against
 * 2.11 ms, cifar's 1.32 against 2.24 ms, 6 filters of 5x5 over 28x28 0.34 against 0.80 ms); on the
 * Zen 4 machines before, without the aligned col, OpenBLAS had been the faster (1.38-1.61 against
 * 1.95-2.09 ms on mnist-deitel's). The forward is this kernel's on every back-end: native BLAS has no product that
 * skips packing B, nor a fused epilogue (0.88 against OpenBLAS's 1.10 ms on mnist-deitel's, same bench).
 */
public final class ShortReductionConvolution implements Convolution {
    /** Longest reduction {@code C*kh*kw} this kernel takes. */
    public static final int MAX_K = 32;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private final ConvGeometry g;
    private final int channels;
    private final int filters;
    private final int k;
    private final int p;
    /** Row stride of col: P rounded up to a micro-tile. */
    private final int ld;
    /** Rows of col: K, the ones row, zero rows up to a multiple of the gradient's block. */
    private final int rows;
    private final int mr = VectorGemm.panelRows();
    private final float[] packed;
    private final GemmConvolution withInputGradient;
    private final ShortReductionGradient gradient;
    /** Per slot: col, its ones row after the K rows. */
    private final ColumnBuffers col;

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
        this.rows = ShortReductionGradient.columnRows(k);
        this.packed = new float[(filters + mr - 1) / mr * mr * (k + 1)];
        this.withInputGradient = new GemmConvolution(geometry, channels, filters);
        this.gradient = new ShortReductionGradient(filters, k);
        this.col = new ColumnBuffers(rows, ld, k);
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
        col.ensure(ex.parallelism());
        pack(w, wOff, b, bOff, filters, k, packed);
        int xSize = channels * g.inPlane();
        int ySize = filters * p;
        ex.parallelFor(batch, 1, (slot, from, to) -> {
            float[] c = col.of(slot);
            int at = col.align(slot);
            for (int n = from; n < to; n++) {
                Im2Col.im2col(x, n * xSize, channels, g, c, at, ld);
                for (int f0 = 0; f0 < filters; f0 += mr) {
                    int count = Math.min(mr, filters - f0);
                    int yOff = n * ySize + f0 * p;
                    // y[f0 .. f0+count, :] = A[f0 .. f0+count, :] x col: the K+1 rows, ones row included
                    VectorGemm.multiplyPanel(count, p, k + 1, packed, f0 * (k + 1), c, at, ld, y, yOff, p);
                    if (act != null) {
                        act.apply(y, yOff, yOff + count * p);
                    }
                }
            }
        });
    }

    /**
     * {@code packed} = panels of MR filters of [W | b] ({@code F x (K+1)}), as {@link VectorGemm#multiplyPanel}
     * takes them: {@code packed[f0 (K+1) + q MR + r] = A[f0 + r][q]}, zero rows past F.
     */
    static void pack(float[] w, int wOff, float[] b, int bOff, int filters, int k, float[] packed) {
        int mr = VectorGemm.panelRows();
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

    @Override
    public void backward(float[] x, int batch, float[] dy, float[] y, Activation act, float[] w, int wOff,
                         float[] dw, int dwOff, float[] db, int dbOff, float[] dx, StepContext ctx) {
        if (dx != null) {
            withInputGradient.backward(x, batch, dy, y, act, w, wOff, dw, dwOff, db, dbOff, dx, ctx);
            return;
        }
        KernelExecutor ex = ctx.executor();
        int slots = ex.parallelism();
        col.ensure(slots);
        gradient.start(slots);
        int xSize = channels * g.inPlane();
        int ySize = filters * p;
        int full = p / L * L;
        ex.parallelFor(batch, 1, (slot, from, to) -> {
            float[] c = col.of(slot);
            int at = col.align(slot);
            float[] part = gradient.begin(slot);
            for (int n = from; n < to; n++) {
                Im2Col.im2col(x, n * xSize, channels, g, c, at, ld);
                for (int f = 0; f < filters; f += ShortReductionGradient.FILTERS) {
                    int count = Math.min(ShortReductionGradient.FILTERS, filters - f);
                    int z = n * ySize + f * p;
                    if (act != null) {
                        // dz = dy * act'(z) for the block's rows, in place: they stay in L1 for the block
                        act.derive(y, dy, z, z + count * p);
                    }
                    gradient.addBlock(part, f, count, dy, z, p, full, c, at, ld);
                    gradient.addTail(part, f, count, dy, z, p, full, p, c, at, ld);
                }
            }
            gradient.finish(slot);
        });
        gradient.reduceInto(dw, dwOff, db, dbOff, ex);
    }
}
