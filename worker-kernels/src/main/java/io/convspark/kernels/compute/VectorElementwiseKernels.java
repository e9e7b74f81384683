package io.convspark.kernels.compute;

import jdk.incubator.vector.FloatVector;
import io.convspark.kernels.random.SplitMix64;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ElementwiseKernels} with the Vector API at {@link FloatVector#SPECIES_PREFERRED} (see
 * {@link VectorGemm} on why no other float species is used): masks and blends instead of branches,
 * a polynomial {@code e^x - 1} for ELU, a scalar loop for the tail of each slice.
 * Scalars enter as broadcast vectors, never through the {@code (op, float)} overloads, whose inner
 * dispatch shares type profiles with the GEMM micro-kernels (see {@link GemmMicroKernels}).
 * 2x2 max pooling gathers the windows' corners through a map of window positions and picks value
 * and argmax with compares and blends.
 */
public final class VectorElementwiseKernels implements ElementwiseKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorOperators.Binary MAX = VectorOperators.MAX;
    private static final VectorOperators.Binary MUL = VectorOperators.MUL;
    private static final VectorOperators.Binary ADD = VectorOperators.ADD;
    private static final VectorOperators.Ternary FMA = VectorOperators.FMA;
    private static final ScalarElementwiseKernels TAIL = new ScalarElementwiseKernels();
    /** Int lanes of the same shape, for max pooling's argmax. */
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Window maps of the pooling geometries seen (a model has a few). */
    private static final java.util.concurrent.ConcurrentHashMap<Long, int[]> WINDOW_MAPS =
            new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * The map used last: a layer pools all its planes with one geometry, so this spares the boxed
     * key and the hash lookup on every plane (they were 2% of CIFAR training).
     */
    private static volatile WindowMap lastWindowMap = new WindowMap(-1, new int[0]);

    private record WindowMap(long key, int[] map) {
    }

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize() + "bit";
    }

    /** Long lanes of the same shape: half as many as float lanes. */
    private static final VectorSpecies<Long> LONGS = VectorSpecies.of(long.class, S.vectorShape());
    /** 1, 2, .. L/2: SplitMix64 counter offsets of one half-chunk ({@code bits(key, c)} mixes {@code key + (c + 1) GAMMA}). */
    private static final long[] COUNTER_STEPS = steps(L / 2);
    /** The int lanes 0, 2, .. of a vector twice over: the low words of its long lanes. */
    private static final VectorShuffle<Integer> LOW_WORDS = lowWords();
    /** Int lanes L/2 and up. */
    private static final VectorMask<Integer> UPPER_HALF = VectorMask.fromLong(I, (-1L << (L / 2)) & ((1L << L) - 1));

    private static long[] steps(int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = i + 1;
        }
        return a;
    }

    private static VectorShuffle<Integer> lowWords() {
        int[] idx = new int[L];
        for (int i = 0; i < L; i++) {
            idx[i] = (2 * i) % L;
        }
        return VectorShuffle.fromArray(I, idx, 0);
    }

    @Override
    public void dropout(float[] src, float[] dst, int from, int to, long key, long counter, long threshold,
                        float scale) {
        int[] keep = DROPOUT_KEEP.get();
        int j = from;
        for (int end = to - L; j <= end; j += L, counter += L) {
            // three small methods per chunk, handing over through an int array: C2 compiles a method's
            // vector operations only within its node budget (one method of all three ran as slow Java
            // in a training JVM, 4 ns per value)
            keepWords(key, counter, threshold, keep, 0);
            keepWords(key, counter + L / 2, threshold, keep, L);
            applyKeep(src, dst, j, scale, keep);
        }
        TAIL.dropout(src, dst, j, to, key, counter, threshold, scale);
    }

    /** Per-thread keep words of one dropout chunk: two rows of L ints, the first half of each used. */
    private static final ThreadLocal<int[]> DROPOUT_KEEP = ThreadLocal.withInitial(() -> new int[2 * L]);

    /**
     * The keep masks of the L/2 SplitMix64 draws from {@code counter} (long lanes: 0 or all ones, so
     * either 32-bit word is the mask), their low words to {@code keep[o .. o + L/2)}.
     */
    private static void keepWords(long key, long counter, long threshold, int[] keep, int o) {
        LongVector z = LongVector.fromArray(LONGS, COUNTER_STEPS, 0).add(LongVector.broadcast(LONGS, counter))
                .mul(LongVector.broadcast(LONGS, SplitMix64.GAMMA)).add(LongVector.broadcast(LONGS, key));
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30))
                .mul(LongVector.broadcast(LONGS, SplitMix64.MIX_1));
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27))
                .mul(LongVector.broadcast(LONGS, SplitMix64.MIX_2));
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
        z.lanewise(VectorOperators.LSHR, 11).sub(LongVector.broadcast(LONGS, threshold))
                .lanewise(VectorOperators.ASHR, 63).reinterpretAsInts().rearrange(LOW_WORDS).intoArray(keep, o);
    }

    /** {@code dst[j..j+L) = (src * scale) & keep}, the first half of the lanes' words from row 0, the second from row 1. */
    private static void applyKeep(float[] src, float[] dst, int j, float scale, int[] keep) {
        IntVector mask = IntVector.fromArray(I, keep, 0).blend(IntVector.fromArray(I, keep, L), UPPER_HALF);
        FloatVector.fromArray(S, src, j).lanewise(MUL, FloatVector.broadcast(S, scale)).reinterpretAsInts()
                .lanewise(VectorOperators.AND, mask).reinterpretAsFloats().intoArray(dst, j);
    }

    /**
     * Floats BatchNormalization's reductions add in float lanes (two accumulators, 16 values per lane)
     * before the block's sum joins the double total: relative error about 1e-6 whatever the length.
     */
    private static final int BLOCK = 32 * L;

    /** The length of the next block from {@code i}: whole pairs of vectors, at most {@link #BLOCK}; 0 for the tail. */
    private static int block(int i, int len) {
        return Math.min(BLOCK, (len - i) / (2 * L) * (2 * L));
    }

    private static final int SUM = 0;
    private static final int SQUARED_DEVIATIONS = 1;
    private static final int CENTERED_DOT = 2;

    /**
     * The reduction {@code op} of {@code [off, off + len)}: blocks of whole vector pairs in float lanes,
     * each block's sum added in double, and the tail by the scalar reference.
     */
    private static double reduceInBlocks(int op, float[] x, float[] dy, int off, int len, float mu) {
        double total = 0;
        int i = 0;
        for (int n = block(0, len); n > 0; i += n, n = block(i, len)) {
            int o = off + i;
            total += op == SUM ? blockSum(x, o, n)
                    : op == SQUARED_DEVIATIONS ? blockSquaredDeviations(x, o, n, mu)
                    : blockCenteredDot(dy, x, o, n, mu);
        }
        int o = off + i;
        int rest = len - i;
        return total + (op == SUM ? TAIL.sumToDouble(x, o, rest)
                : op == SQUARED_DEVIATIONS ? TAIL.squaredDeviations(x, o, rest, mu)
                : TAIL.centeredDot(dy, x, o, rest, mu));
    }

    @Override
    public double sumToDouble(float[] a, int off, int len) {
        return reduceInBlocks(SUM, a, null, off, len, 0f);
    }

    private static float blockSum(float[] a, int off, int n) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        for (int i = off, end = off + n; i < end; i += 2 * L) {
            s0 = s0.lanewise(ADD, FloatVector.fromArray(S, a, i));
            s1 = s1.lanewise(ADD, FloatVector.fromArray(S, a, i + L));
        }
        return s0.lanewise(ADD, s1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public double squaredDeviations(float[] x, int off, int len, float mu) {
        return reduceInBlocks(SQUARED_DEVIATIONS, x, null, off, len, mu);
    }

    private static float blockSquaredDeviations(float[] x, int off, int n, float mu) {
        FloatVector m = FloatVector.broadcast(S, mu);
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        for (int i = off, end = off + n; i < end; i += 2 * L) {
            FloatVector d0 = FloatVector.fromArray(S, x, i).lanewise(VectorOperators.SUB, m);
            FloatVector d1 = FloatVector.fromArray(S, x, i + L).lanewise(VectorOperators.SUB, m);
            s0 = d0.lanewise(FMA, d0, s0);
            s1 = d1.lanewise(FMA, d1, s1);
        }
        return s0.lanewise(ADD, s1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public double centeredDot(float[] dy, float[] x, int off, int len, float mu) {
        return reduceInBlocks(CENTERED_DOT, x, dy, off, len, mu);
    }

    private static float blockCenteredDot(float[] dy, float[] x, int off, int n, float mu) {
        FloatVector m = FloatVector.broadcast(S, mu);
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        for (int i = off, end = off + n; i < end; i += 2 * L) {
            FloatVector d0 = FloatVector.fromArray(S, x, i).lanewise(VectorOperators.SUB, m);
            FloatVector d1 = FloatVector.fromArray(S, x, i + L).lanewise(VectorOperators.SUB, m);
            s0 = FloatVector.fromArray(S, dy, i).lanewise(FMA, d0, s0);
            s1 = FloatVector.fromArray(S, dy, i + L).lanewise(FMA, d1, s1);
        }
        return s0.lanewise(ADD, s1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void relu(float[] a, int from, int to) {
        int i = from;
        FloatVector zero = FloatVector.zero(S);
        for (int end = to - L; i <= end; i += L) {
            FloatVector.fromArray(S, a, i).lanewise(MAX, zero).intoArray(a, i);
        }
        TAIL.relu(a, i, to);
    }

    @Override
    public void reluBackward(float[] y, float[] g, int from, int to) {
        int i = from;
        FloatVector zero = FloatVector.zero(S);
        for (int end = to - L; i <= end; i += L) {
            VectorMask<Float> positive = FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, zero);
            zero.blend(FloatVector.fromArray(S, g, i), positive).intoArray(g, i);
        }
        TAIL.reluBackward(y, g, i, to);
    }

    /** {@code 1.5 * 2^23}: added to a float of magnitude below 2^22, it leaves the float rounded to an integer in the low mantissa bits. */
    private static final float ROUNDING_MAGIC = 0x1.8p23f;
    /** ln 2 in two parts (Cody and Waite): the high part has 9 bits, so {@code n * LN2_HI} is exact for |n| < 2^15. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Below this, {@code e^x - 1} is -1 in float: lower inputs are clamped here so that {@code 2^n} stays a normal float. */
    private static final float EXPM1_FLOOR = -30f;

    /**
     * {@code alpha (e^x - 1)} for x <= 0 with a polynomial rather than the JDK's {@code EXPM1} (which is
     * 6-8 times slower here): {@code x = n ln2 + r}, |r| <= ln2/2, {@code e^x - 1 = 2^n expm1(r) + (2^n - 1)}
     * with {@code expm1(r) = r + r^2 (1/2 + r/6 + ... + r^5/7!)} (Taylor; the first term left exact keeps
     * the relative accuracy for tiny x). Within 1 ulp of {@code Math.expm1} rounded to float, checked over every
     * negative float down to -40 (below, both give -1).
     */
    @Override
    public void elu(float[] a, int from, int to, float alpha) {
        int i = from;
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector floor = FloatVector.broadcast(S, EXPM1_FLOOR);
        FloatVector log2e = FloatVector.broadcast(S, (float) (1 / Math.log(2)));
        FloatVector magic = FloatVector.broadcast(S, ROUNDING_MAGIC);
        FloatVector negLn2Hi = FloatVector.broadcast(S, -LN2_HI);
        FloatVector negLn2Lo = FloatVector.broadcast(S, -LN2_LO);
        FloatVector c7 = FloatVector.broadcast(S, 1f / 5040);
        FloatVector c6 = FloatVector.broadcast(S, 1f / 720);
        FloatVector c5 = FloatVector.broadcast(S, 1f / 120);
        FloatVector c4 = FloatVector.broadcast(S, 1f / 24);
        FloatVector c3 = FloatVector.broadcast(S, 1f / 6);
        FloatVector c2 = FloatVector.broadcast(S, 0.5f);
        // bits(t) = bits(magic) + n; the exponent field of 2^n is n + 127
        IntVector exponentBias = IntVector.broadcast(I, 127 - Float.floatToRawIntBits(ROUNDING_MAGIC));
        IntVector mantissaBits = IntVector.broadcast(I, 23);
        for (int end = to - L; i <= end; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            VectorMask<Float> keep = x.compare(VectorOperators.GE, zero); // x >= 0 (-0 too): x itself
            FloatVector xc = x.lanewise(VectorOperators.MIN, zero).lanewise(MAX, floor); // NaN stays NaN
            FloatVector t = xc.lanewise(FMA, log2e, magic);
            FloatVector n = t.lanewise(VectorOperators.SUB, magic);
            FloatVector r = n.lanewise(FMA, negLn2Lo, n.lanewise(FMA, negLn2Hi, xc)); // x - n ln2
            FloatVector p = r.lanewise(FMA, c7, c6).lanewise(FMA, r, c5).lanewise(FMA, r, c4)
                    .lanewise(FMA, r, c3).lanewise(FMA, r, c2);
            FloatVector q = r.lanewise(MUL, r).lanewise(FMA, p, r); // expm1(r)
            FloatVector scale = ((IntVector) t.reinterpretAsInts()).lanewise(ADD, exponentBias)
                    .lanewise(VectorOperators.LSHL, mantissaBits).reinterpretAsFloats();
            scale.lanewise(FMA, q, scale.lanewise(VectorOperators.SUB, one)).lanewise(MUL, va)
                    .blend(x, keep).intoArray(a, i);
        }
        TAIL.elu(a, i, to, alpha);
    }

    @Override
    public void eluBackward(float[] y, float[] g, int from, int to, float alpha) {
        int i = from;
        FloatVector zero = FloatVector.zero(S);
        FloatVector va = FloatVector.broadcast(S, alpha);
        for (int end = to - L; i <= end; i += L) {
            FloatVector yv = FloatVector.fromArray(S, y, i);
            FloatVector gv = FloatVector.fromArray(S, g, i);
            VectorMask<Float> positive = yv.compare(VectorOperators.GT, zero);
            gv.lanewise(MUL, yv.lanewise(ADD, va)).blend(gv, positive).intoArray(g, i);
        }
        TAIL.eluBackward(y, g, i, to, alpha);
    }

    @Override
    public float sum(float[] a, int from, int to) {
        int i = from;
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        for (int end = to - 2 * L; i <= end; i += 2 * L) {
            acc0 = acc0.lanewise(ADD, FloatVector.fromArray(S, a, i));
            acc1 = acc1.lanewise(ADD, FloatVector.fromArray(S, a, i + L));
        }
        return acc0.lanewise(ADD, acc1).reduceLanes(VectorOperators.ADD) + TAIL.sum(a, i, to);
    }

    @Override
    public void addTo(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            FloatVector.fromArray(S, y, yOff + i).lanewise(ADD, FloatVector.fromArray(S, x, xOff + i))
                    .intoArray(y, yOff + i);
        }
        TAIL.addTo(x, xOff + i, y, yOff + i, n - i);
    }

    /** Per-thread corner masks of one pooling chunk, handed from the value pass to the argmax pass. */
    private static final ThreadLocal<int[]> POOL_MASKS = ThreadLocal.withInitial(() -> new int[3 * L]);
    /** Per-thread window corners a, b, c, d of one pooling chunk, gathered once. */
    private static final ThreadLocal<float[]> POOL_CORNERS = ThreadLocal.withInitial(() -> new float[4 * L]);
    /** A float whose bits are the int 1: blended in where a mask is set, read back as ints 0 or 1. */
    private static final float INT_ONE_BITS = Float.intBitsToFloat(1);

    @Override
    public void maxPool2x2(float[] x, int xBase, int inW, float[] y, int[] argmax, int yBase, int outH, int outW) {
        // L consecutive output cells at a time, across row ends (the output plane is contiguous): the
        // four corners a b / c d of their windows are gathered through the plane's map of window
        // top-left cells. The first maximum wins (b over a, d over c, the bottom pair over the top one
        // only if strictly larger), as in the scalar rule. A chunk holding a NaN (or inf - inf) goes to
        // the scalar window code, which lets the last NaN win.
        int cells = outH * outW;
        int[] topLeft = windowMap(inW, outH, outW);
        int[] masks = POOL_MASKS.get();
        float[] corners = POOL_CORNERS.get();
        if (cells < L) {
            for (int k = 0; k < cells; k++) {
                maxPoolWindow(x, xBase, inW, topLeft[k], y, argmax, yBase + k);
            }
            return;
        }
        for (int next = 0; next < cells; next += L) {
            // the last chunk ends at the last cell, overlapping the one before (same results, written twice)
            int k = Math.min(next, cells - L);
            // small methods per chunk with no vector arguments: C2 stops inlining in a method past
            // its node budget and boxes the vectors of the calls left (measured in a training JVM:
            // gigabytes of garbage and most of the pooling time)
            if (gatherCorners(x, xBase, inW, topLeft, k, corners)) {
                if (argmax == null) {
                    maxPoolValuesOnly(corners, y, yBase + k);
                } else {
                    maxPoolValues(corners, y, yBase + k, masks);
                    maxPoolArgmax(inW, topLeft, k, masks, argmax, yBase + k);
                }
            } else {
                for (int j = 0; j < L; j++) {
                    ScalarElementwiseKernels.maxPoolWindow2x2(x, xBase, inW, topLeft[k + j], y, argmax, yBase + k + j);
                }
            }
        }
    }

    /**
     * The corners a, b, c, d of the L windows of cells k.. to {@code corners} (L floats each); false
     * if a window holds a NaN (or inf - inf).
     */
    private static boolean gatherCorners(float[] x, int xBase, int inW, int[] topLeft, int k, float[] corners) {
        FloatVector a = FloatVector.fromArray(S, x, xBase, topLeft, k);
        FloatVector b = FloatVector.fromArray(S, x, xBase + 1, topLeft, k);
        FloatVector c = FloatVector.fromArray(S, x, xBase + inW, topLeft, k);
        FloatVector d = FloatVector.fromArray(S, x, xBase + inW + 1, topLeft, k);
        a.intoArray(corners, 0);
        b.intoArray(corners, L);
        c.intoArray(corners, 2 * L);
        d.intoArray(corners, 3 * L);
        return !a.lanewise(ADD, b).lanewise(ADD, c).lanewise(ADD, d).test(VectorOperators.IS_NAN).anyTrue();
    }

    /**
     * The maxima of the windows of {@code corners} to {@code y[o]}, and which corner won as three rows
     * of 0/1 ints in {@code masks} (b over a, d over c, bottom pair over top pair: VectorMask objects
     * would be boxed).
     */
    private static void maxPoolValues(float[] corners, float[] y, int o, int[] masks) {
        FloatVector a = FloatVector.fromArray(S, corners, 0);
        FloatVector b = FloatVector.fromArray(S, corners, L);
        FloatVector c = FloatVector.fromArray(S, corners, 2 * L);
        FloatVector d = FloatVector.fromArray(S, corners, 3 * L);
        VectorMask<Float> right = b.compare(VectorOperators.GT, a);
        VectorMask<Float> rightBottom = d.compare(VectorOperators.GT, c);
        FloatVector ab = a.blend(b, right);
        FloatVector cd = c.blend(d, rightBottom);
        VectorMask<Float> bottom = cd.compare(VectorOperators.GT, ab);
        ab.blend(cd, bottom).intoArray(y, o);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, INT_ONE_BITS);
        zero.blend(one, right).reinterpretAsInts().intoArray(masks, 0);
        zero.blend(one, rightBottom).reinterpretAsInts().intoArray(masks, L);
        zero.blend(one, bottom).reinterpretAsInts().intoArray(masks, 2 * L);
    }

    /** The maxima of {@link #maxPoolValues} alone (the same selections, so the same bits, -0.0 against 0.0 included). */
    private static void maxPoolValuesOnly(float[] corners, float[] y, int o) {
        FloatVector a = FloatVector.fromArray(S, corners, 0);
        FloatVector b = FloatVector.fromArray(S, corners, L);
        FloatVector c = FloatVector.fromArray(S, corners, 2 * L);
        FloatVector d = FloatVector.fromArray(S, corners, 3 * L);
        FloatVector ab = a.blend(b, b.compare(VectorOperators.GT, a));
        FloatVector cd = c.blend(d, d.compare(VectorOperators.GT, c));
        ab.blend(cd, cd.compare(VectorOperators.GT, ab)).intoArray(y, o);
    }

    /**
     * argmax[o ..] = the winning cell of each of the L windows of cells k.., from the 0/1 rows of
     * {@link #maxPoolValues}: {@code cell + right + bottom * (inW + rightBottom - right)}.
     */
    private static void maxPoolArgmax(int inW, int[] topLeft, int k, int[] masks, int[] argmax, int o) {
        IntVector right = IntVector.fromArray(I, masks, 0);
        IntVector rightBottom = IntVector.fromArray(I, masks, L);
        IntVector bottom = IntVector.fromArray(I, masks, 2 * L);
        IntVector jump = rightBottom.sub(right).add(IntVector.broadcast(I, inW));
        IntVector.fromArray(I, topLeft, k).add(right).add(bottom.mul(jump)).intoArray(argmax, o);
    }

    /** One window, branch-free ({@code Math.max} for the value, integer selects for the argmax): planes under L cells. */
    static void maxPoolWindow(float[] x, int xBase, int inW, int q, float[] y, int[] argmax, int o) {
        float a = x[xBase + q];
        float b = x[xBase + q + 1];
        float c = x[xBase + q + inW];
        float d = x[xBase + q + inW + 1];
        float ab = Math.max(a, b);
        float cd = Math.max(c, d);
        if (Float.isNaN(Math.max(ab, cd))) {
            ScalarElementwiseKernels.maxPoolWindow2x2(x, xBase, inW, q, y, argmax, o); // the last NaN wins
            return;
        }
        int right = b > a ? 1 : 0;
        int rightBottom = d > c ? 1 : 0;
        int bottom = cd > ab ? 1 : 0;
        int best = q + bottom * inW + right + bottom * (rightBottom - right);
        y[o] = x[xBase + best];
        if (argmax != null) {
            argmax[o] = best;
        }
    }

    /**
     * The top-left input cell (within the plane) of every output cell of a 2x2/stride-2 pooling:
     * {@code map[oh * outW + ow] = 2 oh inW + 2 ow}. Made once per geometry, then shared (read-only).
     */
    private static int[] windowMap(int inW, int outH, int outW) {
        long key = ((long) inW << 42) | ((long) outH << 21) | outW;
        WindowMap last = lastWindowMap;
        if (last.key() == key) {
            return last.map();
        }
        int[] map = WINDOW_MAPS.get(key);
        if (map == null) {
            map = new int[outH * outW];
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    map[oh * outW + ow] = 2 * oh * inW + 2 * ow;
                }
            }
            WINDOW_MAPS.putIfAbsent(key, map);
        }
        lastWindowMap = new WindowMap(key, map);
        return map;
    }
}
