package io.convspark.kernels.layers.conv;

import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.layers.Activation;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.StepContext;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A direct convolution for layers with a vector's worth of filters or a little less (lenet5's
 * second layer: 16 filters of 6x5x5 over 14x14), where im2col + GEMM is a product of only {@code F}
 * rows that spends its time writing and packing the column matrix, not multiplying. With
 * {@code K = C*kh*kw}, {@code P = outH*outW}, the input plane padded once per sample ({@code xp}),
 * {@code off[q]} the offset of window element {@code q = (c, i, j)} in {@code xp} and {@code base[p]}
 * the offset of output position {@code p}'s window:
 * <pre>
 *   forward   z[p, :]  = b + sum over q of xp[base[p] + off[q]] * Wt[q, :]    lanes: the F filters
 *   weights   dWt[q, :] += sum over p of xp[base[p] + off[q]] * dzT[p, :]     lanes: the F filters
 *   input     dxp[c, j] = sum over (f, i, j') of dzp[f, j + shift(i, j')] * W[f, c, i, j']   lanes: positions j
 * </pre>
 * The forward keeps {@value #PIXELS} positions' filter vectors in registers: each loaded row of
 * {@code Wt} feeds {@value #PIXELS} FMAs, each input element is one broadcast; the weight gradient
 * keeps {@value #PIXELS} window elements' rows in registers over a sample's positions, reading the
 * output gradient transposed ({@code dzT [P, F]}). The input gradient is the convolution of the
 * output gradient, zero-padded by the window ({@code dzp}), with the flipped kernel: its positions
 * run along rows {@code wq} wide (the padded input's width plus the window's), so every term is a
 * contiguous vector load; {@value PositionLanes#VECTORS} vectors x {@value PositionLanes#OUTPUTS} channels are accumulated in
 * registers, and the positions past the input's width are dropped when the result is copied out.
 * Stride 1 only (the input gradient's formulation); any padding and dilation.
 */
public final class FilterLanesConvolution implements Convolution {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Output positions (forward) or window elements (weight gradient) held in registers. */
    static final int PIXELS = 8;
    private static final int VECTORS = PositionLanes.VECTORS;
    private static final int CHANNELS = PositionLanes.OUTPUTS;

    private final ConvGeometry g;
    private final int channels;
    private final int filters;
    private final int k;
    private final int p;
    private final PaddedInput input;
    /** The padded input plane: hp x wp. */
    private final int hp;
    private final int wp;
    private final boolean padded;
    /** off[q], rounded up to a multiple of PIXELS with zeros (extra rows of dWt that are dropped). */
    private final int[] off;
    /** base[p], rounded up to a multiple of PIXELS with the last position (computed, not stored). */
    private final int[] base;
    /** Rows of dzp: wq wide, one padded plane of hq rows per filter. */
    private final int wq;
    private final int planeQ;
    /** shift[m] for m = (f, i, j): where dzp's term for the flipped kernel element starts. */
    private final int[] shift;
    /** Positions of dxp computed per channel: hp rows of wq, rounded up to VECTORS vectors. */
    private final int positions;
    private final int channelsPadded;
    private final float[] wt;
    private final float[] bias = new float[L];
    private final float[] wd;
    private final PerSlot<Slot> slots = new PerSlot<>(Slot::new);

    /** One slot's workspaces. */
    private final class Slot {
        final float[] xp = new float[padded ? channels * hp * wp : 0];
        /** Forward: z transposed, [P', L]; backward: dzT. Lanes past F stay zero. */
        final float[] t = new float[base.length * L];
        final float[] dwt = new float[off.length * L];
        final float[] db = new float[filters];
        final float[] dzp = new float[filters * planeQ + positions + wq];
        final float[] dxp = new float[channelsPadded * positions];
        boolean used;
    }

    public FilterLanesConvolution(ConvGeometry geometry, int channels, int filters) {
        if (!suits(geometry, filters)) {
            throw new IllegalArgumentException(geometry + ": the filter-lanes convolution takes stride 1 and 1 to "
                    + L + " filters; got stride " + geometry.strideH() + "x" + geometry.strideW() + " and "
                    + filters + " filters");
        }
        this.g = geometry;
        this.channels = channels;
        this.filters = filters;
        this.k = channels * geometry.kernelSize();
        this.p = geometry.outPlane();
        this.input = new PaddedInput(geometry, channels);
        this.hp = input.hp;
        this.wp = input.wp;
        this.padded = input.padded();
        this.off = input.offsets(PIXELS);
        this.base = new int[roundUp(p, PIXELS)];
        for (int q = 0; q < base.length; q++) {
            int at = Math.min(q, p - 1);
            base[q] = at / g.outW() * wp + at % g.outW();
        }
        int kh = g.kernelH();
        int kw = g.kernelW();
        int ekh = g.effectiveKernelH();
        int ekw = g.effectiveKernelW();
        this.wq = wp + ekw - 1;
        this.planeQ = (hp + ekh - 1) * wq;
        this.shift = new int[filters * kh * kw];
        for (int f = 0; f < filters; f++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    shift[(f * kh + i) * kw + j] = f * planeQ + (ekh - 1 - i * g.dilationH()) * wq
                            + ekw - 1 - j * g.dilationW();
                }
            }
        }
        this.positions = roundUp(hp * wq, VECTORS * L);
        this.channelsPadded = roundUp(channels, CHANNELS);
        this.wt = new float[off.length * L];
        this.wd = new float[shift.length * channelsPadded];
    }

    /** True for stride-1 windows and 1 to a vector's lanes of filters. */
    public static boolean suits(ConvGeometry g, int filters) {
        return g.strideH() == 1 && g.strideW() == 1 && filters >= 1 && filters <= L;
    }

    /** True where {@code auto} takes this kernel: stride 1, more than half a vector's lanes of filters and at most a vector's. */
    public static boolean preferred(ConvGeometry g, int filters) {
        return suits(g, filters) && 2 * filters > L;
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
        // Wt[q, f] = W[f, q]; bias lanes past F stay zero
        for (int f = 0; f < filters; f++) {
            for (int q = 0; q < k; q++) {
                wt[q * L + f] = w[wOff + f * k + q];
            }
            bias[f] = b == null ? 0f : b[bOff + f];
        }
        int ySize = filters * p;
        ex.parallelFor(batch, 1, (slot, from, to) -> {
            Slot s = all.get(slot);
            for (int n = from; n < to; n++) {
                float[] src = input(x, n, s);
                int srcOff = padded ? 0 : n * channels * hp * wp;
                for (int p0 = 0; p0 < base.length; p0 += PIXELS) {
                    forwardPositions(src, srcOff, off, k, wt, bias, base, p0, s.t);
                }
                // y[n, f, p] = z[p, f]
                int yOff = n * ySize;
                for (int f = 0; f < filters; f++) {
                    for (int q = 0; q < p; q++) {
                        y[yOff + f * p + q] = s.t[q * L + f];
                    }
                }
                if (act != null) {
                    act.apply(y, yOff, yOff + ySize);
                }
            }
        });
    }

    /** The sample's input as the kernels read it: x itself, or its zero-padded copy in the slot. */
    private float[] input(float[] x, int n, Slot s) {
        if (!padded) {
            return x;
        }
        input.copy(x, n, s.xp);
        return s.xp;
    }

    /**
     * {@code t[p0 + r, :] = bias + sum over q of x[xOff + base[p0 + r] + off[q]] * wt[q, :]} for the
     * {@value #PIXELS} positions from {@code p0}: the reduction over the window runs in registers.
     */
    private static void forwardPositions(float[] x, int xOff, int[] off, int k, float[] wt, float[] bias,
                                         int[] base, int p0, float[] t) {
        int i0 = xOff + base[p0];
        int i1 = xOff + base[p0 + 1];
        int i2 = xOff + base[p0 + 2];
        int i3 = xOff + base[p0 + 3];
        int i4 = xOff + base[p0 + 4];
        int i5 = xOff + base[p0 + 5];
        int i6 = xOff + base[p0 + 6];
        int i7 = xOff + base[p0 + 7];
        FloatVector a0 = FloatVector.fromArray(S, bias, 0);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        for (int q = 0; q < k; q++) {
            FloatVector w = FloatVector.fromArray(S, wt, q * L);
            int o = off[q];
            a0 = FloatVector.broadcast(S, x[i0 + o]).fma(w, a0);
            a1 = FloatVector.broadcast(S, x[i1 + o]).fma(w, a1);
            a2 = FloatVector.broadcast(S, x[i2 + o]).fma(w, a2);
            a3 = FloatVector.broadcast(S, x[i3 + o]).fma(w, a3);
            a4 = FloatVector.broadcast(S, x[i4 + o]).fma(w, a4);
            a5 = FloatVector.broadcast(S, x[i5 + o]).fma(w, a5);
            a6 = FloatVector.broadcast(S, x[i6 + o]).fma(w, a6);
            a7 = FloatVector.broadcast(S, x[i7 + o]).fma(w, a7);
        }
        int at = p0 * L;
        a0.intoArray(t, at);
        a1.intoArray(t, at + L);
        a2.intoArray(t, at + 2 * L);
        a3.intoArray(t, at + 3 * L);
        a4.intoArray(t, at + 4 * L);
        a5.intoArray(t, at + 5 * L);
        a6.intoArray(t, at + 6 * L);
        a7.intoArray(t, at + 7 * L);
    }

    @Override
    public void backward(float[] x, int batch, float[] dy, float[] y, Activation act, float[] w, int wOff,
                         float[] dw, int dwOff, float[] db, int dbOff, float[] dx, StepContext ctx) {
        KernelExecutor ex = ctx.executor();
        List<Slot> all = slots.of(ex.parallelism());
        for (Slot s : all) {
            Arrays.fill(s.dwt, 0f);
            Arrays.fill(s.db, 0f);
            s.used = false;
        }
        if (dx != null) {
            // wd[m, c] = W[f, c, i, j] for m = (f, i, j); channels past C stay zero
            int kk = g.kernelSize();
            for (int f = 0; f < filters; f++) {
                for (int c = 0; c < channels; c++) {
                    for (int e = 0; e < kk; e++) {
                        wd[(f * kk + e) * channelsPadded + c] = w[wOff + (f * channels + c) * kk + e];
                    }
                }
            }
        }
        int ySize = filters * p;
        ex.parallelFor(batch, 1, (slot, from, to) -> {
            Slot s = all.get(slot);
            s.used = from < to;
            for (int n = from; n < to; n++) {
                int z = n * ySize;
                if (act != null) {
                    act.derive(y, dy, z, z + ySize);
                }
                transposeGradient(dy, z, s);
                // the weight gradient reads x_n before dx_n (which may be the same array) is written
                float[] src = input(x, n, s);
                int srcOff = padded ? 0 : n * channels * hp * wp;
                for (int q0 = 0; q0 < off.length; q0 += PIXELS) {
                    weightRows(src, srcOff, off, q0, base, p, s.t, s.dwt);
                }
                if (dx != null) {
                    inputGradient(dy, z, s);
                    storeInputGradient(s, dx, n);
                }
            }
        });
        // dW[f, q] = sum over slots of dWt[q, f], in slot order
        for (int f = 0; f < filters; f++) {
            for (int q = 0; q < k; q++) {
                float sum = 0f;
                for (Slot s : all) {
                    if (s.used) {
                        sum += s.dwt[q * L + f];
                    }
                }
                dw[dwOff + f * k + q] = sum;
            }
            if (db != null) {
                float sum = 0f;
                for (Slot s : all) {
                    if (s.used) {
                        sum += s.db[f];
                    }
                }
                db[dbOff + f] = sum;
            }
        }
    }

    /** {@code dzT[p, f] = dz[f, p]}, and the bias gradient's partial sums. */
    private void transposeGradient(float[] dz, int z, Slot s) {
        for (int f = 0; f < filters; f++) {
            float sum = 0f;
            for (int q = 0; q < p; q++) {
                float v = dz[z + f * p + q];
                s.t[q * L + f] = v;
                sum += v;
            }
            s.db[f] += sum;
        }
    }

    /**
     * {@code dwt[q0 + r, :] += sum over positions of x[xOff + base[pos] + off[q0 + r]] * dzT[pos, :]}
     * for the {@value #PIXELS} window elements from {@code q0}: the reduction over positions runs in registers.
     */
    private static void weightRows(float[] x, int xOff, int[] off, int q0, int[] base, int p, float[] dzT,
                                   float[] dwt) {
        int o0 = xOff + off[q0];
        int o1 = xOff + off[q0 + 1];
        int o2 = xOff + off[q0 + 2];
        int o3 = xOff + off[q0 + 3];
        int o4 = xOff + off[q0 + 4];
        int o5 = xOff + off[q0 + 5];
        int o6 = xOff + off[q0 + 6];
        int o7 = xOff + off[q0 + 7];
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        for (int pos = 0; pos < p; pos++) {
            FloatVector d = FloatVector.fromArray(S, dzT, pos * L);
            int bp = base[pos];
            a0 = FloatVector.broadcast(S, x[bp + o0]).fma(d, a0);
            a1 = FloatVector.broadcast(S, x[bp + o1]).fma(d, a1);
            a2 = FloatVector.broadcast(S, x[bp + o2]).fma(d, a2);
            a3 = FloatVector.broadcast(S, x[bp + o3]).fma(d, a3);
            a4 = FloatVector.broadcast(S, x[bp + o4]).fma(d, a4);
            a5 = FloatVector.broadcast(S, x[bp + o5]).fma(d, a5);
            a6 = FloatVector.broadcast(S, x[bp + o6]).fma(d, a6);
            a7 = FloatVector.broadcast(S, x[bp + o7]).fma(d, a7);
        }
        int at = q0 * L;
        a0.add(FloatVector.fromArray(S, dwt, at)).intoArray(dwt, at);
        a1.add(FloatVector.fromArray(S, dwt, at + L)).intoArray(dwt, at + L);
        a2.add(FloatVector.fromArray(S, dwt, at + 2 * L)).intoArray(dwt, at + 2 * L);
        a3.add(FloatVector.fromArray(S, dwt, at + 3 * L)).intoArray(dwt, at + 3 * L);
        a4.add(FloatVector.fromArray(S, dwt, at + 4 * L)).intoArray(dwt, at + 4 * L);
        a5.add(FloatVector.fromArray(S, dwt, at + 5 * L)).intoArray(dwt, at + 5 * L);
        a6.add(FloatVector.fromArray(S, dwt, at + 6 * L)).intoArray(dwt, at + 6 * L);
        a7.add(FloatVector.fromArray(S, dwt, at + 7 * L)).intoArray(dwt, at + 7 * L);
    }

    /** dxp for one sample: dz laid into dzp's interior (its border stays zero), then the flipped-kernel convolution. */
    private void inputGradient(float[] dz, int z, Slot s) {
        int ekh = g.effectiveKernelH();
        int ekw = g.effectiveKernelW();
        int outW = g.outW();
        for (int f = 0; f < filters; f++) {
            for (int r = 0; r < g.outH(); r++) {
                System.arraycopy(dz, z + f * p + r * outW, s.dzp, f * planeQ + (r + ekh - 1) * wq + ekw - 1, outW);
            }
        }
        int terms = shift.length;
        for (int c0 = 0; c0 < channelsPadded; c0 += CHANNELS) {
            for (int j0 = 0; j0 < positions; j0 += VECTORS * L) {
                PositionLanes.sumTerms(s.dzp, shift, terms, wd, channelsPadded, c0, j0, s.dxp, c0 * positions, positions);
            }
        }
    }

    /** {@code dx[n, c, r, col] = dxp[c, (r + padTop) wq + col + padLeft]}: the padding's positions are dropped. */
    private void storeInputGradient(Slot s, float[] dx, int n) {
        int inH = g.inH();
        int inW = g.inW();
        for (int c = 0; c < channels; c++) {
            for (int r = 0; r < inH; r++) {
                System.arraycopy(s.dxp, c * positions + (r + g.padTop()) * wq + g.padLeft(), dx,
                        ((n * channels + c) * inH + r) * inW, inW);
            }
        }
    }
}
