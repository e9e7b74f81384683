package io.convspark.kernels.layers.conv;

import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.layers.Activation;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.StepContext;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;

/**
 * A direct stride-1 convolution with the filters in a vector's lanes, for layers where im2col + GEMM
 * spends more time writing, packing and scattering column matrices than multiplying: lenet5's second
 * layer (16 filters of 6x5x5 over 14x14: a product of only 16 rows) and mnist-suo's second (64 filters
 * of 32x5x5 over 14x14: a column matrix 25 times the input). With {@code K = C*kh*kw},
 * {@code P = outH*outW}, the input padded once per sample ({@code xp}, see {@link PaddedInput}),
 * {@code off[q]} the offset of window element {@code q = (c, i, j)} in {@code xp} and {@code base[p]}
 * the offset of output position {@code p}'s window:
 * <pre>
 *   forward   z[p, :]   = b + sum over q of xp[base[p] + off[q]] * Wt[q, :]          lanes: filters
 *   weights   dWt[q, :] += sum over p of xp[base[p] + off[q]] * dzT[p, :]           lanes: filters
 *   input     dx[j, :]  = sum over m = (f, i, j') of dzp[base'[j] + shift[m]] * Wd[m, :]   lanes: channels
 * </pre>
 * The rows of {@code Wt} and {@code dzT} are {@code F} rounded up to whole vectors; the kernels of
 * {@link FilterLanes} keep 8 positions (or window elements) x one or two vectors of filters in
 * registers, each input element one broadcast. The input gradient is the convolution of the output
 * gradient, zero-padded by the window ({@code dzp}, rows {@code wq} wide), with the flipped kernel:
 * the same forward kernel with the channels in the lanes, where there are more than half a vector of
 * them; for fewer channels (lenet5's 6) its positions run in the lanes instead
 * ({@link PositionLanes#sumTerms}, rows {@code wq} wide, the positions past the input's width dropped).
 * Stride 1 only (the input gradient's formulation); any padding and dilation.
 */
public final class FilterLanesConvolution implements Convolution {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();
    /** Most vectors of filters (and, for the input gradient, of channels) this kernel takes. */
    public static final int MAX_VECTORS = 4;
    private static final int POSITIONS = FilterLanes.POSITIONS;
    /** Fewest window elements a slot packs or reduces (smaller layers stay on one thread). */
    private static final int PACK_GRAIN = 256;

    private final ConvGeometry g;
    private final int channels;
    private final int filters;
    private final int k;
    private final int p;
    private final PaddedInput input;
    private final boolean padded;
    /** off[q], rounded up to a multiple of POSITIONS with zeros (extra rows of dWt that are dropped). */
    private final int[] off;
    /** base[p], rounded up to a multiple of POSITIONS with the last position (computed, not stored). */
    private final int[] base;
    /** Vectors of filters; ld = their lanes, the row width of Wt, z, dzT and dWt. */
    private final int vectors;
    private final int ld;
    private final float[] wt;
    private final float[] bias;

    /** Rows of dzp: wq wide, one padded plane of planeQ floats per filter. */
    private final int wq;
    private final int planeQ;
    /** shift[m] for m = (f, i, j): where dzp's term for the flipped kernel element starts. */
    private final int[] shift;
    /** The input gradient with the channels in the lanes: their vectors, lanes, base' of each input position. */
    private final boolean channelLanes;
    private final int cld;
    private final int[] inputBase;
    private final float[] noBias;
    /** Otherwise, with positions in the lanes: positions of dxp per channel, channels padded to PositionLanes.OUTPUTS. */
    private final int positions;
    private final int channelsPadded;
    /** Wd[m, c]: rows cld (channel lanes) or channelsPadded (position lanes) wide. */
    private final float[] wd;
    private final PerSlot<Slot> slots = new PerSlot<>(Slot::new);
    private final SlotPartials dbPartial = new SlotPartials();

    /** One slot's workspaces. */
    private final class Slot {
        final float[] xp = new float[padded ? input.size() : 0];
        /** Forward: z, [P', ld]; backward: dzT. Lanes past F stay zero. */
        final float[] t = new float[base.length * ld];
        final float[] dwt = new float[off.length * ld];
        final float[] dzp = new float[filters * planeQ + positions + wq];
        /** The input gradient: [inputBase', cld] (channel lanes) or [channelsPadded, positions]. */
        final float[] dxs = new float[channelLanes ? inputBase.length * cld : channelsPadded * positions];
        boolean used;
    }

    public FilterLanesConvolution(ConvGeometry geometry, int channels, int filters) {
        if (!suits(geometry, filters)) {
            throw new IllegalArgumentException(geometry + ": the filter-lanes convolution takes stride 1 and 1 to "
                    + MAX_VECTORS * L + " filters; got stride " + geometry.strideH() + "x" + geometry.strideW()
                    + " and " + filters + " filters");
        }
        this.g = geometry;
        this.channels = channels;
        this.filters = filters;
        this.k = channels * geometry.kernelSize();
        this.p = geometry.outPlane();
        this.input = new PaddedInput(geometry, channels);
        this.padded = input.padded();
        this.off = input.offsets(POSITIONS);
        int wp = input.wp;
        this.base = new int[roundUp(p, POSITIONS)];
        for (int q = 0; q < base.length; q++) {
            int at = Math.min(q, p - 1);
            base[q] = at / g.outW() * wp + at % g.outW();
        }
        this.vectors = (filters + L - 1) / L;
        this.ld = vectors * L;
        this.wt = new float[off.length * ld];
        this.bias = new float[ld];

        int kh = g.kernelH();
        int kw = g.kernelW();
        int ekh = g.effectiveKernelH();
        int ekw = g.effectiveKernelW();
        this.wq = wp + ekw - 1;
        this.planeQ = (input.hp + ekh - 1) * wq;
        this.shift = new int[filters * kh * kw];
        for (int f = 0; f < filters; f++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    shift[(f * kh + i) * kw + j] = f * planeQ + (ekh - 1 - i * g.dilationH()) * wq
                            + ekw - 1 - j * g.dilationW();
                }
            }
        }
        this.channelLanes = 2 * channels > L && channels <= MAX_VECTORS * L;
        this.cld = (channels + L - 1) / L * L;
        int inPlane = g.inPlane();
        this.inputBase = new int[channelLanes ? roundUp(inPlane, POSITIONS) : 0];
        for (int j = 0; j < inputBase.length; j++) {
            int at = Math.min(j, inPlane - 1);
            inputBase[j] = (at / g.inW() + g.padTop()) * wq + at % g.inW() + g.padLeft();
        }
        this.noBias = new float[cld];
        this.positions = channelLanes ? 0 : roundUp(input.hp * wq, PositionLanes.VECTORS * L);
        this.channelsPadded = roundUp(channels, PositionLanes.OUTPUTS);
        this.wd = new float[shift.length * (channelLanes ? cld : channelsPadded)];
    }

    /** True for stride-1 windows and 1 to {@value #MAX_VECTORS} vectors' lanes of filters. */
    public static boolean suits(ConvGeometry g, int filters) {
        return g.strideH() == 1 && g.strideW() == 1 && filters >= 1 && filters <= MAX_VECTORS * L;
    }

    /**
     * True where {@code auto} takes this kernel: stride 1, more than half a vector's lanes of filters
     * and at most a vector's (lenet5's second layer), or several whole vectors of filters over a
     * window of at least 5x5 (mnist-suo's second layer), where im2col's column matrix is largest.
     */
    public static boolean preferred(ConvGeometry g, int filters) {
        return suits(g, filters) && (2 * filters > L && filters <= L
                || filters % L == 0 && g.kernelSize() >= 25);
    }

    private static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }

    @Override
    public ConvGeometry geometry() {
        return g;
    }

    @Override
    public String algorithm() {
        return "direct-filter-lanes";
    }

    @Override
    public void forward(float[] x, int batch, float[] w, int wOff, float[] b, int bOff, float[] y, Activation act,
                        StepContext ctx) {
        KernelExecutor ex = ctx.executor();
        List<Slot> all = slots.of(ex.parallelism());
        // Wt[q, f] = W[f, q]; lanes past F stay zero
        ex.parallelFor(k, PACK_GRAIN, (slot, q0, q1) -> {
            for (int q = q0; q < q1; q++) {
                for (int f = 0; f < filters; f++) {
                    wt[q * ld + f] = w[wOff + f * k + q];
                }
            }
        });
        for (int f = 0; f < filters; f++) {
            bias[f] = b == null ? 0f : b[bOff + f];
        }
        int ySize = filters * p;
        ex.parallelFor(batch, 1, (slot, from, to) -> {
            Slot s = all.get(slot);
            for (int n = from; n < to; n++) {
                float[] src = input(x, n, s);
                int srcOff = padded ? 0 : n * input.size();
                sumWindows(src, srcOff, off, k, wt, vectors, ld, bias, base, s.t);
                // y[n, f, p] = z[p, f]
                transposeInto(s.t, ld, y, n * ySize, filters, p);
                if (act != null) {
                    act.apply(y, n * ySize, (n + 1) * ySize);
                }
            }
        });
    }

    /** {@code t[pos, :] = bias + sum over window elements of x * wt} for every position, vector pairs first. */
    private static void sumWindows(float[] x, int xOff, int[] off, int k, float[] wt, int vectors, int ld,
                                   float[] bias, int[] base, float[] t) {
        for (int p0 = 0; p0 < base.length; p0 += POSITIONS) {
            int v = 0;
            for (; v + 1 < vectors; v += 2) {
                FilterLanes.sumWindow2(x, xOff, off, k, wt, ld, v * L, bias, base, p0, t);
            }
            if (v < vectors) {
                FilterLanes.sumWindow(x, xOff, off, k, wt, ld, v * L, bias, base, p0, t);
            }
        }
    }

    /** {@code to[at + r * cols + c] = t[c * ld + r]} for {@code rows} lanes and {@code cols} rows of t. */
    private static void transposeInto(float[] t, int ld, float[] to, int at, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                to[at + r * cols + c] = t[c * ld + r];
            }
        }
    }

    /** The sample's input as the kernels read it: x itself, or its zero-padded copy in the slot. */
    private float[] input(float[] x, int n, Slot s) {
        if (!padded) {
            return x;
        }
        input.copy(x, n, s.xp);
        return s.xp;
    }

    @Override
    public void backward(float[] x, int batch, float[] dy, float[] y, Activation act, float[] w, int wOff,
                         float[] dw, int dwOff, float[] db, int dbOff, float[] dx, StepContext ctx) {
        KernelExecutor ex = ctx.executor();
        List<Slot> all = slots.of(ex.parallelism());
        for (Slot s : all) {
            Arrays.fill(s.dwt, 0f);
            s.used = false;
        }
        dbPartial.reset(all.size(), filters);
        if (dx != null) {
            // Wd[m, c] = W[f, c, i, j] for m = (f, i, j); channels past C stay zero
            int kk = g.kernelSize();
            int width = channelLanes ? cld : channelsPadded;
            ex.parallelFor(filters, 1, (slot, f0, f1) -> {
                for (int f = f0; f < f1; f++) {
                    for (int c = 0; c < channels; c++) {
                        for (int e = 0; e < kk; e++) {
                            wd[(f * kk + e) * width + c] = w[wOff + (f * channels + c) * kk + e];
                        }
                    }
                }
            });
        }
        int ySize = filters * p;
        ex.parallelFor(batch, 1, (slot, from, to) -> {
            Slot s = all.get(slot);
            s.used = from < to;
            float[] dbS = dbPartial.of(slot);
            Arrays.fill(dbS, 0f);
            dbPartial.markUsed(slot);
            for (int n = from; n < to; n++) {
                int z = n * ySize;
                if (act != null) {
                    act.derive(y, dy, z, z + ySize);
                }
                transposeGradient(dy, z, s, dbS);
                // the weight gradient reads x_n before dx_n (which may be the same array) is written
                float[] src = input(x, n, s);
                int srcOff = padded ? 0 : n * input.size();
                for (int q0 = 0; q0 < off.length; q0 += POSITIONS) {
                    int v = 0;
                    for (; v + 1 < vectors; v += 2) {
                        FilterLanes.addWindowRows2(src, srcOff, off, q0, base, p, s.t, ld, v * L, s.dwt);
                    }
                    if (v < vectors) {
                        FilterLanes.addWindowRows(src, srcOff, off, q0, base, p, s.t, ld, v * L, s.dwt);
                    }
                }
                if (dx != null) {
                    inputGradient(dy, z, s, dx, n);
                }
            }
        });
        // dW[f, q] = sum over slots of dWt[q, f], in slot order
        ex.parallelFor(k, PACK_GRAIN, (slot, q0, q1) -> {
            for (int q = q0; q < q1; q++) {
                for (int f = 0; f < filters; f++) {
                    float sum = 0f;
                    for (Slot s : all) {
                        if (s.used) {
                            sum += s.dwt[q * ld + f];
                        }
                    }
                    dw[dwOff + f * k + q] = sum;
                }
            }
        });
        if (db != null) {
            dbPartial.reduceInto(db, dbOff, ex);
        }
    }

    /** {@code dzT[p, f] = dz[f, p]}, and the bias gradient's partial sums ({@code dbS[f] += sum over p}). */
    private void transposeGradient(float[] dz, int z, Slot s, float[] dbS) {
        for (int f = 0; f < filters; f++) {
            float sum = 0f;
            for (int q = 0; q < p; q++) {
                float v = dz[z + f * p + q];
                s.t[q * ld + f] = v;
                sum += v;
            }
            dbS[f] += sum;
        }
    }

    /**
     * dx_n: dz laid into dzp's interior (its border stays zero), then the flipped kernel's convolution,
     * with the channels or the positions in the lanes; the padding's positions are not stored.
     */
    private void inputGradient(float[] dz, int z, Slot s, float[] dx, int n) {
        int ekh = g.effectiveKernelH();
        int ekw = g.effectiveKernelW();
        int outW = g.outW();
        for (int f = 0; f < filters; f++) {
            for (int r = 0; r < g.outH(); r++) {
                System.arraycopy(dz, z + f * p + r * outW, s.dzp, f * planeQ + (r + ekh - 1) * wq + ekw - 1, outW);
            }
        }
        int inH = g.inH();
        int inW = g.inW();
        if (channelLanes) {
            sumWindows(s.dzp, 0, shift, shift.length, wd, cld / L, cld, noBias, inputBase, s.dxs);
            transposeInto(s.dxs, cld, dx, n * channels * g.inPlane(), channels, g.inPlane());
            return;
        }
        for (int c0 = 0; c0 < channelsPadded; c0 += PositionLanes.OUTPUTS) {
            for (int j0 = 0; j0 < positions; j0 += PositionLanes.VECTORS * L) {
                PositionLanes.sumTerms(s.dzp, shift, shift.length, wd, channelsPadded, c0, j0, s.dxs,
                        c0 * positions, positions);
            }
        }
        // dx[n, c, r, col] = dxp[c, (r + padTop) wq + col + padLeft]
        for (int c = 0; c < channels; c++) {
            for (int r = 0; r < inH; r++) {
                System.arraycopy(s.dxs, c * positions + (r + g.padTop()) * wq + g.padLeft(), dx,
                        ((n * channels + c) * inH + r) * inW, inW);
            }
        }
    }
}
