package io.convspark.kernels.layers.conv;

import io.convspark.kernels.compute.Gemm;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.layers.Activation;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.StepContext;
import java.util.Arrays;

/**
 * A 2-D convolution (cross-correlation, as in Keras) of {@code C} input channels into {@code F}
 * filters, lowered to GEMM over groups of samples. Shapes, with {@code K = C*kh*kw},
 * {@code P = outH*outW} and a group of {@code G} samples {@code n_1 .. n_G}:
 * <pre>
 *   x_n   [C, H, W]      one input sample (NCHW)
 *   W     [F, K]         the kernel (F, C, kh, kw) seen as a matrix
 *   col   [K, G*P]       im2col(x_n1) | ... | im2col(x_nG), side by side, see {@link Im2Col}
 *   z     [F, G*P]       = W x col                      (one GEMM for the group)
 *   y_n   [F, P]         = z[:, j*P : (j+1)*P] + b       (b broadcast over P; scattered per sample)
 * </pre>
 * Grouping makes the GEMM wide enough for the micro-kernel when the output plane is small (an 11x11
 * or 8x8 plane alone fills a quarter of the 32-column tiles' reuse); {@code G} aims at about
 * {@value #TARGET_COLUMNS} columns, at most {@value #MAX_GROUP} samples and a bounded workspace, and
 * is 1 for large planes, where each sample's GEMM writes straight into the output. Groups run in
 * parallel, each slot with its own workspaces. A 1x1 window with stride 1 and no padding needs no
 * lowering: {@code x_n} itself is the {@code [C, H*W]} column matrix (one sample per GEMM).
 *
 * <p>Backward, for {@code dy_n = dL/dy_n} gathered per group into {@code dz [F, G*P]}:
 * <pre>
 *   dW   = sum over groups of dz [F, G*P] x col^T [G*P, K]   per-slot partial sums, reduced in slot order
 *   db_f = sum_n sum_p dy_n[f, p]
 *   dx_n = col2im(dcol[:, j*P : (j+1)*P]),  dcol [K, G*P] = W^T [K, F] x dz [F, G*P]
 * </pre>
 * The workspaces are allocated once and reused; they are reallocated only when the executor's
 * parallelism changes. An instance is not safe for concurrent use by several passes.
 */
public final class GemmConvolution implements Convolution {
    /** Columns a group's GEMM aims at. */
    static final int TARGET_COLUMNS = 1024;
    /** Most samples in a group: 16, or {@code -Dconvspark.conv.maxGroup=N} (1: one GEMM per sample). */
    static final int MAX_GROUP = Math.max(1, Integer.getInteger("convspark.conv.maxGroup", 16));
    /** Most floats in one slot's column workspace ({@code K x G*P}) when grouping: 16 MiB. */
    private static final long MAX_GROUP_COLUMN_FLOATS = 4L << 20;

    private final ConvGeometry g;
    private final int channels;
    private final int filters;
    private final int k;
    private final int p;
    private final boolean pointwise;
    private final int group;
    private float[][] col;          // per slot: [K, G*P] column matrix, then reused for dcol
    private float[][] z;            // per slot (G > 1): [F, G*P] GEMM output, or the gathered dz
    private final SlotPartials dwPartial = new SlotPartials();   // per slot: [F, K]
    private final SlotPartials dbPartial = new SlotPartials();   // per slot: [F]

    public GemmConvolution(ConvGeometry geometry, int channels, int filters) {
        this(geometry, channels, filters, 0);
    }

    /** With a fixed group size (tests and benchmarks): 1 is one GEMM per sample, 0 chooses by {@link #groupSize}. */
    GemmConvolution(ConvGeometry geometry, int channels, int filters, int group) {
        this.g = geometry;
        this.channels = channels;
        this.filters = filters;
        long kk = (long) channels * geometry.kernelSize();
        if (kk > Integer.MAX_VALUE || Im2Col.columnSize(geometry, channels) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("convolution too large for one sample's column matrix: " + kk + " x "
                    + geometry.outPlane());
        }
        this.k = (int) kk;
        this.p = geometry.outPlane();
        this.pointwise = geometry.isPointwise();
        this.group = pointwise ? 1 : group > 0 ? group : groupSize(k, p, filters);
    }

    /** Samples per GEMM: enough for about TARGET_COLUMNS columns, within MAX_GROUP and the workspace bound. */
    static int groupSize(int k, int p, int filters) {
        int want = Math.max(1, Math.min(MAX_GROUP, TARGET_COLUMNS / Math.max(1, p)));
        long perSample = (long) Math.max(k, filters) * p;
        int fits = (int) Math.max(1, MAX_GROUP_COLUMN_FLOATS / Math.max(1, perSample));
        return Math.min(want, fits);
    }

    @Override
    public ConvGeometry geometry() {
        return g;
    }

    @Override
    public String algorithm() {
        return pointwise ? "gemm-pointwise" : "im2col-gemm";
    }

    /** True if the input is used as the column matrix directly (1x1, stride 1, no padding). */
    public boolean isPointwise() {
        return pointwise;
    }

    /** Samples per GEMM for a batch: the group size, made smaller so that every slot gets a group. */
    private int groupFor(int batch, int slots) {
        return Math.max(1, Math.min(group, (batch + slots - 1) / slots));
    }

    /**
     * {@code y_n = act(W x im2col(x_n) + b)} for every sample; bias and activation in one pass over
     * each output row, while the sample's product is still in cache.
     *
     * @param x    {@code batch} input samples of {@code C*H*W} floats
     * @param w    the kernel {@code [F, C, kh, kw]} starting at {@code wOff}
     * @param b    the bias {@code [F]} starting at {@code bOff}, or {@code null} for none
     * @param y    receives {@code batch} output samples of {@code F*outH*outW} floats (overwritten)
     * @param act  an element-wise activation, or {@code null} for none
     */
    @Override
    public void forward(float[] x, int batch, float[] w, int wOff, float[] b, int bOff, float[] y, Activation act,
                        StepContext ctx) {
        KernelExecutor ex = ctx.executor();
        Gemm gemm = ctx.gemm();
        int gs = groupFor(batch, ex.parallelism());
        ensureWorkspaces(ex.parallelism(), gs);
        int xSize = channels * g.inPlane();
        int ySize = filters * p;
        int groups = (batch + gs - 1) / gs;
        ex.parallelFor(groups, 1, (slot, from, to) -> {
            for (int grp = from; grp < to; grp++) {
                int n0 = grp * gs;
                int size = Math.min(gs, batch - n0);
                if (size == 1 || gs == 1) {
                    for (int n = n0; n < n0 + size; n++) {
                        forwardOne(x, n * xSize, w, wOff, b, bOff, y, n * ySize, act, slot, gemm);
                    }
                    continue;
                }
                // col[K, size*P] = im2col of the group's samples side by side; z[F, size*P] = W x col
                int ld = size * p;
                float[] c = col[slot];
                for (int j = 0; j < size; j++) {
                    Im2Col.im2col(x, (n0 + j) * xSize, channels, g, c, j * p, ld);
                }
                float[] zs = z[slot];
                gemm.sgemm(false, false, filters, ld, k, 1f, w, wOff, k, c, 0, ld, 0f, zs, 0, ld);
                // y_n[f, :] = act(z[f, j*P : (j+1)*P] + b[f])
                for (int j = 0; j < size; j++) {
                    int yOff = (n0 + j) * ySize;
                    for (int f = 0; f < filters; f++) {
                        int src = f * ld + j * p;
                        int dst = yOff + f * p;
                        if (b == null) {
                            System.arraycopy(zs, src, y, dst, p);
                        } else {
                            float bias = b[bOff + f];
                            for (int q = 0; q < p; q++) {
                                y[dst + q] = zs[src + q] + bias;
                            }
                        }
                        if (act != null) {
                            act.apply(y, dst, dst + p);
                        }
                    }
                }
            }
        });
    }

    /** One sample's GEMM written straight into its output: y_n[F, P] = W[F, K] x col[K, P], then + b and act. */
    private void forwardOne(float[] x, int xOff, float[] w, int wOff, float[] b, int bOff, float[] y, int yOff,
                            Activation act, int slot, Gemm gemm) {
        float[] c = pointwise ? x : col[slot];
        int cOff = pointwise ? xOff : 0;
        if (!pointwise) {
            Im2Col.im2col(x, xOff, channels, g, c, 0);
        }
        gemm.sgemm(false, false, filters, p, k, 1f, w, wOff, k, c, cOff, p, 0f, y, yOff, p);
        // the bias is added after the product, as in the grouped path, so results do not depend on grouping;
        // each row gets bias and activation while it is in L1
        for (int f = 0; f < filters; f++) {
            int row = yOff + f * p;
            if (b != null) {
                float bias = b[bOff + f];
                for (int q = row, end = row + p; q < end; q++) {
                    y[q] += bias;
                }
            }
            if (act != null) {
                act.apply(y, row, row + p);
            }
        }
    }

    /**
     * Gradients of {@link #forward}; {@code dw} and {@code db} are overwritten, {@code dx} too unless
     * it is {@code null}. {@code dx} may be the same array as {@code x}: each group's inputs are read
     * (im2col) before any of its gradients is written.
     *
     * @param dy  {@code dL/dy} for {@code batch} samples (the pre-activation gradient)
     * @param db  bias gradient array (slice at {@code dbOff}), or {@code null} if there is no bias
     */
    @Override
    public void backward(float[] x, int batch, float[] dy, float[] y, Activation act, float[] w, int wOff,
                         float[] dw, int dwOff, float[] db, int dbOff, float[] dx, StepContext ctx) {
        KernelExecutor ex = ctx.executor();
        Gemm gemm = ctx.gemm();
        int slots = ex.parallelism();
        int gs = groupFor(batch, slots);
        ensureWorkspaces(slots, gs);
        dwPartial.reset(slots, filters * k);
        dbPartial.reset(slots, filters);
        int xSize = channels * g.inPlane();
        int ySize = filters * p;
        int groups = (batch + gs - 1) / gs;
        ex.parallelFor(groups, 1, (slot, from, to) -> {
            float[] dwS = dwPartial.of(slot);
            float[] dbS = dbPartial.of(slot);
            Arrays.fill(dbS, 0f);
            for (int grp = from; grp < to; grp++) {
                int n0 = grp * gs;
                int size = Math.min(gs, batch - n0);
                boolean first = grp == from;
                if (act != null) {
                    // dz = dy * act'(z) for the group's samples, in place, right before they are read
                    act.derive(y, dy, n0 * ySize, (n0 + size) * ySize);
                }
                if (db != null) {
                    // db_slot[f] += sum_n sum_p dy_n[f, p]
                    dbPartial.addPlaneSums(slot, dy, n0, size, filters, p);
                }
                if (size == 1 || gs == 1) {
                    for (int n = n0; n < n0 + size; n++) {
                        backwardOne(x, n * xSize, dy, n * ySize, w, wOff, dwS, first && n == n0, dx, slot, gemm);
                    }
                    continue;
                }
                int ld = size * p;
                float[] c = col[slot];
                float[] dz = z[slot];
                for (int j = 0; j < size; j++) {
                    Im2Col.im2col(x, (n0 + j) * xSize, channels, g, c, j * p, ld);
                    for (int f = 0; f < filters; f++) {
                        System.arraycopy(dy, (n0 + j) * ySize + f * p, dz, f * ld + j * p, p);
                    }
                }
                // dW_slot[F, K] (+)= dz[F, G*P] x col^T[G*P, K]   (reduces over the group's positions)
                gemm.sgemm(false, true, filters, k, ld, 1f, dz, 0, ld, c, 0, ld, first ? 0f : 1f, dwS, 0, k);
                if (dx == null) {
                    continue;
                }
                // dcol[K, G*P] = W^T[K, F] x dz[F, G*P]   (reduces over filters F); then dx_n = col2im
                gemm.sgemm(true, false, k, ld, filters, 1f, w, wOff, k, dz, 0, ld, 0f, c, 0, ld);
                for (int j = 0; j < size; j++) {
                    Im2Col.col2im(c, j * p, channels, g, dx, (n0 + j) * xSize, ld);
                }
            }
            dwPartial.markUsed(slot);
            dbPartial.markUsed(slot);
        });
        dwPartial.reduceInto(dw, dwOff, ex);
        if (db != null) {
            dbPartial.reduceInto(db, dbOff, ex);
        }
    }

    /** One sample's weight gradient (overwriting dwS when {@code overwrite}) and input gradient. */
    private void backwardOne(float[] x, int xOff, float[] dy, int yOff, float[] w, int wOff, float[] dwS,
                             boolean overwrite, float[] dx, int slot, Gemm gemm) {
        float[] c = pointwise ? x : col[slot];
        int cOff = pointwise ? xOff : 0;
        if (!pointwise) {
            Im2Col.im2col(x, xOff, channels, g, c, 0);
        }
        // dW_slot[F, K] (+)= dy_n[F, P] x col_n^T[P, K]   (reduces over output positions P)
        gemm.sgemm(false, true, filters, k, p, 1f, dy, yOff, p, c, cOff, p, overwrite ? 0f : 1f, dwS, 0, k);
        if (dx == null) {
            return;
        }
        // dCol[K, P] = W^T[K, F] x dy_n[F, P]   (reduces over filters F); then dx_n = col2im(dCol)
        if (pointwise) {
            gemm.sgemm(true, false, k, p, filters, 1f, w, wOff, k, dy, yOff, p, 0f, dx, xOff, p);
        } else {
            gemm.sgemm(true, false, k, p, filters, 1f, w, wOff, k, dy, yOff, p, 0f, c, 0, p);
            Im2Col.col2im(c, 0, channels, g, dx, xOff);
        }
    }

    /** Column workspaces for groups of {@code gs} samples (and the group GEMM's output when gs > 1). */
    private void ensureWorkspaces(int slots, int gs) {
        if (pointwise) {
            return;
        }
        int colSize = k * p * gs;
        if (col == null || col.length != slots || col[0].length < colSize) {
            col = new float[slots][colSize];
        }
        if (gs > 1 && (z == null || z.length != slots || z[0].length < filters * p * gs)) {
            z = new float[slots][filters * p * gs];
        }
    }
}
