package io.convspark.kernels.layers.conv;

import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.compute.VectorGemm;
import io.convspark.kernels.layers.Activation;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.StepContext;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * A short-reduction convolution ({@link ShortReductionConvolution}), its element-wise activation and
 * the max pooling after it, in one pass: the convolution's output never goes to memory, only the
 * pooled maxima and one byte per window saying which place won. For mnist-deitel's
 * first layer (batch 64) forward writes 2.8 + 0.7 MB instead of an 11 MB output that the pooling
 * layer then reads back, and backward reads those 3.5 MB and the pooled gradient instead of the full
 * output and its gradient (22 MB). Windows of {@code ph x pw} with a stride of the same size and no
 * padding (Keras' default {@code MaxPooling2D}), pooled planes of {@code PH x PW}, {@code Q = ph pw}
 * places per window.
 *
 * <p>Per sample, col is lowered by {@link PoolWindowColumns}: positions grouped by their place in the
 * window, {@code slice} columns per place, so that pooling is an element-wise maximum of Q slices.
 * For 2x2 windows, 4 filters x 16 pooled positions at a time stay in 16 registers:
 * <pre>
 *   z_q   = W[4, K] x col[K, q slice + s ..]       for the 4 places q
 *   y     = act(max over q of z_q + b)              ReLU in the registers, others per 4 filters
 *   win   = the winning q (a byte; -1 where ReLU made y 0: no gradient)
 * </pre>
 * The places are compared in pairs, then the bottom pair's winner against the top's, each winning
 * only if strictly larger: the first maximum in row-major window order, the pooling layer's rule.
 * Taking the maximum before the activation is exact for the non-decreasing activations
 * ({@link Activation#isNonDecreasing}); the winners can then differ from the layers' only where the
 * activation maps several values to one (ReLU's zeros, which carry no gradient; saturated tanh or
 * sigmoid), which changes which place gets a window's gradient, not the outputs. Other windows, other
 * activations and samples where a value might be NaN or infinite ({@code sum |x| sum |W|} is checked
 * first) take the general path: a panel of filters into a tile, activated, then pooled one window at
 * a time with the pooling layer's rules (a NaN wins).
 *
 * <p>Backward, for 2x2 windows, takes the weight gradient straight from the pooled gradient and the
 * winners ({@link ShortReductionGradient#addWinners2x2}), without laying out a pre-activation
 * gradient that would be zero at 3 of every 4 places:
 * <pre>
 *   dW[f, r] += sum over windows s won by place q of dy[f, s] act'(y[f, s]) col[r, q slice + s]
 *   db[f]    += sum over windows s won by some place of dy[f, s] act'(y[f, s])
 * </pre>
 * per sample, col packed once so that the kernel reads a vector of windows' columns at fixed
 * distances, from a cache line's start. ReLU's derivative is in the winners; others' is taken on the
 * pooled values. Other windows build the pre-activation gradient of 4 filters in L1 and reduce it as
 * {@link ShortReductionConvolution} does ({@link ShortReductionGradient#addBlock}). When an input
 * gradient is wanted, the full pre-activation gradient is laid out at the winners and backward is
 * {@link GemmConvolution}'s.
 */
public final class PooledShortReductionConvolution {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Bytes, as many as float lanes (the fast 2x2 path needs vectors of at least 8 floats: 64 bits of bytes). */
    private static final VectorSpecies<Byte> BYTES = L >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8)) : null;
    /** Largest window this kernel takes ({@code ph pw}). */
    public static final int MAX_WINDOW = 16;
    /**
     * The winner recorded for a window whose output ReLU made 0: no place gets its gradient (ReLU's
     * derivative is 0 there), so backward needs neither y nor a pass for the derivative.
     */
    private static final byte NO_GRADIENT = -1;
    /** Bound on |z| below which no sum of products can overflow on the way (float's largest is 3.4e38). */
    private static final float FINITE_BOUND = 1e36f;

    private final ConvGeometry g;
    private final int channels;
    private final int filters;
    private final int k;
    private final int ph;
    private final int pw;
    private final int places;
    private final int pooled;
    private final int slice;
    private final int ld;
    private final int rows;
    private final int mr = VectorGemm.panelRows();
    private final float[] packed;
    private final PoolWindowColumns lowering;
    private final ShortReductionGradient gradient;
    private final GemmConvolution withInputGradient;
    /** Per slot: col, its ones row after the K rows. */
    private final ColumnBuffers col;
    private float[][] phases = new float[0][];
    private float[][] tile = new float[0][];
    private float[][] gradTile = new float[0][];
    /** Per slot: col laid out for the winners' gradient kernel ({@link ShortReductionGradient#packWinnerColumns}). */
    private final ColumnBuffers winnerCols;
    /** -1 in the lanes of the pooled windows, 0 past them ({@link ShortReductionGradient#validLanes}). */
    private final int[] validLanes;
    /** Per slot: where the last vector of a sample's last filters goes (pooled values, winners). */
    private Object[][] scratch = new Object[0][];
    /** Per pooled output: the winning place, or {@link #NO_GRADIENT}. */
    private byte[] winners = new byte[0];
    private float[] unpooledGradient = new float[0];

    /**
     * @throws IllegalArgumentException unless {@link #suits} the settings
     */
    public PooledShortReductionConvolution(ConvGeometry geometry, int channels, int filters, int poolH, int poolW) {
        if (!suits(geometry, channels, poolH, poolW)) {
            throw new IllegalArgumentException(geometry + " with " + channels + " channels, pooled by " + poolH + "x"
                    + poolW + ": needs a reduction C*kh*kw of at most " + ShortReductionConvolution.MAX_K
                    + " and whole windows of at most " + MAX_WINDOW + " cells");
        }
        this.g = geometry;
        this.channels = channels;
        this.filters = filters;
        this.k = channels * geometry.kernelSize();
        this.ph = poolH;
        this.pw = poolW;
        this.places = poolH * poolW;
        this.pooled = geometry.outH() / poolH * (geometry.outW() / poolW);
        this.slice = (pooled + L - 1) / L * L;
        this.ld = VectorGemm.readableColumns(places * slice);
        this.rows = ShortReductionGradient.columnRows(k);
        this.packed = new float[(filters + mr - 1) / mr * mr * (k + 1)];
        this.lowering = new PoolWindowColumns(geometry, channels, poolH, poolW, slice, ld);
        this.gradient = new ShortReductionGradient(filters, k, places == 4);
        this.withInputGradient = new GemmConvolution(geometry, channels, filters);
        this.validLanes = ShortReductionGradient.validLanes(pooled);
        this.col = new ColumnBuffers(rows, ld, k);
        this.winnerCols = new ColumnBuffers(1, gradient.fromWinners() ? gradient.winnerColumnsSize(slice / L) : 0, -1);
    }

    /**
     * True if a convolution over {@code g} of {@code channels} channels, max-pooled by windows of
     * {@code poolH x poolW} (stride the same, no padding), can be computed here: a short reduction
     * ({@link ShortReductionConvolution#suits}), at least one whole window, at most {@link #MAX_WINDOW} cells.
     */
    public static boolean suits(ConvGeometry g, int channels, int poolH, int poolW) {
        return ShortReductionConvolution.suits(g, channels) && poolH >= 1 && poolW >= 1
                && poolH * poolW <= MAX_WINDOW && g.outH() >= poolH && g.outW() >= poolW;
    }

    public ConvGeometry geometry() {
        return g;
    }

    /** The algorithm's name, for logs and benchmarks. */
    public String algorithm() {
        return "im2col-short-k+maxpool";
    }

    /** Convolution outputs computed per sample and filter: the whole windows' cells. */
    public int computedPositions() {
        return pooled * places;
    }

    /**
     * {@code y_n = maxpool(act(conv(x_n, W) + b))} for every sample, and the winners backward needs.
     * They are recorded in inference too, so that both modes run the same code (the same JIT profile;
     * see {@link #convolvePool4x4} on what C2 may do to vector code under branches).
     *
     * @param y   receives {@code batch} samples of {@code F PH PW} floats
     * @param act an element-wise activation, or {@code null} for none
     */
    public void forward(float[] x, int batch, float[] w, int wOff, float[] b, int bOff, float[] y, Activation act,
                        StepContext ctx) {
        KernelExecutor ex = ctx.executor();
        ensureWorkspaces(ex.parallelism());
        ShortReductionConvolution.pack(w, wOff, b, bOff, filters, k, packed);
        if (winners.length < batch * filters * pooled + L) {
            // a vector's worth past the last row: backward reads whole vectors
            winners = new byte[batch * filters * pooled + L];
        }
        byte[] win = winners;        int xSize = channels * g.inPlane();
        float filterBound = sumOfMagnitudes(packed, 0, packed.length);
        ex.parallelFor(batch, 1, (slot, from, to) -> {
            float[] c = col.of(slot);
            int at = col.align(slot);
            for (int n = from; n < to; n++) {
                lowering.lower(x, n * xSize, phases[slot], c, at);
                // |z| <= sum |x_n| sum |[W | b]|: far below float's overflow, no value is NaN or
                // infinite, and the vector maximum (where a NaN would lose) is exact
                boolean finite = sumOfMagnitudes(x, n * xSize, xSize) * filterBound < FINITE_BOUND;
                if (places == 4 && finite && BYTES != null && (act == null || act.isNonDecreasing())) {
                    convolvePool2x2(c, at, n, y, win, act, scratch[slot]);
                } else {
                    convolveThenPool(c, at, n, y, win, act, tile[slot]);
                }
            }
        });
    }

    /**
     * Sample {@code n} with 2x2 windows, 4 filters x 16 pooled positions at a time in registers
     * ({@link #convolvePool4x4}); the activation runs on the pooled values of each 4 filters (a
     * non-decreasing activation commutes with the maximum).
     */
    private void convolvePool2x2(float[] c, int c0, int n, float[] y, byte[] win, Activation act, Object[] scratch) {
        // ReLU in the registers, others on the pooled values of each 4 filters
        boolean relu = isRelu(act);
        for (int f = 0; f < filters; f += 4) {
            int rows = Math.min(4, filters - f);
            int ai = f / mr * mr * (k + 1) + f % mr;
            int o = (n * filters + f) * pooled;
            int sHigh = slice;
            if (f + rows == filters && slice > pooled) {
                // the sample's last row must not spill (another slot may write there): its last vector
                // goes through scratch
                int s = slice - L;
                float[] sy = (float[]) scratch[0];
                byte[] sw = (byte[]) scratch[1];
                convolvePool4x4(k, packed, ai, mr, c, c0, ld, slice, s, s + L, sy, sw, -s, L - s, 2 * L - s, 3 * L - s,
                        rows, relu);
                for (int i = 0; i < rows; i++) {
                    System.arraycopy(sy, i * L, y, o + i * pooled + s, pooled - s);
                    System.arraycopy(sw, i * L, win, o + i * pooled + s, pooled - s);
                }
                sHigh = s;
            }
            // from the last vector down: one past a row's end spills into the next row's first lanes,
            // which a later vector (or the next 4 filters) overwrites
            convolvePool4x4(k, packed, ai, mr, c, c0, ld, slice, 0, sHigh, y, win, o, o + pooled, o + 2 * pooled,
                    o + 3 * pooled, rows, relu);
            if (act != null && !relu) {
                act.apply(y, o, o + rows * pooled);
            }
        }
    }

    /**
     * One register tile of the 2x2 forward: for the 4 filters of a packed panel's rows from {@code ai}
     * (stride {@code mr} per row of col) and each vector of pooled positions {@code s} from
     * {@code sHigh - L} down to {@code sLow}, the
     * products with the 4 places' columns of col's first {@code k} rows, in 16 accumulators, then the
     * maximum over the places (taken in order, each winning only if strictly larger: the first maximum
     * wins) plus the bias (the panel's row {@code k}) to {@code y[o_i + s ..]} and its place to
     * {@code win[o_i + s ..]}, for the first {@code rows} filters, ReLU applied to the maxima if
     * {@code relu}. No value may be NaN. The bias is added once per maximum, not per place: rounding is
     * monotone, so {@code max(z_q) + b} is bit for bit {@code max(z_q + b)}, as the layers taken apart
     * compute it; only where two places round to the same biased value can the winner differ (both
     * are maxima).
     */
    private static void convolvePool4x4(int k, float[] ap, int ai, int mr, float[] c, int c0, int ld, int slice, int sLow,
                                        int sHigh, float[] y, byte[] win, int o0, int o1, int o2, int o3, int rows,
                                        boolean relu) {
        for (int s = sHigh - L; s >= sLow; s -= L) {
            FloatVector a00 = FloatVector.zero(S);
            FloatVector a01 = a00;
            FloatVector a02 = a00;
            FloatVector a03 = a00;
            FloatVector a10 = a00;
            FloatVector a11 = a00;
            FloatVector a12 = a00;
            FloatVector a13 = a00;
            FloatVector a20 = a00;
            FloatVector a21 = a00;
            FloatVector a22 = a00;
            FloatVector a23 = a00;
            FloatVector a30 = a00;
            FloatVector a31 = a00;
            FloatVector a32 = a00;
            FloatVector a33 = a00;
            for (int p = 0; p < k; p++) {
                // indexes linear in p, so that the bounds checks leave the loop
                int cb = c0 + s + p * ld;
                int a = ai + p * mr;
                FloatVector b0 = FloatVector.fromArray(S, c, cb);
                FloatVector b1 = FloatVector.fromArray(S, c, cb + slice);
                FloatVector b2 = FloatVector.fromArray(S, c, cb + 2 * slice);
                FloatVector b3 = FloatVector.fromArray(S, c, cb + 3 * slice);
                FloatVector w0 = FloatVector.broadcast(S, ap[a]);
                a00 = w0.lanewise(VectorOperators.FMA, b0, a00);
                a01 = w0.lanewise(VectorOperators.FMA, b1, a01);
                a02 = w0.lanewise(VectorOperators.FMA, b2, a02);
                a03 = w0.lanewise(VectorOperators.FMA, b3, a03);
                FloatVector w1 = FloatVector.broadcast(S, ap[a + 1]);
                a10 = w1.lanewise(VectorOperators.FMA, b0, a10);
                a11 = w1.lanewise(VectorOperators.FMA, b1, a11);
                a12 = w1.lanewise(VectorOperators.FMA, b2, a12);
                a13 = w1.lanewise(VectorOperators.FMA, b3, a13);
                FloatVector w2 = FloatVector.broadcast(S, ap[a + 2]);
                a20 = w2.lanewise(VectorOperators.FMA, b0, a20);
                a21 = w2.lanewise(VectorOperators.FMA, b1, a21);
                a22 = w2.lanewise(VectorOperators.FMA, b2, a22);
                a23 = w2.lanewise(VectorOperators.FMA, b3, a23);
                FloatVector w3 = FloatVector.broadcast(S, ap[a + 3]);
                a30 = w3.lanewise(VectorOperators.FMA, b0, a30);
                a31 = w3.lanewise(VectorOperators.FMA, b1, a31);
                a32 = w3.lanewise(VectorOperators.FMA, b2, a32);
                a33 = w3.lanewise(VectorOperators.FMA, b3, a33);
            }
            // Written out per filter, not in a helper taking vectors (one left uninlined would box them).
            // No masks, no max: C2 (JDK 17) turns each compare-and-blend into a mask made a vector and
            // back, in chains that took most of this kernel's time. A comparison is a sign bit instead: for
            // finite u and v, (u - v) + 0 is negative exactly where v > u (the + 0 turns the -0 of
            // u = -0, v = +0 into +0), so its int bits >>> 31 are 1 where v is strictly larger, else 0;
            // a choice between two vectors by such a bit is a ^ ((a ^ b) & -bit) on their int bits.
            // ReLU: the maxima <= 0 become 0 (and their windows get no gradient); without, none is below -inf.
            // (A method this large also needs the JIT trap limits raised, see JitTrapLimits, or C2 boxes its
            // vectors in some runs.)
            FloatVector floor = FloatVector.broadcast(S, relu ? 0f : Float.NEGATIVE_INFINITY);
            FloatVector zero = FloatVector.zero(S);
            if (rows > 0) {
                // pairs first, then the bottom pair's winner over the top's if strictly larger: the same
                // first maximum as the places taken in order, in shorter chains
                IntVector x0 = a00.reinterpretAsInts();
                IntVector x1 = a01.reinterpretAsInts();
                IntVector x2 = a02.reinterpretAsInts();
                IntVector x3 = a03.reinterpretAsInts();
                IntVector right = a00.sub(a01).add(zero).reinterpretAsInts().lanewise(VectorOperators.LSHR, 31);
                IntVector rightBottom = a02.sub(a03).add(zero).reinterpretAsInts().lanewise(VectorOperators.LSHR, 31);
                IntVector top = x0.lanewise(VectorOperators.XOR, x0.lanewise(VectorOperators.XOR, x1).and(right.neg()));
                IntVector bottom = x2.lanewise(VectorOperators.XOR, x2.lanewise(VectorOperators.XOR, x3).and(rightBottom.neg()));
                IntVector lower = top.reinterpretAsFloats().sub(bottom.reinterpretAsFloats()).add(zero).reinterpretAsInts()
                        .lanewise(VectorOperators.LSHR, 31);
                FloatVector m = top.lanewise(VectorOperators.XOR, top.lanewise(VectorOperators.XOR, bottom).and(lower.neg()))
                        .reinterpretAsFloats().add(FloatVector.broadcast(S, ap[ai + k * mr + 0]));
                // 1 where m > floor: the window's output is m and keeps its gradient; else 0 and none
                IntVector on = floor.sub(m).reinterpretAsInts().lanewise(VectorOperators.LSHR, 31);
                m.reinterpretAsInts().and(on.neg()).reinterpretAsFloats().intoArray(y, o0 + s);
                // place = right, or 2 + rightBottom where the bottom pair won; NO_GRADIENT (-1) where not on
                IntVector place = right.add(rightBottom.sub(right).add(2).and(lower.neg()));
                ((ByteVector) place.or(on.sub(1)).convertShape(VectorOperators.I2B, BYTES, 0)).intoArray(win, o0 + s);
            }
            if (rows > 1) {
                // pairs first, then the bottom pair's winner over the top's if strictly larger: the same
                // first maximum as the places taken in order, in shorter chains
                IntVector x0 = a10.reinterpretAsInts();
                IntVector x1 = a11.reinterpretAsInts();
                IntVector x2 = a12.reinterpretAsInts();
                IntVector x3 = a13.reinterpretAsInts();
                IntVector right = a10.sub(a11).add(zero).reinterpretAsInts().lanewise(VectorOperators.LSHR, 31);
                IntVector rightBottom = a12.sub(a13).add(zero).reinterpretAsInts().lanewise(VectorOperators.LSHR, 31);
                IntVector top = x0.lanewise(VectorOperators.XOR, x0.lanewise(VectorOperators.XOR, x1).and(right.neg()));
                IntVector bottom = x2.lanewise(VectorOperators.XOR, x2.lanewise(VectorOperators.XOR, x3).and(rightBottom.neg()));
                IntVector lower = top.reinterpretAsFloats().sub(bottom.reinterpretAsFloats()).add(zero).reinterpretAsInts()
                        .lanewise(VectorOperators.LSHR, 31);
                FloatVector m = top.lanewise(VectorOperators.XOR, top.lanewise(VectorOperators.XOR, bottom).and(lower.neg()))
                        .reinterpretAsFloats().add(FloatVector.broadcast(S, ap[ai + k * mr + 1]));
                // 1 where m > floor: the window's output is m and keeps its gradient; else 0 and none
                IntVector on = floor.sub(m).reinterpretAsInts().lanewise(VectorOperators.LSHR, 31);
                m.reinterpretAsInts().and(on.neg()).reinterpretAsFloats().intoArray(y, o1 + s);
                // place = right, or 2 + rightBottom where the bottom pair won; NO_GRADIENT (-1) where not on
                IntVector place = right.add(rightBottom.sub(right).add(2).and(lower.neg()));
                ((ByteVector) place.or(on.sub(1)).convertShape(VectorOperators.I2B, BYTES, 0)).intoArray(win, o1 + s);
            }
            if (rows > 2) {
                // pairs first, then the bottom pair's winner over the top's if strictly larger: the same
                // first maximum as the places taken in order, in shorter chains
                IntVector x0 = a20.reinterpretAsInts();
                IntVector x1 = a21.reinterpretAsInts();
                IntVector x2 = a22.reinterpretAsInts();
                IntVector x3 = a23.reinterpretAsInts();
                IntVector right = a20.sub(a21).add(zero).reinterpretAsInts().lanewise(VectorOperators.LSHR, 31);
                IntVector rightBottom = a22.sub(a23).add(zero).reinterpretAsInts().lanewise(VectorOperators.LSHR, 31);
                IntVector top = x0.lanewise(VectorOperators.XOR, x0.lanewise(VectorOperators.XOR, x1).and(right.neg()));
                IntVector bottom = x2.lanewise(VectorOperators.XOR, x2.lanewise(VectorOperators.XOR, x3).and(rightBottom.neg()));
                IntVector lower = top.reinterpretAsFloats().sub(bottom.reinterpretAsFloats()).add(zero).reinterpretAsInts()
                        .lanewise(VectorOperators.LSHR, 31);
                FloatVector m = top.lanewise(VectorOperators.XOR, top.lanewise(VectorOperators.XOR, bottom).and(lower.neg()))
                        .reinterpretAsFloats().add(FloatVector.broadcast(S, ap[ai + k * mr + 2]));
                // 1 where m > floor: the window's output is m and keeps its gradient; else 0 and none
                IntVector on = floor.sub(m).reinterpretAsInts().lanewise(VectorOperators.LSHR, 31);
                m.reinterpretAsInts().and(on.neg()).reinterpretAsFloats().intoArray(y, o2 + s);
                // place = right, or 2 + rightBottom where the bottom pair won; NO_GRADIENT (-1) where not on
                IntVector place = right.add(rightBottom.sub(right).add(2).and(lower.neg()));
                ((ByteVector) place.or(on.sub(1)).convertShape(VectorOperators.I2B, BYTES, 0)).intoArray(win, o2 + s);
            }
            if (rows > 3) {
                // pairs first, then the bottom pair's winner over the top's if strictly larger: the same
                // first maximum as the places taken in order, in shorter chains
                IntVector x0 = a30.reinterpretAsInts();
                IntVector x1 = a31.reinterpretAsInts();
                IntVector x2 = a32.reinterpretAsInts();
                IntVector x3 = a33.reinterpretAsInts();
                IntVector right = a30.sub(a31).add(zero).reinterpretAsInts().lanewise(VectorOperators.LSHR, 31);
                IntVector rightBottom = a32.sub(a33).add(zero).reinterpretAsInts().lanewise(VectorOperators.LSHR, 31);
                IntVector top = x0.lanewise(VectorOperators.XOR, x0.lanewise(VectorOperators.XOR, x1).and(right.neg()));
                IntVector bottom = x2.lanewise(VectorOperators.XOR, x2.lanewise(VectorOperators.XOR, x3).and(rightBottom.neg()));
                IntVector lower = top.reinterpretAsFloats().sub(bottom.reinterpretAsFloats()).add(zero).reinterpretAsInts()
                        .lanewise(VectorOperators.LSHR, 31);
                FloatVector m = top.lanewise(VectorOperators.XOR, top.lanewise(VectorOperators.XOR, bottom).and(lower.neg()))
                        .reinterpretAsFloats().add(FloatVector.broadcast(S, ap[ai + k * mr + 3]));
                // 1 where m > floor: the window's output is m and keeps its gradient; else 0 and none
                IntVector on = floor.sub(m).reinterpretAsInts().lanewise(VectorOperators.LSHR, 31);
                m.reinterpretAsInts().and(on.neg()).reinterpretAsFloats().intoArray(y, o3 + s);
                // place = right, or 2 + rightBottom where the bottom pair won; NO_GRADIENT (-1) where not on
                IntVector place = right.add(rightBottom.sub(right).add(2).and(lower.neg()));
                ((ByteVector) place.or(on.sub(1)).convertShape(VectorOperators.I2B, BYTES, 0)).intoArray(win, o3 + s);
            }
        }
    }

    /**
     * Sample {@code n}, any window, or values that may be NaN: a panel of filters at a time into
     * {@code t}, activated, then pooled one window at a time with the pooling layer's rules.
     */
    private void convolveThenPool(float[] c, int c0, int n, float[] y, byte[] win, Activation act, float[] t) {
        int width = places * slice;
        boolean relu = isRelu(act);
        for (int f0 = 0; f0 < filters; f0 += mr) {
            int count = Math.min(mr, filters - f0);
            // t[0 .. count, :] = [W | b][f0 .. f0+count, :] x col
            VectorGemm.multiplyPanel(count, width, k + 1, packed, f0 * (k + 1), c, c0, ld, t, 0, ld);
            if (act != null) {
                act.apply(t, 0, count * ld);
            }
            for (int r = 0; r < count; r++) {
                int o = (n * filters + f0 + r) * pooled;
                for (int s = 0; s < pooled; s++) {
                    maxOfWindow(t, r * ld, y, win, o, s);
                    if (relu && !(y[o + s] > 0f)) {
                        win[o + s] = NO_GRADIENT;
                    }
                }
            }
        }
    }

    /** True for ReLU, whose derivative the winners carry: {@link #NO_GRADIENT} where the output is 0. */
    private static boolean isRelu(Activation act) {
        return act != null && "relu".equals(act.name());
    }

    /** {@code sum |a[from .. from+n)|}: NaN if one is NaN, infinite if one is or the sum overflows. */
    private static float sumOfMagnitudes(float[] a, int from, int n) {
        FloatVector sum = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= n; i += L) {
            sum = sum.add(FloatVector.fromArray(S, a, from + i).abs());
        }
        float total = sum.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            total += Math.abs(a[from + i]);
        }
        return total;
    }

    /** Window {@code s}: the pooling layer's scalar rule (strictly larger wins, so does a NaN). */
    private void maxOfWindow(float[] t, int base, float[] y, byte[] win, int o, int s) {
        float max = t[base + s];
        int best = 0;
        for (int q = 1; q < places; q++) {
            float v = t[base + q * slice + s];
            if (v > max || Float.isNaN(v)) {
                max = v;
                best = q;
            }
        }
        y[o + s] = max;
        win[o + s] = (byte) best;
    }

    /**
     * Gradients of {@link #forward}: {@code dw} and {@code db} are overwritten, {@code dx} too unless
     * it is {@code null}. {@code dy} (the gradient of the pooled output) is used as scratch.
     *
     * @param y   the pooled output of the forward just before, on the same samples (its winners are used;
     *            y for the activation's derivative)
     * @param act the activation applied in forward, or {@code null} if {@code dy} needs no derivative
     */
    public void backward(float[] x, int batch, float[] dy, float[] y, Activation act, float[] w, int wOff,
                         float[] dw, int dwOff, float[] db, int dbOff, float[] dx, StepContext ctx) {
        if (dx != null) {
            backwardThroughFullGradient(x, batch, dy, y, act, w, wOff, dw, dwOff, db, dbOff, dx, ctx);
            return;
        }
        // ReLU's derivative is in the winners; others' is taken in a pass per 4 filters
        boolean relu = isRelu(act);
        KernelExecutor ex = ctx.executor();
        int slots = ex.parallelism();
        ensureWorkspaces(slots);
        gradient.start(slots);
        int xSize = channels * g.inPlane();
        int width = places * slice;
        ex.parallelFor(batch, 1, (slot, from, to) -> {
            float[] c = col.of(slot);
            int at = col.align(slot);
            float[] dz = gradTile[slot];
            float[] last = (float[]) scratch[slot][0];
            float[] part = gradient.begin(slot);
            float[] packed = winnerCols.of(slot);
            int packedAt = winnerCols.align(slot);
            for (int n = from; n < to; n++) {
                lowering.lower(x, n * xSize, phases[slot], c, at);
                if (gradient.fromWinners()) {
                    gradient.packWinnerColumns(c, at, ld, slice, slice / L, packed, packedAt);
                    int z = n * filters * pooled;
                    if (act != null && !relu) {
                        act.derive(y, dy, z, z + filters * pooled);
                    }
                    // a block of col's rows for every filter, then the next: the block stays in L1
                    for (int block = 0; block < gradient.winnerBlocks(); block++) {
                        for (int f = 0; f < filters; f++) {
                            addWinners(part, f, block, dy, z + f * pooled, packed, packedAt, last);
                        }
                    }
                    continue;
                }
                for (int f = 0; f < filters; f += ShortReductionGradient.FILTERS) {
                    int count = Math.min(ShortReductionGradient.FILTERS, filters - f);
                    int z = (n * filters + f) * pooled;
                    if (act != null && !relu) {
                        act.derive(y, dy, z, z + count * pooled);
                    }
                    for (int i = 0; i < count; i++) {
                        toWinners(dy, z + i * pooled, dz, i * ld);
                    }
                    gradient.addBlock(part, f, count, dz, 0, ld, width, c, at, ld);
                }
            }
            gradient.finish(slot);
        });
        gradient.reduceInto(dw, dwOff, db, dbOff, ex);
    }

    /**
     * {@link ShortReductionGradient#addWinners2x2} for filter {@code f} and block {@code block}, its pooled gradient at
     * {@code dy[z ..]}: the kernel reads whole vectors, up to {@code slice} past the row's start, so
     * the batch's last row goes through {@code last} (at least {@code slice} floats).
     */
    private void addWinners(float[] part, int f, int block, float[] dy, int z, float[] packed, int at, float[] last) {
        if (z + slice <= dy.length) {
            gradient.addWinners2x2(part, f, block, dy, z, winners, z, validLanes, packed, at);
        } else {
            System.arraycopy(dy, z, last, 0, pooled);
            gradient.addWinners2x2(part, f, block, last, 0, winners, z, validLanes, packed, at);
        }
    }

    /**
     * {@code dz[d + q slice + s] = dzp[src + s]} where window s was won by place q, else 0; the
     * padding columns {@code [pooled, slice)} of each place stay 0 (never written).
     */
    private void toWinners(float[] dzp, int src, float[] dz, int d) {
        for (int s = 0; s < pooled; s++) {
            int won = winners[src + s];
            for (int q = 0; q < places; q++) {
                dz[d + q * slice + s] = q == won ? dzp[src + s] : 0f;
            }
        }
    }

    /** Backward with an input gradient: the pre-activation gradient laid out at the winners, then {@link GemmConvolution}. */
    private void backwardThroughFullGradient(float[] x, int batch, float[] dy, float[] y, Activation act, float[] w,
                                             int wOff, float[] dw, int dwOff, float[] db, int dbOff, float[] dx,
                                             StepContext ctx) {
        int plane = g.outPlane();
        int outW = g.outW();
        int pooledW = g.outW() / pw;
        if (unpooledGradient.length < batch * filters * plane) {
            unpooledGradient = new float[batch * filters * plane];
        }
        float[] full = unpooledGradient;
        if (act != null && !isRelu(act)) {
            act.derive(y, dy, 0, batch * filters * pooled);
        }
        ctx.executor().parallelFor(batch * filters, 1, (slot, from, to) -> {
            Arrays.fill(full, from * plane, to * plane, 0f);
            for (int nf = from; nf < to; nf++) {
                for (int s = 0; s < pooled; s++) {
                    int q = winners[nf * pooled + s];
                    if (q < 0) {
                        continue;
                    }
                    int oh = s / pooledW * ph + q / pw;
                    int ow = s % pooledW * pw + q % pw;
                    full[nf * plane + oh * outW + ow] = dy[nf * pooled + s];
                }
            }
        });
        withInputGradient.backward(x, batch, full, null, null, w, wOff, dw, dwOff, db, dbOff, dx, ctx);
    }

    /** Per slot: col, the phase buffer, the forward tile, the gradient tile (padding columns zero), packed col. */
    private void ensureWorkspaces(int slots) {
        col.ensure(slots);
        winnerCols.ensure(slots);
        if (phases.length != slots) {
            phases = new float[slots][lowering.phaseBufferSize()];
            tile = new float[slots][mr * ld];
            gradTile = new float[slots][ShortReductionGradient.FILTERS * ld];
            scratch = new Object[slots][];
            for (int i = 0; i < slots; i++) {
                scratch[i] = new Object[] {new float[Math.max(4 * L, slice)], new byte[4 * L]};
            }
        }
    }
}
