package io.convspark.kernels.compute;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import io.convspark.kernels.random.SplitMix64;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ElementwiseKernels} with the Vector API at {@link FloatVector#SPECIES_PREFERRED} (see
 * {@link VectorGemm} on why no other float species is used): masks and blends instead of branches,
 * a polynomial {@code e^x - 1} for ELU, tanh and sigmoid (their last partial vector through the same code),
 * a scalar loop for the tail of each slice elsewhere.
 * Scalars enter as broadcast vectors, never through the {@code (op, float)} overloads, whose inner
 * dispatch shares type profiles with the GEMM micro-kernels (see {@link GemmMicroKernels}).
 * 2x2 max pooling reads the windows' corners with plain loads at offsets 0 and 1 of two rows, picks
 * value and argmax with compares and blends, and packs the even lanes.
 */
public final class VectorElementwiseKernels implements ElementwiseKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorOperators.Binary MUL = VectorOperators.MUL;
    private static final VectorOperators.Binary ADD = VectorOperators.ADD;
    private static final VectorOperators.Ternary FMA = VectorOperators.FMA;
    private static final ScalarElementwiseKernels TAIL = new ScalarElementwiseKernels();
    /** Int lanes of the same shape, for max pooling's argmax. */
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    @Override
    public String name() {
        return "vector-" + S.vectorBitSize() + "bit";
    }

    /** Long lanes of the same shape: half as many as float lanes. */
    private static final VectorSpecies<Long> LONGS = VectorSpecies.of(long.class, S.vectorShape());
    /** 0, 2, 4, ..: a draw vector's lanes are every other element of a chunk (the even or the odd ones). */
    private static final long[] EVERY_OTHER = everyOther(L / 2);
    /** The low 32 bits of a long lane: the float lane {@code 2i} of long lane {@code i} (lanes are little-endian). */
    private static final long LOW_WORD = 0xFFFF_FFFFL;
    /** Floats per block of dropout masks: the block's keep words (one long per float) stay in L1. */
    private static final int DROPOUT_BLOCK = 16 * L;
    /** Per-thread keep words of one dropout block. */
    private static final ThreadLocal<long[]> DROPOUT_KEEP = ThreadLocal.withInitial(() -> new long[DROPOUT_BLOCK]);

    private static long[] everyOther(int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = 2L * i;
        }
        return a;
    }

    @Override
    public void dropout(float[] src, float[] dst, int from, int to, long key, long counter, long threshold,
                        float scale) {
        // Two loops over a block, each with one copy of its vector code. Calls to small per-chunk methods were
        // inlined into this loop until C2's node budget ran out, and the rest (a store, a whole method) was
        // left to slow Java code in some JVMs and not others: cifar's first dropout took 1.2-6.6 ms instead of
        // 0.2 in some bench runs, 4 ns per value.
        long[] keep = DROPOUT_KEEP.get();
        int j = from;
        while (to - j >= L) {
            int n = Math.min(DROPOUT_BLOCK, (to - j) / L * L);
            keepWords(key, counter, threshold, keep, n);
            applyKeep(src, dst, j, n, scale, keep);
            j += n;
            counter += n;
        }
        TAIL.dropout(src, dst, j, to, key, counter, threshold, scale);
    }

    /**
     * The keep masks of the {@code n} draws of a block from {@code counter}, L/2 long lanes per vector:
     * vector {@code t} holds the even ({@code t} even) or odd elements of chunk {@code t / 2}. Each lane is 0
     * or all ones (the sign of {@code (bits >>> 11) - threshold}), cut to the word over its element's
     * float, and goes to {@code keep[t L/2 ..)}.
     */
    private static void keepWords(long key, long counter, long threshold, long[] keep, int n) {
        int half = L / 2;
        for (int t = 0; t * half < n; t++) {
            // element (t / 2) L + (t & 1) + 2i of the block is draw bits(key, counter + that), which mixes
            // key + (counter + that + 1) GAMMA
            long first = counter + (long) (t >> 1) * L + (t & 1) + 1;
            long word = (t & 1) == 0 ? LOW_WORD : ~LOW_WORD;
            LongVector z = LongVector.fromArray(LONGS, EVERY_OTHER, 0).add(first).mul(SplitMix64.GAMMA).add(key);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(SplitMix64.MIX_1);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(SplitMix64.MIX_2);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
            z.lanewise(VectorOperators.LSHR, 11).sub(threshold).lanewise(VectorOperators.ASHR, 63)
                    .lanewise(VectorOperators.AND, word).intoArray(keep, t * half);
        }
    }

    /**
     * {@code dst[j..j+n) = (src * scale) & keep}: each chunk's even and odd words OR-ed into one mask per
     * float, no conversion and no shuffle (both were also, at times, left to slow Java code by C2).
     */
    private static void applyKeep(float[] src, float[] dst, int j, int n, float scale, long[] keep) {
        FloatVector k = FloatVector.broadcast(S, scale);
        for (int i = 0; i < n; i += L) {
            LongVector mask = LongVector.fromArray(LONGS, keep, i)
                    .lanewise(VectorOperators.OR, LongVector.fromArray(LONGS, keep, i + L / 2));
            FloatVector.fromArray(S, src, j + i).lanewise(MUL, k).reinterpretAsLongs()
                    .lanewise(VectorOperators.AND, mask).reinterpretAsFloats().intoArray(dst, j + i);
        }
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
        // max(x, 0) as a compare and a blend (x <= 0 gives +0, NaN stays): Java's MAX costs several instructions
        for (int end = to - L; i <= end; i += L) {
            FloatVector v = FloatVector.fromArray(S, a, i);
            v.blend(zero, v.compare(VectorOperators.LE, zero)).intoArray(a, i);
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
     * negative float down to -40 (below, both give -1). The last partial vector of a slice goes through the
     * same code, so results do not depend on how a tensor is cut into slices (threads, fused layers).
     */
    @Override
    public void elu(float[] a, int from, int to, float alpha) {
        inWholeVectors(a, from, to, alpha, VectorElementwiseKernels::eluVectors);
    }

    /** {@link #elu} of the whole vectors in {@code [from, end)}. */
    private static void eluVectors(float[] a, int from, int end, float alpha) {
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
        for (int i = from; i < end; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            VectorMask<Float> keep = x.compare(VectorOperators.GE, zero); // x >= 0 (-0 too): x itself
            // x < -30 to -30 (NaN stays NaN); x > 0 may overflow below, but those lanes keep x. A compare
            // and a blend: Java's MIN/MAX semantics (NaN, -0.0) cost several instructions each
            FloatVector xc = x.blend(floor, x.compare(VectorOperators.LT, floor));
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

    /** Below this, {@code e^x} rounds to 0 in float: lower inputs are clamped here. */
    private static final float EXP_FLOOR = -104.5f;
    /** The lowest power of two {@code 2^n} made directly (a normal float); {@code e^x} below it takes a second factor. */
    private static final float NORMAL_EXPONENT_FLOOR = -126f;

    /**
     * tanh from ELU's polynomial: for {@code a = |x|}, {@code m = e^(-2a) - 1} in (-1, 0] and
     * {@code tanh a = -m / (2 + m)}, with the sign of x put back. No cancellation: a small a gives
     * {@code m ~ -2a} (expm1's exact first term), a large one {@code m = -1} and 1 (the argument clamped at
     * -30, where tanh is 1 in float). Within 3 ulp of {@code Math.tanh} rounded to float. The last partial
     * vector goes through the same code (in a scratch vector), so a value's result does not depend on
     * where it sits in the slice (fused layers apply it to other slices than the layers apart). (The polynomial
     * is written out in each loop rather than in a method taking vectors: C2 boxes the vectors of a call
     * it leaves uninlined.)
     */
    @Override
    public void tanh(float[] a, int from, int to) {
        inWholeVectors(a, from, to, 0f, (b, start, end, unused) -> tanhVectors(b, start, end));
    }

    /** {@link #tanh} of the whole vectors in {@code [from, end)}. */
    private static void tanhVectors(float[] a, int from, int end) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector two = FloatVector.broadcast(S, 2f);
        FloatVector negTwo = FloatVector.broadcast(S, -2f);
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
        IntVector exponentBias = IntVector.broadcast(I, 127 - Float.floatToRawIntBits(ROUNDING_MAGIC));
        IntVector mantissaBits = IntVector.broadcast(I, 23);
        IntVector signBit = IntVector.broadcast(I, Integer.MIN_VALUE);
        for (int i = from; i < end; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            FloatVector u = x.lanewise(VectorOperators.ABS).lanewise(MUL, negTwo); // -2|x|, exact; NaN stays
            FloatVector uc = u.blend(floor, u.compare(VectorOperators.LT, floor));
            FloatVector t = uc.lanewise(FMA, log2e, magic);
            FloatVector n = t.lanewise(VectorOperators.SUB, magic);
            FloatVector r = n.lanewise(FMA, negLn2Lo, n.lanewise(FMA, negLn2Hi, uc)); // u - n ln2
            FloatVector p = r.lanewise(FMA, c7, c6).lanewise(FMA, r, c5).lanewise(FMA, r, c4)
                    .lanewise(FMA, r, c3).lanewise(FMA, r, c2);
            FloatVector q = r.lanewise(MUL, r).lanewise(FMA, p, r); // expm1(r)
            FloatVector scale = ((IntVector) t.reinterpretAsInts()).lanewise(ADD, exponentBias)
                    .lanewise(VectorOperators.LSHL, mantissaBits).reinterpretAsFloats();
            FloatVector m = scale.lanewise(FMA, q, scale.lanewise(VectorOperators.SUB, one)); // e^u - 1
            // -m / (2 + m) >= 0, its sign cleared (m = +0 would give -0), then x's
            FloatVector magnitude = m.lanewise(VectorOperators.DIV, m.lanewise(ADD, two)).lanewise(VectorOperators.ABS);
            ((IntVector) magnitude.reinterpretAsInts())
                    .lanewise(VectorOperators.OR, ((IntVector) x.reinterpretAsInts()).lanewise(VectorOperators.AND, signBit))
                    .reinterpretAsFloats().intoArray(a, i);
        }
    }

    @Override
    public void tanhBackward(float[] y, float[] g, int from, int to) {
        int i = from;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int end = to - L; i <= end; i += L) {
            FloatVector yv = FloatVector.fromArray(S, y, i);
            FloatVector.fromArray(S, g, i).lanewise(MUL, one.lanewise(VectorOperators.SUB, yv.lanewise(MUL, yv)))
                    .intoArray(g, i);
        }
        TAIL.tanhBackward(y, g, i, to);
    }

    /**
     * The logistic function from ELU's polynomial: for {@code a = |x|}, {@code e = e^-a = 2^n (1 + expm1(r))}
     * (a product, not {@code 1 + (e^-a - 1)}, which would cancel for large a; below 2^-126 as
     * {@code 2^max(n, -126) (1 + expm1(r)) 2^(n - max(n, -126))}, so that the denormal results round
     * once), then {@code 1 / (1 + e)} for x >= 0 and {@code e / (1 + e)} below. Within 3 ulp of the
     * double-precision reference; 0 below x = -104.5.
     */
    @Override
    public void sigmoid(float[] a, int from, int to) {
        inWholeVectors(a, from, to, 0f, (b, start, end, unused) -> sigmoidVectors(b, start, end));
    }

    /** {@link #sigmoid} of the whole vectors in {@code [from, end)}. */
    private static void sigmoidVectors(float[] a, int from, int end) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector floor = FloatVector.broadcast(S, EXP_FLOOR);
        FloatVector normalFloor = FloatVector.broadcast(S, NORMAL_EXPONENT_FLOOR);
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
        IntVector exponentBias = IntVector.broadcast(I, 127 - Float.floatToRawIntBits(ROUNDING_MAGIC));
        IntVector mantissaBits = IntVector.broadcast(I, 23);
        for (int i = from; i < end; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            FloatVector u = x.lanewise(VectorOperators.ABS).lanewise(VectorOperators.NEG); // -|x|; NaN stays
            FloatVector uc = u.blend(floor, u.compare(VectorOperators.LT, floor));
            FloatVector t = uc.lanewise(FMA, log2e, magic);
            FloatVector n = t.lanewise(VectorOperators.SUB, magic);
            FloatVector r = n.lanewise(FMA, negLn2Lo, n.lanewise(FMA, negLn2Hi, uc)); // u - n ln2
            FloatVector p = r.lanewise(FMA, c7, c6).lanewise(FMA, r, c5).lanewise(FMA, r, c4)
                    .lanewise(FMA, r, c3).lanewise(FMA, r, c2);
            FloatVector q = r.lanewise(MUL, r).lanewise(FMA, p, r); // expm1(r)
            // 2^n as 2^high 2^(n - high), high = max(n, -126): both normal floats; bits(m + k) = bits(m) + k
            FloatVector high = n.blend(normalFloor, n.compare(VectorOperators.LT, normalFloor));
            FloatVector scale = ((IntVector) high.lanewise(ADD, magic).reinterpretAsInts()).lanewise(ADD, exponentBias)
                    .lanewise(VectorOperators.LSHL, mantissaBits).reinterpretAsFloats();
            FloatVector rest = ((IntVector) n.lanewise(VectorOperators.SUB, high).lanewise(ADD, magic).reinterpretAsInts())
                    .lanewise(ADD, exponentBias).lanewise(VectorOperators.LSHL, mantissaBits).reinterpretAsFloats();
            FloatVector e = scale.lanewise(FMA, q, scale).lanewise(MUL, rest); // e^u
            one.blend(e, x.compare(VectorOperators.LT, zero))
                    .lanewise(VectorOperators.DIV, one.lanewise(ADD, e)).intoArray(a, i);
        }
    }

    /** A kernel over the whole vectors {@code [from, end)} of an array, in place, with a scalar parameter (not captured: no allocation per call). */
    private interface WholeVectors {
        void run(float[] a, int from, int end, float parameter);
    }

    /** This thread's vector of scratch: the last, partial vector of a slice. */
    private static final ThreadLocal<float[]> LAST_VECTOR = ThreadLocal.withInitial(() -> new float[L]);

    /**
     * {@code kernel} over {@code a[from, to)}: the whole vectors in place, the last partial one copied
     * before zeros into this thread's scratch vector, run there and copied back. Every value goes through
     * the same vector code, so its result does not depend on where the slice is cut (a scalar tail would
     * round differently).
     */
    private static void inWholeVectors(float[] a, int from, int to, float parameter, WholeVectors kernel) {
        int whole = from + (to - from) / L * L;
        kernel.run(a, from, whole, parameter);
        if (whole < to) {
            float[] v = LAST_VECTOR.get();
            System.arraycopy(a, whole, v, 0, to - whole);
            Arrays.fill(v, to - whole, L, 0f);
            kernel.run(v, 0, L, parameter);
            System.arraycopy(v, 0, a, whole, to - whole);
        }
    }

    @Override
    public void sigmoidBackward(float[] y, float[] g, int from, int to) {
        int i = from;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int end = to - L; i <= end; i += L) {
            FloatVector yv = FloatVector.fromArray(S, y, i);
            FloatVector.fromArray(S, g, i).lanewise(MUL, yv.lanewise(MUL, one.lanewise(VectorOperators.SUB, yv)))
                    .intoArray(g, i);
        }
        TAIL.sigmoidBackward(y, g, i, to);
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

    /** Per-thread landing place of a half-row whose full-vector store would pass the output plane's end. */
    private static final ThreadLocal<float[]> POOL_VALUES = ThreadLocal.withInitial(() -> new float[L]);
    private static final ThreadLocal<int[]> POOL_WINNERS = ThreadLocal.withInitial(() -> new int[L]);
    private static final int[] LANE_INDEX = java.util.stream.IntStream.range(0, L).toArray();

    @Override
    public void maxPool2x2(float[] x, int xBase, int inH, int inW, float[] y, int[] argmax, int yBase, int outH,
                           int outW, int planes) {
        // Half-rows of up to L/2 windows, with no gathers: a = x[top + lane], b = x[top + lane + 1] and
        // c, d the same on the row below are four plain loads, whose even lanes 2k hold the corners
        // of window k. The picks follow the scalar rule (b over a, d over c, the bottom pair over the
        // top one only if strictly larger: the first maximum wins); the even lanes are then packed
        // into the lower half and stored as a whole vector. Its upper half lands on cells that later
        // half-rows overwrite (of this plane or the next); a store that would pass the last plane's
        // end goes through a per-thread buffer. A half-row holding a NaN (or inf - inf), or whose
        // loads would pass the array's end, goes to the scalar window code, which lets the last NaN win.
        int yEnd = yBase + planes * outH * outW;
        for (int p = 0; p < planes; p++) {
            pool2x2Plane(x, xBase + p * inH * inW, inW, y, argmax, yBase + p * outH * outW, outH, outW, yEnd, false);
        }
    }

    /** As {@link #maxPool2x2}, the four corners summed in the scalar order and times 1/4 (the same as / 4). */
    @Override
    public void avgPool2x2(float[] x, int xBase, int inH, int inW, float[] y, int yBase, int outH, int outW,
                           int planes) {
        int yEnd = yBase + planes * outH * outW;
        for (int p = 0; p < planes; p++) {
            pool2x2Plane(x, xBase + p * inH * inW, inW, y, null, yBase + p * outH * outW, outH, outW, yEnd, true);
        }
    }

    /**
     * Half-rows of L/2 windows: the L/2 gradients, each divided by 4, doubled into pairs of lanes (as
     * longs: the low word zero-extended, OR-ed with itself shifted up) and stored on the windows' two
     * rows; the last, partial half-row of a row in scalar code.
     */
    @Override
    public void avgPool2x2Backward(float[] dy, int yBase, int outH, int outW, float[] dx, int xBase, int inH, int inW,
                                   int planes) {
        int half = L / 2;
        FloatVector zero = FloatVector.zero(S);
        FloatVector quarter = FloatVector.broadcast(S, 0.25f);
        LongVector lowWord = LongVector.broadcast(LONGS, LOW_WORD);
        for (int p = 0; p < planes; p++) {
            int xPlane = xBase + p * inH * inW;
            Arrays.fill(dx, xPlane, xPlane + inH * inW, 0f);
            for (int oh = 0; oh < outH; oh++) {
                int ow = 0;
                int o = yBase + (p * outH + oh) * outW;
                int q = xPlane + 2 * oh * inW;
                for (; ow + half <= outW && o + ow + L <= dy.length; ow += half) {
                    // 0 + dy / 4, as the scalar code (dy * 1/4 is dy / 4); then lane k to lanes 2k and 2k + 1
                    FloatVector g = zero.lanewise(ADD, FloatVector.fromArray(S, dy, o + ow).lanewise(MUL, quarter));
                    LongVector w = (LongVector) g.reinterpretAsInts().convert(VectorOperators.I2L, 0);
                    FloatVector pairs = w.lanewise(VectorOperators.AND, lowWord)
                            .lanewise(VectorOperators.OR, w.lanewise(VectorOperators.LSHL, 32)).reinterpretAsFloats();
                    pairs.intoArray(dx, q + 2 * ow);
                    pairs.intoArray(dx, q + inW + 2 * ow);
                }
                for (; ow < outW; ow++) {
                    ScalarElementwiseKernels.avgPoolWindowBackward2x2(dy, o + ow, dx, q + 2 * ow, inW);
                }
            }
        }
    }

    /**
     * {@link #maxPool2x2} (or, if {@code average}, {@link #avgPool2x2}) of one plane; stores may spill
     * scrap up to {@code yEnd}, the end of the run of planes.
     */
    private static void pool2x2Plane(float[] x, int xBase, int inW, float[] y, int[] argmax, int yBase, int outH,
                                     int outW, int yEnd, boolean average) {
        int half = L / 2;
        for (int oh = 0; oh < outH; oh++) {
            for (int ow = 0; ow < outW; ow += half) {
                int count = Math.min(half, outW - ow);
                int cell = 2 * oh * inW + 2 * ow; // top-left cell of the first window, within the plane
                int out = yBase + oh * outW + ow;
                boolean pooled = false;
                if (xBase + cell + inW + 1 + L <= x.length) {
                    if (out + L <= yEnd) {
                        pooled = average ? averageHalfRow(x, xBase + cell, inW, y, out)
                                : poolHalfRow(x, xBase + cell, inW, cell, y, argmax, out);
                    } else {
                        float[] values = POOL_VALUES.get();
                        int[] winners = argmax == null ? null : POOL_WINNERS.get();
                        pooled = average ? averageHalfRow(x, xBase + cell, inW, values, 0)
                                : poolHalfRow(x, xBase + cell, inW, cell, values, winners, 0);
                        if (pooled) {
                            System.arraycopy(values, 0, y, out, count);
                            if (argmax != null) {
                                System.arraycopy(winners, 0, argmax, out, count);
                            }
                        }
                    }
                }
                for (int k = 0; !pooled && k < count; k++) {
                    if (average) {
                        ScalarElementwiseKernels.avgPoolWindow2x2(x, xBase + cell + 2 * k, inW, y, out + k);
                    } else {
                        ScalarElementwiseKernels.maxPoolWindow2x2(x, xBase, inW, cell + 2 * k, y, argmax, out + k);
                    }
                }
            }
        }
    }

    /**
     * The even float lanes of a vector (viewed as long lanes: the even float is a long's low half),
     * packed into the lower half; the upper half is 0. A long-to-int conversion, not a shuffle: the
     * Vector API checks a shuffle's indexes on every use.
     */
    private static FloatVector evenLanes(Vector<Long> pairs) {
        return (FloatVector) pairs.convert(VectorOperators.L2I, 0).reinterpretAsFloats();
    }

    /** The means of the L/2 windows whose top-left corners are x[top], x[top + 2], .. to {@code y[out ..]} (a whole vector, the upper half scrap); true. */
    private static boolean averageHalfRow(float[] x, int top, int inW, float[] y, int out) {
        FloatVector sum = FloatVector.zero(S).lanewise(ADD, FloatVector.fromArray(S, x, top))
                .lanewise(ADD, FloatVector.fromArray(S, x, top + 1))
                .lanewise(ADD, FloatVector.fromArray(S, x, top + inW))
                .lanewise(ADD, FloatVector.fromArray(S, x, top + inW + 1));
        evenLanes(sum.lanewise(MUL, FloatVector.broadcast(S, 0.25f)).reinterpretAsLongs()).intoArray(y, out);
        return true;
    }

    /**
     * The maxima of the L/2 windows whose top-left corners are x[top], x[top + 2], .. to
     * {@code y[out ..]} (a whole vector: the upper half is scrap), and, unless {@code argmax} is
     * null, their winners to {@code argmax[out ..]}: the winning cell within the plane, {@code cell}
     * being the first window's top-left one. False, with nothing stored, if the corners hold a NaN
     * or an infinity (the scalar path takes those).
     *
     * <p>No masks: C2 (JDK 17) makes each compare-and-blend a mask turned into a vector and back.
     * For finite u and v, {@code (u - v) + 0} is negative exactly where v > u (the + 0 turns the -0
     * of u = -0, v = +0 into +0), so its int bits {@code >>> 31} are 1 where v is strictly larger: the
     * first maximum wins, as in the scalar path. A choice by such a bit is {@code u ^ ((u ^ v) & -bit)}
     * on the int bits, and the winner's offset (0, 1, inW, inW + 1) is plain int arithmetic.
     */
    private static boolean poolHalfRow(float[] x, int top, int inW, int cell, float[] y, int[] argmax, int out) {
        FloatVector a = FloatVector.fromArray(S, x, top);
        FloatVector b = FloatVector.fromArray(S, x, top + 1);
        FloatVector c = FloatVector.fromArray(S, x, top + inW);
        FloatVector d = FloatVector.fromArray(S, x, top + inW + 1);
        FloatVector sum = a.add(b).add(c).add(d);
        if (sum.sub(sum).test(VectorOperators.IS_NAN).anyTrue()) {
            return false; // a NaN, or an infinity (inf - inf)
        }
        FloatVector zero = FloatVector.zero(S);
        IntVector right = a.sub(b).add(zero).reinterpretAsInts()
                .lanewise(VectorOperators.LSHR, 31);
        IntVector rightBottom = c.sub(d).add(zero).reinterpretAsInts()
                .lanewise(VectorOperators.LSHR, 31);
        IntVector ai = a.reinterpretAsInts();
        IntVector ci = c.reinterpretAsInts();
        IntVector ab = ai.lanewise(VectorOperators.XOR, ai.lanewise(VectorOperators.XOR, b.reinterpretAsInts()).and(right.neg()));
        IntVector cd = ci.lanewise(VectorOperators.XOR, ci.lanewise(VectorOperators.XOR, d.reinterpretAsInts()).and(rightBottom.neg()));
        IntVector bottom = ab.reinterpretAsFloats().sub(cd.reinterpretAsFloats()).add(zero)
                .reinterpretAsInts().lanewise(VectorOperators.LSHR, 31);
        // the even lanes packed into the lower half (evenLanes written out: a vector handed to a call C2
        // leaves uninlined is boxed)
        ((IntVector) ab.lanewise(VectorOperators.XOR, ab.lanewise(VectorOperators.XOR, cd).and(bottom.neg()))
                .reinterpretAsLongs().convert(VectorOperators.L2I, 0)).reinterpretAsFloats().intoArray(y, out);
        if (argmax != null) {
            // right, or inW + rightBottom where the bottom pair won
            IntVector offset = right.add(rightBottom.sub(right).add(inW).and(bottom.neg()));
            ((IntVector) offset.add(IntVector.fromArray(I, LANE_INDEX, 0)).add(IntVector.broadcast(I, cell))
                    .reinterpretAsLongs().convert(VectorOperators.L2I, 0)).intoArray(argmax, out);
        }
        return true;
    }
}
