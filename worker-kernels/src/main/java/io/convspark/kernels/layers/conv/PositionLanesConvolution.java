package io.convspark.kernels.layers.conv;

import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.layers.Activation;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.StepContext;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;

/**
 * A direct stride-1 convolution with output positions in a vector's lanes, for a model's first
 * layers (lenet5's: 6 filters of 5x5 over a 32x32 grey plane), where im2col writes and reads a column
 * matrix {@code kh*kw} times the input for a reduction of only {@code K = C*kh*kw} terms. Over the
 * input padded once per sample to rows {@code wp} wide ({@code xp}), position {@code j = r wp + col}
 * and window element {@code q = (c, i, j')} at {@code off[q] = c hp wp + i dh wp + j' dw}:
 * <pre>
 *   forward   z[f, j]   = b_f + sum over q of xp[j + off[q]] * W[f, q]        ({@link PositionLanes#sumTerms})
 *   weights   dW[f, q]  = sum over samples and j of dz[f, j] * xp[j + off[q]]   ({@link PositionLanes#gradientBlock})
 * </pre>
 * The positions past a row's {@code outW} valid columns are computed and dropped when the output is
 * copied out (with the bias, then the activation, while in L1); the output gradient is laid into
 * rows {@code wp} wide with zeros there. With an input gradient wanted (not a first layer), backward
 * is {@link GemmConvolution}'s.
 */
public final class PositionLanesConvolution implements Convolution {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();
    private static final int OUTPUTS = PositionLanes.OUTPUTS;
    private static final int TERMS = PositionLanes.TERMS;

    private final ConvGeometry g;
    private final int channels;
    private final int filters;
    private final int k;
    private final PaddedInput input;
    private final int wp;
    /** off[q], rounded up to TERMS with zeros (rows of the gradient that are dropped). */
    private final int[] off;
    /** Positions computed per filter: outH rows of wp, rounded up to PositionLanes.VECTORS vectors. */
    private final int positions;
    private final int filtersPadded;
    /** Wt[q, f], rows filtersPadded wide, zero past F. */
    private final float[] wt;
    private final GemmConvolution withInputGradient;
    private final SlotPartials dbPartial = new SlotPartials();
    private final PerSlot<Slot> slots = new PerSlot<>(Slot::new);

    private final class Slot {
        /** The padded input and zeros past it, for the last positions' reads. */
        final float[] xp = new float[input.size() + PositionLanes.VECTORS * L + wp];
        /** z for OUTPUTS filters, and room for the last row's whole vectors. */
        final float[] stage = new float[OUTPUTS * positions + L];
        /** dz in rows wp wide, zero past each row's outW columns and past F. */
        final float[] dz = new float[filtersPadded * positions];
        final float[] part = new float[filtersPadded * off.length * L];
        boolean used;
    }

    public PositionLanesConvolution(ConvGeometry geometry, int channels, int filters) {
        if (!suits(geometry)) {
            throw new IllegalArgumentException(geometry + ": the position-lanes convolution takes stride 1; got stride "
                    + geometry.strideH() + "x" + geometry.strideW());
        }
        this.g = geometry;
        this.channels = channels;
        this.filters = filters;
        this.k = channels * geometry.kernelSize();
        this.input = new PaddedInput(geometry, channels);
        this.wp = input.wp;
        this.off = input.offsets(TERMS);
        int block = PositionLanes.VECTORS * L;
        this.positions = (g.outH() * wp + block - 1) / block * block;
        this.filtersPadded = (filters + OUTPUTS - 1) / OUTPUTS * OUTPUTS;
        this.wt = new float[k * filtersPadded];
        this.withInputGradient = new GemmConvolution(geometry, channels, filters);
    }

    /** Fewest reduction terms {@code C*kh*kw} for which {@code auto} takes this kernel over the short-reduction one. */
    public static final int MIN_TERMS = 16;
    /** Most filters for which {@code auto} takes this kernel over the short-reduction one. */
    public static final int MAX_FILTERS = 12;

    /**
     * True where {@code auto} takes this kernel: a stride-1 layer with at most {@value #MAX_FILTERS}
     * filters and a reduction of at least {@value #MIN_TERMS} terms. With more filters the
     * short-reduction kernel's panels fill and its output is written once, not staged; with fewer
     * terms, too few multiplies share each staged output vector ({@code DirectConvolutionBench}:
     * 1 -> 6 and 1 -> 9 5x5 filters 2.0-2.3x faster forward, 1.5-1.7x backward; 1 -> 16 3x3 and
     * mnist-deitel's 1 -> 64 3x3 filters 1.4-2.0x slower).
     */
    public static boolean preferred(ConvGeometry g, int channels, int filters) {
        return suits(g) && filters <= MAX_FILTERS && (long) channels * g.kernelSize() >= MIN_TERMS;
    }

    /** True for stride-1 windows. */
    public static boolean suits(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1;
    }

    @Override
    public ConvGeometry geometry() {
        return g;
    }

    @Override
    public String algorithm() {
        return "direct-position-lanes";
    }

    @Override
    public void forward(float[] x, int batch, float[] w, int wOff, float[] b, int bOff, float[] y, Activation act,
                        StepContext ctx) {
        KernelExecutor ex = ctx.executor();
        List<Slot> all = slots.of(ex.parallelism());
        for (int f = 0; f < filters; f++) {
            for (int q = 0; q < k; q++) {
                wt[q * filtersPadded + f] = w[wOff + f * k + q];
            }
        }
        int p = g.outPlane();
        int outH = g.outH();
        int outW = g.outW();
        int spill = (outW + L - 1) / L * L;
        ex.parallelFor(batch, 1, (slot, from, to) -> {
            Slot s = all.get(slot);
            for (int n = from; n < to; n++) {
                input.copy(x, n, s.xp);
                for (int f0 = 0; f0 < filters; f0 += OUTPUTS) {
                    for (int j0 = 0; j0 < positions; j0 += PositionLanes.VECTORS * L) {
                        PositionLanes.sumTerms(s.xp, off, k, wt, filtersPadded, f0, j0, s.stage, 0, positions);
                    }
                    // y[n, f, r, col] = z[f, r wp + col] + b_f: the columns past outW are dropped. Whole
                    // vectors spill past the row into rows written later, but never past the sample
                    int count = Math.min(OUTPUTS, filters - f0);
                    int sampleEnd = (n + 1) * filters * p;
                    for (int a = 0; a < count; a++) {
                        int f = f0 + a;
                        float bias = b == null ? 0f : b[bOff + f];
                        for (int r = 0; r < outH; r++) {
                            int from0 = a * positions + r * wp;
                            int to0 = (n * filters + f) * p + r * outW;
                            if (to0 + spill <= sampleEnd) {
                                PositionLanes.addRow(s.stage, from0, y, to0, outW, bias);
                            } else {
                                for (int col = 0; col < outW; col++) {
                                    y[to0 + col] = s.stage[from0 + col] + bias;
                                }
                            }
                        }
                    }
                    if (act != null) {
                        act.apply(y, (n * filters + f0) * p, (n * filters + f0 + count) * p);
                    }
                }
            }
        });
    }

    @Override
    public void backward(float[] x, int batch, float[] dy, float[] y, Activation act, float[] w, int wOff,
                         float[] dw, int dwOff, float[] db, int dbOff, float[] dx, StepContext ctx) {
        if (dx != null) {
            withInputGradient.backward(x, batch, dy, y, act, w, wOff, dw, dwOff, db, dbOff, dx, ctx);
            return;
        }
        KernelExecutor ex = ctx.executor();
        List<Slot> all = slots.of(ex.parallelism());
        for (Slot s : all) {
            Arrays.fill(s.part, 0f);
            s.used = false;
        }
        dbPartial.reset(all.size(), filters);
        int p = g.outPlane();
        int outH = g.outH();
        int outW = g.outW();
        int spill = (outW + L - 1) / L * L;
        ex.parallelFor(batch, 1, (slot, from, to) -> {
            Slot s = all.get(slot);
            s.used = from < to;
            if (s.used) {
                Arrays.fill(dbPartial.of(slot), 0f);
                dbPartial.markUsed(slot);
            }
            for (int n = from; n < to; n++) {
                int z = n * filters * p;
                if (act != null) {
                    act.derive(y, dy, z, z + filters * p);
                }
                // dz[f, r wp + col] = dy[n, f, r, col], zero past outW: whole vectors where they stay in
                // the arrays, their spill zeroed (rows are laid in order, so later rows overwrite it)
                for (int f = 0; f < filters; f++) {
                    for (int r = 0; r < outH; r++) {
                        int from0 = z + f * p + r * outW;
                        int to0 = f * positions + r * wp;
                        int end = to0 + Math.max(wp, spill);
                        if (from0 + spill <= dy.length && end <= s.dz.length) {
                            PositionLanes.copyRow(dy, from0, s.dz, to0, outW);
                            for (int i = to0 + outW; i < end; i++) {
                                s.dz[i] = 0f;
                            }
                        } else {
                            System.arraycopy(dy, from0, s.dz, to0, outW);
                        }
                    }
                }
                dbPartial.addPlaneSums(slot, dy, n, 1, filters, p);
                input.copy(x, n, s.xp);
                for (int f0 = 0; f0 < filters; f0 += OUTPUTS) {
                    for (int q0 = 0; q0 < off.length; q0 += TERMS) {
                        PositionLanes.gradientBlock(s.dz, positions, f0, s.xp, off, q0, positions, s.part, off.length);
                    }
                }
            }
        });
        // dW[f, q] = sum over slots, in slot order, of the lanes of part[f, q, :]
        for (int f = 0; f < filters; f++) {
            for (int q = 0; q < k; q++) {
                float sum = 0f;
                for (Slot s : all) {
                    if (s.used) {
                        int at = (f * off.length + q) * L;
                        for (int lane = 0; lane < L; lane++) {
                            sum += s.part[at + lane];
                        }
                    }
                }
                dw[dwOff + f * k + q] = sum;
            }
        }
        if (db != null) {
            dbPartial.reduceInto(db, dbOff, ex);
        }
    }
}
