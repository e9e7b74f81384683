package io.convspark.kernels.layers.conv;

import io.convspark.kernels.compute.Gemm;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.compute.PackedA;
import io.convspark.kernels.compute.VectorGemm;
import io.convspark.kernels.layers.Activation;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.StepContext;
import java.util.Arrays;

/**
 * A 3x3, stride-1, undilated convolution by Winograd's F(2x2, 3x3) (see {@link WinogradTransforms}):
 * the output plane is cut into 2x2 tiles, each computed from a 4x4 input tile with 16 multiplies per
 * (filter, channel) pair instead of 36, so the GEMM work is 2.25 times smaller than im2col's.
 * For a group of samples with {@code T} tiles in all, and ξ = 0..15 the position in a 4x4
 * transformed tile:
 * <pre>
 *   U[ξ]  [F, C]   = (G g_fc Gᵀ)[ξ]              the kernel, transformed once per pass
 *   V[ξ]  [C, T]   = (Bᵀ d_ct B)[ξ]              every input tile of every channel
 *   M[ξ]  [F, T]   = U[ξ] x V[ξ]                 16 GEMMs, each reducing over the channels C
 *   y_ft           = Aᵀ M_ft A + b_f             2x2 outputs per tile (clipped at the plane's edge)
 * </pre>
 * Backward, for the output gradient dy (zero outside the plane):
 * <pre>
 *   dM[ξ] [F, T]   = (A dy_ft Aᵀ)[ξ]
 *   dU[ξ] [F, C]   = sum over groups of dM[ξ] x V[ξ]ᵀ      (reduces over tiles T)
 *   dW_fc          = Gᵀ dU_fc G
 *   dV[ξ] [C, T]   = U[ξ]ᵀ x dM[ξ]                         (reduces over filters F)
 *   dx             = sum over tiles of B dV_ct Bᵀ          (4x4 tiles overlap by two rows and columns)
 * </pre>
 * Input tiles outside the padded plane read zeros, and their gradients are dropped, so any padding
 * works. Groups of whole samples run in parallel, each slot with its own workspaces; the kernel
 * gradient is summed per slot and reduced in slot order.
 */
public final class WinogradConvolution implements Convolution {
    /** Tiles a group's GEMMs aim at, if set: {@code -Dconvspark.winograd.tiles=N}; else see {@link #GROUP_FLOATS}. */
    static final int TARGET_TILES = Integer.getInteger("convspark.winograd.tiles", 0);
    /**
     * Floats a group's transformed tiles (V and M, 16 (C + F) per tile) aim at: 128 Ki (512 KiB), so a
     * group's tiles stay in a 1 MiB L2 while its 16 GEMMs read V and write M.
     */
    static final int GROUP_FLOATS = Integer.getInteger("convspark.winograd.groupFloats", 128 * 1024);
    /** Most floats in one slot's transformed tiles (V and M), 32 MiB, unless one sample alone needs more. */
    private static final long MAX_SLOT_FLOATS = 8L << 20;
    private static final int XI = WinogradTransforms.TILE;

    private final ConvGeometry g;
    private final int channels;
    private final int filters;
    private final int tileRows;
    private final int tileCols;
    private final int tiles;
    private final float[] u;              // [16][F][C] transformed kernel
    private final float[] du;             // [16][F][C] transformed kernel gradient, reduced over slots
    private final PackedA[] uPacked = new PackedA[XI];   // U[ξ] prepared for the forward's products
    private final PackedA[] utPacked = new PackedA[XI];  // U[ξ]ᵀ prepared for the input gradient's
    private final SlotPartials duPartial = new SlotPartials();
    private final SlotPartials dbPartial = new SlotPartials();
    private final WinogradPlanes planes;  // whole planes with the Vector API, or null: tile by tile
    private float[][] v;                  // per slot: [16][C][T] transformed input tiles, then dV
    private float[][] m;                  // per slot: [16][F][T] products, then dM
    private float[][] scratch;            // per slot: one 4x4 tile, or the planes' workspace

    public WinogradConvolution(ConvGeometry geometry, int channels, int filters) {
        if (!supports(geometry)) {
            throw new IllegalArgumentException("Winograd F(2x2, 3x3) needs a 3x3 window with stride 1 and dilation 1, got "
                    + geometry);
        }
        this.g = geometry;
        this.channels = channels;
        this.filters = filters;
        this.tileRows = (geometry.outH() + 1) / 2;
        this.tileCols = (geometry.outW() + 1) / 2;
        this.tiles = tileRows * tileCols;
        if (!fits(geometry, channels, filters)) {
            throw new IllegalArgumentException("convolution too large for Winograd workspaces (one sample's "
                    + "transformed tiles must fit an array): " + channels + " -> " + filters + " channels on " + geometry);
        }
        this.planes = WinogradPlanes.suits(tiles) ? new WinogradPlanes(geometry) : null;
        this.u = new float[XI * filters * channels];
        this.du = new float[XI * filters * channels];
    }

    /**
     * True if the transformed kernel and one sample's transformed tiles (16 floats per tile and
     * channel or filter) fit Java arrays; larger convolutions must use im2col + GEMM.
     */
    public static boolean fits(ConvGeometry g, int channels, int filters) {
        long tiles = (long) ((g.outH() + 1) / 2) * ((g.outW() + 1) / 2);
        long limit = Integer.MAX_VALUE - 8;
        return (long) XI * filters * channels <= limit
                && XI * (Math.max(channels, filters) * tiles + 1024 + 64) <= limit;
    }

    /** True for the windows F(2x2, 3x3) computes: 3x3, stride 1, dilation 1 (any padding). */
    public static boolean supports(ConvGeometry g) {
        return g.kernelH() == 3 && g.kernelW() == 3 && g.strideH() == 1 && g.strideW() == 1
                && g.dilationH() == 1 && g.dilationW() == 1;
    }

    @Override
    public ConvGeometry geometry() {
        return g;
    }

    @Override
    public String algorithm() {
        return "winograd-2x2-3x3";
    }

    /**
     * Samples per group: the groups are a multiple of the slots (every slot gets work) and hold about
     * {@link #GROUP_FLOATS} floats of transformed tiles each (or {@link #TARGET_TILES} tiles), within
     * the workspace bound.
     */
    int groupSize(int batch, int slots) {
        long perSample = (long) XI * (channels + filters) * tiles;
        int fits = (int) Math.max(1, MAX_SLOT_FLOATS / perSample);
        int perSlot = (batch + slots - 1) / slots;
        int target = TARGET_TILES > 0 ? TARGET_TILES : Math.max(1, GROUP_FLOATS / (XI * (channels + filters)));
        int groupsPerSlot = Math.max(1, (int) Math.round((double) perSlot * tiles / target));
        int gs = Math.max(1, Math.min((perSlot + groupsPerSlot - 1) / groupsPerSlot, fits));
        // Up to twice as many samples where that fills the GEMMs' last column panel better: mnist's
        // 36 tiles a sample run 2 samples as 72 columns in panels of 32 + 32 + 16 (90% used), 4 as
        // 144 = 4 x 32 + 16 (all used); the layer ran 12-17% faster so.
        int best = gs;
        for (int more = gs + 1; more <= Math.min(2 * gs, Math.min(perSlot, fits)); more++) {
            if (panelFill(more * tiles) > panelFill(best * tiles) + 1e-9) {
                best = more;
            }
        }
        return best;
    }

    /** Share of the Vector API GEMM's column panels that {@code cols} columns use. */
    private static double panelFill(int cols) {
        return (double) cols / VectorGemm.paddedColumns(cols);
    }

    @Override
    public void forward(float[] x, int batch, float[] w, int wOff, float[] b, int bOff, float[] y, Activation act,
                        StepContext ctx) {
        KernelExecutor ex = ctx.executor();
        Gemm gemm = ctx.gemm();
        int gs = groupSize(batch, ex.parallelism());
        ensureWorkspaces(ex.parallelism(), gs);
        transformKernel(w, wOff, ex);
        packKernel(gemm, false, uPacked, ex);
        int xSize = channels * g.inPlane();
        int ySize = filters * g.outPlane();
        int groups = (batch + gs - 1) / gs;
        ex.parallelFor(groups, 1, (slot, from, to) -> {
            float[] vs = v[slot];
            float[] ms = m[slot];
            float[] tile = scratch[slot];
            for (int grp = from; grp < to; grp++) {
                int n0 = grp * gs;
                int size = Math.min(gs, batch - n0);
                int cols = size * tiles;
                int vStride = planeStride(channels, cols);
                int mStride = planeStride(filters, cols);
                transformInputs(x, n0, size, xSize, vs, cols, vStride, tile);
                // M[ξ][F, T] = U[ξ][F, C] x V[ξ][C, T]
                for (int xi = 0; xi < XI; xi++) {
                    gemm.sgemm(uPacked[xi], false, cols, vs, xi * vStride, cols, 0f, ms, xi * mStride, cols);
                }
                for (int j = 0; j < size; j++) {
                    for (int f = 0; f < filters; f++) {
                        float bias = b == null ? 0f : b[bOff + f];
                        int yOff = (n0 + j) * ySize + f * g.outPlane();
                        if (planes != null) {
                            planes.output(ms, f * cols + j * tiles, mStride, y, yOff, bias, tile);
                        } else {
                            outputTiles(ms, f * cols + j * tiles, mStride, y, yOff, bias, tile);
                        }
                        if (act != null) {
                            act.apply(y, yOff, yOff + g.outPlane()); // the plane just written, still in L1
                        }
                    }
                }
            }
        });
    }

    @Override
    public void backward(float[] x, int batch, float[] dy, float[] y, Activation act, float[] w, int wOff,
                         float[] dw, int dwOff, float[] db, int dbOff, float[] dx, StepContext ctx) {
        KernelExecutor ex = ctx.executor();
        Gemm gemm = ctx.gemm();
        int slots = ex.parallelism();
        int gs = groupSize(batch, slots);
        ensureWorkspaces(slots, gs);
        transformKernel(w, wOff, ex);
        if (dx != null) {
            packKernel(gemm, true, utPacked, ex);
        }
        duPartial.reset(slots, u.length);
        dbPartial.reset(slots, filters);
        int xSize = channels * g.inPlane();
        int p = g.outPlane();
        int ySize = filters * p;
        int groups = (batch + gs - 1) / gs;
        ex.parallelFor(groups, 1, (slot, from, to) -> {
            float[] vs = v[slot];
            float[] ms = m[slot];
            float[] tile = scratch[slot];
            float[] duS = duPartial.of(slot);
            float[] dbS = dbPartial.of(slot);
            Arrays.fill(dbS, 0f);
            for (int grp = from; grp < to; grp++) {
                int n0 = grp * gs;
                int size = Math.min(gs, batch - n0);
                int cols = size * tiles;
                int vStride = planeStride(channels, cols);
                int mStride = planeStride(filters, cols);
                if (act != null) {
                    // dz = dy * act'(z) for the group's samples, in place, right before they are read
                    act.derive(y, dy, n0 * ySize, (n0 + size) * ySize);
                }
                if (db != null) {
                    // db_slot[f] += sum_n sum_p dy_n[f, p]
                    dbPartial.addPlaneSums(slot, dy, n0, size, filters, p);
                }
                transformInputs(x, n0, size, xSize, vs, cols, vStride, tile);
                for (int j = 0; j < size; j++) {
                    for (int f = 0; f < filters; f++) {
                        if (planes != null) {
                            planes.outputGradient(dy, (n0 + j) * ySize + f * p, ms, f * cols + j * tiles, mStride, tile);
                        } else {
                            outputGradientTiles(dy, (n0 + j) * ySize + f * p, ms, f * cols + j * tiles, mStride);
                        }
                    }
                }
                float beta = grp == from ? 0f : 1f;
                for (int xi = 0; xi < XI; xi++) {
                    // dU[ξ][F, C] (+)= dM[ξ][F, T] x V[ξ][C, T]ᵀ   (reduces over the group's tiles)
                    gemm.sgemm(false, true, filters, channels, cols, 1f, ms, xi * mStride, cols,
                            vs, xi * vStride, cols, beta, duS, xi * filters * channels, channels);
                }
                if (dx == null) {
                    continue;
                }
                for (int xi = 0; xi < XI; xi++) {
                    // dV[ξ][C, T] = U[ξ][F, C]ᵀ x dM[ξ][F, T]   (reduces over filters), over V
                    gemm.sgemm(utPacked[xi], false, cols, ms, xi * mStride, cols, 0f, vs, xi * vStride, cols);
                }
                if (planes == null) {
                    Arrays.fill(dx, n0 * xSize, (n0 + size) * xSize, 0f);
                }
                for (int j = 0; j < size; j++) {
                    for (int c = 0; c < channels; c++) {
                        int dxOff = (n0 + j) * xSize + c * g.inPlane();
                        if (planes != null) {
                            planes.inputGradient(vs, c * cols + j * tiles, vStride, dx, dxOff, tile);
                        } else {
                            inputGradientTiles(vs, c * cols + j * tiles, vStride, dx, dxOff, tile);
                        }
                    }
                }
            }
            duPartial.markUsed(slot);
            dbPartial.markUsed(slot);
        });
        duPartial.reduceInto(du, 0, ex);
        // dW[f, c] = Gᵀ dU[., f, c] G
        int fc = filters * channels;
        ex.parallelFor(fc, 256, (s, from, to) -> {
            for (int i = from; i < to; i++) {
                WinogradTransforms.kernelGradient(du, i, fc, dw, dwOff + 9 * i);
            }
        });
        if (db != null) {
            dbPartial.reduceInto(db, dbOff, ex);
        }
    }

    /** U[ξ][f, c] = (G W[f, c] Gᵀ)[ξ] for every filter and channel. */
    private void transformKernel(float[] w, int wOff, KernelExecutor ex) {
        int fc = filters * channels;
        ex.parallelFor(fc, 256, (s, from, to) -> {
            for (int i = from; i < to; i++) {
                WinogradTransforms.kernel(w, wOff + 9 * i, u, i, fc);
            }
        });
    }

    /**
     * Prepares U[ξ] [F, C] (or its transpose) for the products of every group: the Vector API GEMM
     * packs each once per pass instead of once per group (a third of the layer's time went to that
     * repacking with groups of 2 samples).
     */
    private void packKernel(Gemm gemm, boolean transposed, PackedA[] into, KernelExecutor ex) {
        int fc = filters * channels;
        ex.parallelFor(XI, 1, (s, from, to) -> {
            for (int xi = from; xi < to; xi++) {
                into[xi] = transposed
                        ? gemm.pack(true, channels, filters, u, xi * fc, channels, into[xi])
                        : gemm.pack(false, filters, channels, u, xi * fc, channels, into[xi]);
            }
        });
    }

    /** V[ξ][c][j*T + t] for samples n0 .. n0+size-1 (j = n - n0) and every channel c. */
    private void transformInputs(float[] x, int n0, int size, int xSize, float[] vs, int cols, int vStride,
                                 float[] tile) {
        for (int j = 0; j < size; j++) {
            for (int c = 0; c < channels; c++) {
                int xOff = (n0 + j) * xSize + c * g.inPlane();
                if (planes != null) {
                    planes.input(x, xOff, vs, c * cols + j * tiles, vStride, tile);
                } else {
                    inputTiles(x, xOff, vs, c * cols + j * tiles, vStride, tile);
                }
            }
        }
    }

    /** The transformed 4x4 input tiles of one plane, tile t at {@code v[vOff + t]}, ξ planes {@code vStride} apart. */
    private void inputTiles(float[] x, int planeOff, float[] v, int vOff, int vStride, float[] tile) {
        int h = g.inH();
        int w = g.inW();
        for (int ty = 0; ty < tileRows; ty++) {
            int ih0 = 2 * ty - g.padTop();
            boolean rowsInside = ih0 >= 0 && ih0 + 3 < h;
            for (int tx = 0; tx < tileCols; tx++) {
                int iw0 = 2 * tx - g.padLeft();
                if (rowsInside && iw0 >= 0 && iw0 + 3 < w) {
                    int base = planeOff + ih0 * w + iw0;
                    for (int i = 0; i < 4; i++) {
                        System.arraycopy(x, base + i * w, tile, 4 * i, 4);
                    }
                } else {
                    // an edge tile: positions outside the plane are padding zeros
                    for (int i = 0; i < 4; i++) {
                        int ih = ih0 + i;
                        for (int jj = 0; jj < 4; jj++) {
                            int iw = iw0 + jj;
                            tile[4 * i + jj] = ih >= 0 && ih < h && iw >= 0 && iw < w ? x[planeOff + ih * w + iw] : 0f;
                        }
                    }
                }
                WinogradTransforms.input(tile, 0, v, vOff + ty * tileCols + tx, vStride);
            }
        }
    }

    /** y = Aᵀ M A + bias for one output plane; outputs past the plane's edge are dropped. */
    private void outputTiles(float[] m, int mOff, int mStride, float[] y, int yOff, float bias, float[] out) {
        int oh = g.outH();
        int ow = g.outW();
        for (int ty = 0; ty < tileRows; ty++) {
            int r = 2 * ty;
            boolean secondRow = r + 1 < oh;
            for (int tx = 0; tx < tileCols; tx++) {
                int col = 2 * tx;
                WinogradTransforms.output(m, mOff + ty * tileCols + tx, mStride, out);
                int o = yOff + r * ow + col;
                y[o] = out[0] + bias;
                boolean secondCol = col + 1 < ow;
                if (secondCol) {
                    y[o + 1] = out[1] + bias;
                }
                if (secondRow) {
                    y[o + ow] = out[2] + bias;
                    if (secondCol) {
                        y[o + ow + 1] = out[3] + bias;
                    }
                }
            }
        }
    }

    /** dM = A dy Aᵀ for every tile of one output-gradient plane (zero past the plane's edge). */
    private void outputGradientTiles(float[] dy, int dyOff, float[] m, int mOff, int mStride) {
        int oh = g.outH();
        int ow = g.outW();
        for (int ty = 0; ty < tileRows; ty++) {
            int r = 2 * ty;
            boolean secondRow = r + 1 < oh;
            for (int tx = 0; tx < tileCols; tx++) {
                int col = 2 * tx;
                boolean secondCol = col + 1 < ow;
                int o = dyOff + r * ow + col;
                float d00 = dy[o];
                float d01 = secondCol ? dy[o + 1] : 0f;
                float d10 = secondRow ? dy[o + ow] : 0f;
                float d11 = secondRow && secondCol ? dy[o + ow + 1] : 0f;
                WinogradTransforms.outputGradient(d00, d01, d10, d11, m, mOff + ty * tileCols + tx, mStride);
            }
        }
    }

    /** dx += B dV Bᵀ for every tile of one input plane; positions outside the plane (padding) are dropped. */
    private void inputGradientTiles(float[] v, int vOff, int vStride, float[] dx, int planeOff, float[] tile) {
        int h = g.inH();
        int w = g.inW();
        for (int ty = 0; ty < tileRows; ty++) {
            int ih0 = 2 * ty - g.padTop();
            boolean rowsInside = ih0 >= 0 && ih0 + 3 < h;
            for (int tx = 0; tx < tileCols; tx++) {
                int iw0 = 2 * tx - g.padLeft();
                WinogradTransforms.inputGradient(v, vOff + ty * tileCols + tx, vStride, tile, 0);
                if (rowsInside && iw0 >= 0 && iw0 + 3 < w) {
                    int base = planeOff + ih0 * w + iw0;
                    for (int i = 0; i < 4; i++) {
                        int o = base + i * w;
                        dx[o] += tile[4 * i];
                        dx[o + 1] += tile[4 * i + 1];
                        dx[o + 2] += tile[4 * i + 2];
                        dx[o + 3] += tile[4 * i + 3];
                    }
                } else {
                    for (int i = 0; i < 4; i++) {
                        int ih = ih0 + i;
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        for (int jj = 0; jj < 4; jj++) {
                            int iw = iw0 + jj;
                            if (iw >= 0 && iw < w) {
                                dx[planeOff + ih * w + iw] += tile[4 * i + jj];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Floats between two ξ planes of {@code rows x cols}: rounded up to 1024 floats (4 KiB) plus 64, so
     * the 16 planes of one tile start 256 bytes apart in the cache's set index instead of on one set
     * (16 streams a power of two apart thrash an 8-way L1).
     */
    static int planeStride(int rows, int cols) {
        return (rows * cols + 1023) / 1024 * 1024 + 64;
    }

    private void ensureWorkspaces(int slots, int gs) {
        int vSize = XI * planeStride(channels, tiles * gs);
        int mSize = XI * planeStride(filters, tiles * gs);
        if (v == null || v.length != slots || v[0].length < vSize || m[0].length < mSize) {
            v = new float[slots][vSize];
            m = new float[slots][mSize];
            scratch = new float[slots][planes == null ? XI : planes.workspaceSize()];
        }
    }
}
