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
 * A 3x3, stride-1, undilated convolution by Winograd's minimal filtering F(m x m, 3x3): the output
 * plane is cut into m x m tiles, each computed from an (m + 2) x (m + 2) input tile with (m + 2)²
 * multiplies per (filter, channel) pair instead of 9m². F(2x2, 3x3) ({@link WinogradTransforms})
 * does 2.25 times less GEMM work than im2col, F(4x4, 3x3) ({@link Winograd4Transforms}) 4 times
 * less, with transformed tiles of 2.25 floats per output instead of 4. F(4x4) is taken where a plane
 * has at least a vector's lanes of 4x4 tiles (its transforms are vectorized over tiles,
 * {@link Winograd4Planes}), else F(2x2) ({@link WinogradPlanes}, or tile by tile); see
 * {@link #outputTile(ConvGeometry)}. For a group of samples with {@code T} tiles in all, and
 * ξ = 0 .. (m + 2)² - 1 the position in a transformed tile:
 * <pre>
 *   U[ξ]  [F, C]   = (G g_fc Gᵀ)[ξ]              the kernel, transformed once per pass
 *   V[ξ]  [C, T]   = (Bᵀ d_ct B)[ξ]              every input tile of every channel
 *   M[ξ]  [F, T]   = U[ξ] x V[ξ]                 one GEMM per ξ, each reducing over the channels C
 *   y_ft           = Aᵀ M_ft A + b_f             m x m outputs per tile (clipped at the plane's edge)
 * </pre>
 * Backward, for the output gradient dy (zero outside the plane):
 * <pre>
 *   dM[ξ] [F, T]   = (A dy_ft Aᵀ)[ξ]
 *   dU[ξ] [F, C]   = sum over groups of dM[ξ] x V[ξ]ᵀ      (reduces over tiles T)
 *   dW_fc          = Gᵀ dU_fc G
 *   dV[ξ] [C, T]   = U[ξ]ᵀ x dM[ξ]                         (reduces over filters F)
 *   dx             = sum over tiles of B dV_ct Bᵀ          (input tiles overlap by two rows and columns)
 * </pre>
 * Input tiles outside the padded plane read zeros, and their gradients are dropped, so any padding
 * works. Groups of whole samples run in parallel, each slot with its own workspaces; the kernel
 * gradient is summed per slot and reduced in slot order.
 */
public final class WinogradConvolution implements Convolution {
    /** Tiles a group's GEMMs aim at, if set: {@code -Dconvspark.winograd.tiles=N}; else see {@link #GROUP_FLOATS}. */
    static final int TARGET_TILES = Integer.getInteger("convspark.winograd.tiles", 0);
    /**
     * Floats a group's transformed tiles (V and M, (m + 2)² (C + F) per tile) aim at: 128 Ki (512 KiB), so a
     * group's tiles stay in a 1 MiB L2 while its 16 or 36 GEMMs read V and write M.
     */
    static final int GROUP_FLOATS = Integer.getInteger("convspark.winograd.groupFloats", 128 * 1024);
    /** Most floats in one slot's transformed tiles (V and M), 32 MiB, unless one sample alone needs more. */
    private static final long MAX_SLOT_FLOATS = 8L << 20;
    /** (filter, channel) pairs whose kernels are transformed together. */
    private static final int KERNEL_BLOCK = 64;
    /** {@code -Dconvspark.winograd.tile=auto|2}: F(4x4, 3x3) where planes are large enough (auto), or F(2x2, 3x3) always. */
    static final String TILE_PROPERTY = "convspark.winograd.tile";

    private final ConvGeometry g;
    private final int channels;
    private final int filters;
    private final int tileRows;
    private final int tileCols;
    private final int tiles;
    private final WinogradTiling tiling;  // the scheme's transforms over whole planes
    private final WinogradScheme scheme;
    private final int xi;                 // positions in a transformed tile: 16 or 36
    private final float[] u;              // [ξ][F][C] transformed kernel
    private final float[] du;             // [ξ][F][C] transformed kernel gradient, reduced over slots
    private final PackedA[] uPacked;      // U[ξ] prepared for the forward's products
    private final PackedA[] utPacked;     // U[ξ]ᵀ prepared for the input gradient's
    private final SlotPartials duPartial = new SlotPartials();
    private final SlotPartials dbPartial = new SlotPartials();
    private float[][] v;                  // per slot: [ξ][C][T] transformed input tiles, then dV
    private float[][] m;                  // per slot: [ξ][F][T] products, then dM
    private float[][] scratch;            // per slot: the tiling's workspace
    private float[][] kernelScratch;      // per slot: a block of transformed kernels, [ξ][KERNEL_BLOCK]

    /** The convolution by the scheme {@link #outputTile(ConvGeometry)} picks for {@code geometry}. */
    public WinogradConvolution(ConvGeometry geometry, int channels, int filters) {
        this(geometry, channels, filters, supports(geometry) ? outputTile(geometry) : 2);
    }

    /** The convolution by F(2x2, 3x3) ({@code outputTile} 2) or F(4x4, 3x3) (4, planes of at least a vector of tiles). */
    WinogradConvolution(ConvGeometry geometry, int channels, int filters, int outputTile) {
        if (!supports(geometry)) {
            throw new IllegalArgumentException("Winograd F(m x m, 3x3) needs a 3x3 window with stride 1 and dilation 1, got "
                    + geometry);
        }
        if (outputTile != 2 && outputTile != 4) {
            throw new IllegalArgumentException("Winograd output tiles are 2 or 4 wide, got " + outputTile);
        }
        this.g = geometry;
        this.channels = channels;
        this.filters = filters;
        this.tileRows = (geometry.outH() + outputTile - 1) / outputTile;
        this.tileCols = (geometry.outW() + outputTile - 1) / outputTile;
        this.tiles = tileRows * tileCols;
        if (!fits(geometry, channels, filters)) {
            throw new IllegalArgumentException("convolution too large for Winograd workspaces (one sample's "
                    + "transformed tiles must fit an array): " + channels + " -> " + filters + " channels on " + geometry);
        }
        this.tiling = outputTile == 4 ? new Winograd4Planes(geometry)
                : TileVectors.suits(tiles) ? new WinogradPlanes(geometry) : new WinogradTileByTile(geometry);
        this.scheme = tiling.scheme();
        this.xi = scheme.positions;
        this.u = new float[xi * filters * channels];
        this.du = new float[xi * filters * channels];
        this.uPacked = new PackedA[xi];
        this.utPacked = new PackedA[xi];
    }

    /**
     * The output tile width for {@code g}: 4 where a plane has at least a vector's lanes of 4x4 tiles
     * (cifar's 32x32 and 16x16 planes with 16 lanes), else 2; always 2 with
     * {@code -Dconvspark.winograd.tile=2}. F(4x4, 3x3) does 1.78 times less GEMM work than F(2x2, 3x3).
     */
    public static int outputTile(ConvGeometry g) {
        String setting = System.getProperty(TILE_PROPERTY, "auto").trim();
        if (setting.equals("2")) {
            return 2;
        }
        if (!setting.equalsIgnoreCase("auto")) {
            throw new IllegalArgumentException(TILE_PROPERTY + ": expected auto or 2, got '" + setting + "'");
        }
        return TileVectors.suits(Winograd4Planes.tiles(g)) ? 4 : 2;
    }

    /**
     * True if the transformed kernel and one sample's transformed tiles (16 floats per tile and
     * channel or filter) fit Java arrays; larger convolutions must use im2col + GEMM.
     */
    public static boolean fits(ConvGeometry g, int channels, int filters) {
        // F(2x2, 3x3) bounds both schemes: 4 floats per output against F(4x4)'s 2.25, and 36 per kernel
        int xi = Winograd4Transforms.TILE;
        long tiles = (long) ((g.outH() + 1) / 2) * ((g.outW() + 1) / 2);
        long limit = Integer.MAX_VALUE - 8;
        return (long) xi * filters * channels <= limit
                && WinogradTransforms.TILE * (Math.max(channels, filters) * tiles + 1024 + 64) <= limit;
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
        return scheme.algorithm();
    }

    /**
     * Most samples per group: each slot cuts its share of the batch into groups of about
     * {@link #GROUP_FLOATS} floats of transformed tiles each (or {@link #TARGET_TILES} tiles), within
     * the workspace bound.
     */
    int groupSize(int batch, int slots) {
        long perSample = (long) xi * (channels + filters) * tiles;
        int fits = (int) Math.max(1, MAX_SLOT_FLOATS / perSample);
        int perSlot = (batch + slots - 1) / slots;
        int target = TARGET_TILES > 0 ? TARGET_TILES : Math.max(1, GROUP_FLOATS / (xi * (channels + filters)));
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

    /**
     * First sample of group {@code grp} of a slot's samples {@code [from, to)} cut into {@code groups}
     * groups of sizes that differ by at most one. Each slot gets an equal share of the batch (a
     * whole-group split gave 9 and 8 groups of 3 samples to 2 slots, idling one 6% of the loop).
     */
    private static int groupStart(int from, int to, int groups, int grp) {
        return from + (int) ((long) (to - from) * grp / groups);
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
        ex.parallelFor(batch, 1, (slot, from, to) -> {
            float[] vs = v[slot];
            float[] ms = m[slot];
            float[] tile = scratch[slot];
            int groups = (to - from + gs - 1) / gs;
            for (int grp = 0; grp < groups; grp++) {
                int n0 = groupStart(from, to, groups, grp);
                int size = groupStart(from, to, groups, grp + 1) - n0;
                int cols = size * tiles;
                int vStride = planeStride(channels, cols);
                int mStride = planeStride(filters, cols);
                transformInputs(x, n0, size, xSize, vs, cols, vStride, tile);
                // M[ξ][F, T] = U[ξ][F, C] x V[ξ][C, T]
                for (int p = 0; p < xi; p++) {
                    gemm.sgemm(uPacked[p], false, cols, vs, p * vStride, cols, 0f, ms, p * mStride, cols);
                }
                for (int j = 0; j < size; j++) {
                    for (int f = 0; f < filters; f++) {
                        float bias = b == null ? 0f : b[bOff + f];
                        int yOff = (n0 + j) * ySize + f * g.outPlane();
                        tiling.output(ms, f * cols + j * tiles, mStride, y, yOff, bias, tile);
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
        ex.parallelFor(batch, 1, (slot, from, to) -> {
            float[] vs = v[slot];
            float[] ms = m[slot];
            float[] tile = scratch[slot];
            float[] duS = duPartial.of(slot);
            float[] dbS = dbPartial.of(slot);
            Arrays.fill(dbS, 0f);
            int groups = (to - from + gs - 1) / gs;
            for (int grp = 0; grp < groups; grp++) {
                int n0 = groupStart(from, to, groups, grp);
                int size = groupStart(from, to, groups, grp + 1) - n0;
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
                        tiling.outputGradient(dy, (n0 + j) * ySize + f * p, ms, f * cols + j * tiles, mStride, tile);
                    }
                }
                float beta = grp == 0 ? 0f : 1f;
                for (int q = 0; q < xi; q++) {
                    // dU[ξ][F, C] (+)= dM[ξ][F, T] x V[ξ][C, T]ᵀ   (reduces over the group's tiles)
                    gemm.sgemm(false, true, filters, channels, cols, 1f, ms, q * mStride, cols,
                            vs, q * vStride, cols, beta, duS, q * filters * channels, channels);
                }
                if (dx == null) {
                    continue;
                }
                for (int q = 0; q < xi; q++) {
                    // dV[ξ][C, T] = U[ξ][F, C]ᵀ x dM[ξ][F, T]   (reduces over filters), over V
                    gemm.sgemm(utPacked[q], false, cols, ms, q * mStride, cols, 0f, vs, q * vStride, cols);
                }
                for (int j = 0; j < size; j++) {
                    for (int c = 0; c < channels; c++) {
                        int dxOff = (n0 + j) * xSize + c * g.inPlane();
                        tiling.inputGradient(vs, c * cols + j * tiles, vStride, dx, dxOff, tile);
                    }
                }
            }
            duPartial.markUsed(slot);
            dbPartial.markUsed(slot);
        });
        duPartial.reduceInto(du, 0, ex);
        // dW[f, c] = Gᵀ dU[., f, c] G, a block of (f, c) pairs at a time (see transformKernel)
        int fc = filters * channels;
        ex.parallelFor((fc + KERNEL_BLOCK - 1) / KERNEL_BLOCK, 1, (slot, from, to) -> {
            float[] t = kernelScratch[slot];
            for (int blk = from; blk < to; blk++) {
                int i0 = blk * KERNEL_BLOCK;
                int n = Math.min(KERNEL_BLOCK, fc - i0);
                for (int q = 0; q < xi; q++) {
                    System.arraycopy(du, q * fc + i0, t, q * KERNEL_BLOCK, n);
                }
                for (int j = 0; j < n; j++) {
                    scheme.kernelGradient(t, j, KERNEL_BLOCK, dw, dwOff + 9 * (i0 + j));
                }
            }
        });
        if (db != null) {
            dbPartial.reduceInto(db, dbOff, ex);
        }
    }

    /** U[ξ][f, c] = (G W[f, c] Gᵀ)[ξ] for every filter and channel. */
    private void transformKernel(float[] w, int wOff, KernelExecutor ex) {
        // A block of pairs at a time into a small scratch, then copied out plane by plane: transforming
        // straight into U wrote 16 or 36 places F * C floats apart, which share one set of the L1 cache
        // when F * C is a multiple of 1024 (64 -> 64 channels: a quarter of a 16x16 layer's time).
        int fc = filters * channels;
        ex.parallelFor((fc + KERNEL_BLOCK - 1) / KERNEL_BLOCK, 1, (slot, from, to) -> {
            float[] t = kernelScratch[slot];
            for (int blk = from; blk < to; blk++) {
                int i0 = blk * KERNEL_BLOCK;
                int n = Math.min(KERNEL_BLOCK, fc - i0);
                for (int j = 0; j < n; j++) {
                    scheme.kernel(w, wOff + 9 * (i0 + j), t, j, KERNEL_BLOCK);
                }
                for (int q = 0; q < xi; q++) {
                    System.arraycopy(t, q * KERNEL_BLOCK, u, q * fc + i0, n);
                }
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
        ex.parallelFor(xi, 1, (s, from, to) -> {
            for (int p = from; p < to; p++) {
                into[p] = transposed
                        ? gemm.pack(true, channels, filters, u, p * fc, channels, into[p])
                        : gemm.pack(false, filters, channels, u, p * fc, channels, into[p]);
            }
        });
    }

    /** V[ξ][c][j*T + t] for samples n0 .. n0+size-1 (j = n - n0) and every channel c. */
    private void transformInputs(float[] x, int n0, int size, int xSize, float[] vs, int cols, int vStride,
                                 float[] tile) {
        for (int j = 0; j < size; j++) {
            for (int c = 0; c < channels; c++) {
                int xOff = (n0 + j) * xSize + c * g.inPlane();
                tiling.input(x, xOff, vs, c * cols + j * tiles, vStride, tile);
            }
        }
    }

    /**
     * Floats between two ξ planes of {@code rows x cols}: rounded up to 1024 floats (4 KiB) plus 64, so
     * the 16 or 36 planes of one tile start 256 bytes apart in the cache's set index instead of on one set
     * (that many streams a power of two apart thrash an 8- or 12-way L1).
     */
    static int planeStride(int rows, int cols) {
        return (rows * cols + 1023) / 1024 * 1024 + 64;
    }

    private void ensureWorkspaces(int slots, int gs) {
        int vSize = xi * planeStride(channels, tiles * gs);
        int mSize = xi * planeStride(filters, tiles * gs);
        if (v == null || v.length != slots || v[0].length < vSize || m[0].length < mSize) {
            v = new float[slots][vSize];
            m = new float[slots][mSize];
            scratch = new float[slots][tiling.workspaceSize()];
            kernelScratch = new float[slots][xi * KERNEL_BLOCK];
        }
    }
}
