package io.convspark.kernels.layers.conv;

import io.convspark.kernels.compute.ElementwiseKernels;
import io.convspark.kernels.compute.Gemm;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.StepContext;
import java.util.Arrays;

/**
 * A 2-D convolution (cross-correlation, as in Keras) of {@code C} input channels into {@code F}
 * filters, lowered to GEMM per sample. Shapes, with {@code K = C*kh*kw} and {@code P = outH*outW}:
 * <pre>
 *   x_n   [C, H, W]      one input sample (NCHW)
 *   W     [F, K]         the kernel (F, C, kh, kw) seen as a matrix
 *   col_n [K, P]         im2col(x_n), see {@link Im2Col}
 *   y_n   [F, P]         = W x col_n + b (b broadcast over P)
 * </pre>
 * Samples run in parallel, each slot with its own column workspace. A 1x1 window with stride 1 and
 * no padding needs no lowering: {@code x_n} itself is the {@code [C, H*W]} column matrix.
 *
 * <p>Backward, for {@code dy_n = dL/dy_n}:
 * <pre>
 *   dW   = sum_n dy_n [F, P] x col_n^T [P, K]      per-slot partial sums, reduced in slot order
 *   db_f = sum_n sum_p dy_n[f, p]
 *   dx_n = col2im(W^T [K, F] x dy_n [F, P])
 * </pre>
 * The workspaces are allocated once and reused; they are reallocated only when the executor's
 * parallelism changes. An instance is not safe for concurrent use by several passes.
 */
public final class GemmConvolution {
    private final ConvGeometry g;
    private final int channels;
    private final int filters;
    private final int k;
    private final int p;
    private final boolean pointwise;
    private float[][] col;          // per slot: [K, P] column matrix, then reused for dCol
    private float[][] dwPartial;    // per slot: [F, K]
    private float[][] dbPartial;    // per slot: [F]
    private boolean[] slotUsed;

    public GemmConvolution(ConvGeometry geometry, int channels, int filters) {
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
    }

    public ConvGeometry geometry() {
        return g;
    }

    /** True if the input is used as the column matrix directly (1x1, stride 1, no padding). */
    public boolean isPointwise() {
        return pointwise;
    }

    /**
     * {@code y_n = W x im2col(x_n) + b} for every sample.
     *
     * @param x    {@code batch} input samples of {@code C*H*W} floats
     * @param w    the kernel {@code [F, C, kh, kw]} starting at {@code wOff}
     * @param b    the bias {@code [F]} starting at {@code bOff}, or {@code null} for none
     * @param y    receives {@code batch} output samples of {@code F*outH*outW} floats (overwritten)
     */
    public void forward(float[] x, int batch, float[] w, int wOff, float[] b, int bOff, float[] y, StepContext ctx) {
        KernelExecutor ex = ctx.executor();
        Gemm gemm = ctx.gemm();
        ensureColumns(ex.parallelism());
        int xSize = channels * g.inPlane();
        int ySize = filters * p;
        ex.parallelFor(batch, 1, (slot, from, to) -> {
            for (int n = from; n < to; n++) {
                int xOff = n * xSize;
                int yOff = n * ySize;
                float[] c = pointwise ? x : col[slot];
                int cOff = pointwise ? xOff : 0;
                if (!pointwise) {
                    Im2Col.im2col(x, xOff, channels, g, c, 0);
                }
                // y_n[f, :] = b[f]; then y_n[F, P] += W[F, K] x col[K, P]
                float beta = 0f;
                if (b != null) {
                    for (int f = 0; f < filters; f++) {
                        Arrays.fill(y, yOff + f * p, yOff + (f + 1) * p, b[bOff + f]);
                    }
                    beta = 1f;
                }
                gemm.sgemm(false, false, filters, p, k, 1f, w, wOff, k, c, cOff, p, beta, y, yOff, p);
            }
        });
    }

    /**
     * Gradients of {@link #forward}; {@code dw} and {@code db} are overwritten, {@code dx} too unless
     * it is {@code null}. {@code dx} may be the same array as {@code x}: each sample's input is read
     * for the last time before its gradient is written.
     *
     * @param dy  {@code dL/dy} for {@code batch} samples (the pre-activation gradient)
     * @param db  bias gradient array (slice at {@code dbOff}), or {@code null} if there is no bias
     */
    public void backward(float[] x, int batch, float[] dy, float[] w, int wOff, float[] dw, int dwOff,
                         float[] db, int dbOff, float[] dx, StepContext ctx) {
        KernelExecutor ex = ctx.executor();
        Gemm gemm = ctx.gemm();
        ElementwiseKernels sums = ElementwiseKernels.get();
        int slots = ex.parallelism();
        ensureColumns(slots);
        ensurePartials(slots);
        Arrays.fill(slotUsed, false);
        int xSize = channels * g.inPlane();
        int ySize = filters * p;
        ex.parallelFor(batch, 1, (slot, from, to) -> {
            float[] dwS = dwPartial[slot];
            float[] dbS = dbPartial[slot];
            Arrays.fill(dbS, 0f);
            for (int n = from; n < to; n++) {
                int xOff = n * xSize;
                int yOff = n * ySize;
                float[] c = pointwise ? x : col[slot];
                int cOff = pointwise ? xOff : 0;
                if (!pointwise) {
                    Im2Col.im2col(x, xOff, channels, g, c, 0);
                }
                // dW_slot[F, K] (+)= dy_n[F, P] x col_n^T[P, K]   (reduces over output positions P)
                gemm.sgemm(false, true, filters, k, p, 1f, dy, yOff, p, c, cOff, p, n == from ? 0f : 1f,
                        dwS, 0, k);
                // db_slot[f] += sum_p dy_n[f, p]
                if (db != null) {
                    for (int f = 0; f < filters; f++) {
                        dbS[f] += sums.sum(dy, yOff + f * p, yOff + (f + 1) * p);
                    }
                }
                if (dx == null) {
                    continue;
                }
                // dCol[K, P] = W^T[K, F] x dy_n[F, P]   (reduces over filters F); then dx_n = col2im(dCol)
                if (pointwise) {
                    gemm.sgemm(true, false, k, p, filters, 1f, w, wOff, k, dy, yOff, p, 0f, dx, xOff, p);
                } else {
                    gemm.sgemm(true, false, k, p, filters, 1f, w, wOff, k, dy, yOff, p, 0f, c, 0, p);
                    Im2Col.col2im(c, 0, channels, g, dx, xOff);
                }
            }
            slotUsed[slot] = true;
        });
        reduceSlots(dwPartial, filters * k, dw, dwOff, ex);
        if (db != null) {
            reduceSlots(dbPartial, filters, db, dbOff, ex);
        }
    }

    /** {@code out[i] = sum over used slots s, in slot order, of partial[s][i]} (zero if no slot ran). */
    private void reduceSlots(float[][] partial, int len, float[] out, int outOff, KernelExecutor ex) {
        ex.parallelFor(len, 4096, (s, from, to) -> {
            Arrays.fill(out, outOff + from, outOff + to, 0f);
            for (int slot = 0; slot < partial.length; slot++) {
                if (!slotUsed[slot]) {
                    continue;
                }
                float[] ps = partial[slot];
                for (int i = from; i < to; i++) {
                    out[outOff + i] += ps[i];
                }
            }
        });
    }

    private void ensureColumns(int slots) {
        if (pointwise) {
            return;
        }
        if (col == null || col.length != slots) {
            col = new float[slots][k * p];
        }
    }

    private void ensurePartials(int slots) {
        if (dwPartial == null || dwPartial.length != slots) {
            dwPartial = new float[slots][filters * k];
            dbPartial = new float[slots][filters];
            slotUsed = new boolean[slots];
        }
    }
}
