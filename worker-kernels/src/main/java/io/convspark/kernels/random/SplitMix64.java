package io.convspark.kernels.random;

/**
 * Counter-based random numbers from the SplitMix64 generator. A draw is a pure function of its
 * coordinates, never of a mutable generator's history, so it does not depend on how work is split
 * across threads, partitions or data-parallel replicas:
 *
 * <pre>
 *   key  = key(seed, step, sample)        // one stream per coordinate tuple
 *   bits = bits(key, i)                   // i-th 64-bit value of that stream
 *   u    = unitFloat(bits)                // uniform in [0, 1); or unitDouble, boundedInt, bernoulli
 * </pre>
 *
 * {@code bits(key, i)} is exactly the {@code (i+1)}-th output of Vigna's {@code splitmix64.c}
 * started at state {@code key}. {@link #mix} is a bijection, so distinct counters of one stream never
 * collide. Stream keys come in two families, both chains of full mixes but different functions (each
 * fixes streams that must stay reproducible): {@link #key(long, long, long)} absorbs the coordinates
 * as they are (Dropout: layer seed, step, sample), {@link #spreadKey} first mixes each coordinate on
 * its own (data: shuffles and augmentation per seed, epoch, sample).
 */
public final class SplitMix64 {
    /** SplitMix64's increment, the odd integer closest to 2^64 / golden ratio. */
    public static final long GAMMA = 0x9E3779B97F4A7C15L;

    /** Separates epoch-shuffle streams from other users of the same seed. */
    private static final long SHUFFLE_DOMAIN = 0x53485546464C4531L;

    private SplitMix64() {
    }

    /** The multipliers of {@link #mix}, for vectorized copies of it. */
    public static final long MIX_1 = 0xBF58476D1CE4E5B9L;
    public static final long MIX_2 = 0x94D049BB133111EBL;

    /** SplitMix64's output function (Stafford's variant 13): a bijective avalanche mix of 64 bits. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * MIX_1;
        z = (z ^ (z >>> 27)) * MIX_2;
        return z ^ (z >>> 31);
    }

    /** The stream key of {@code (a, b)}: {@code mix(mix(a + GAMMA) ^ b)}. */
    public static long key(long a, long b) {
        return mix(mix(a + GAMMA) ^ b);
    }

    /** The stream key of {@code (a, b, c)}, e.g. (layer seed, global step, global sample index): {@code mix(key(a, b) ^ c)}. */
    public static long key(long a, long b, long c) {
        return mix(key(a, b) ^ c);
    }

    /**
     * The stream key of {@code (seed, a, b)} with each coordinate mixed on its own before it is
     * absorbed: {@code key(seed, mix(a + 2 GAMMA), mix(b + 3 GAMMA))}, e.g. (seed, epoch, global
     * sample index). Not interchangeable with {@link #key(long, long, long)}.
     */
    public static long spreadKey(long seed, long a, long b) {
        return key(seed, mix(a + 2 * GAMMA), mix(b + 3 * GAMMA));
    }

    /** The {@code counter}-th 64-bit value (counter >= 0) of the stream {@code key}. */
    public static long bits(long key, long counter) {
        return mix(key + (counter + 1) * GAMMA);
    }

    /** Uniform in [0, 1) from the top 24 bits (every float of the form k / 2^24). */
    public static float unitFloat(long bits) {
        return (bits >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [0, 1) from the top 53 bits. */
    public static double unitDouble(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }

    /**
     * Uniform integer in [0, bound): the high word of the unsigned 128-bit product {@code bits * bound}
     * (Lemire's multiply-shift, bias below {@code bound / 2^64}).
     */
    public static int boundedInt(long bits, int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        // multiplyHigh is signed; adding bound when bits < 0 makes it the unsigned high word
        return (int) (Math.multiplyHigh(bits, bound) + ((bits >> 63) & bound));
    }

    /**
     * The threshold {@code t} for which {@link #bernoulli bernoulli(bits, t)} is true with probability
     * {@code p} (to 2^-53), so a Bernoulli(p) draw needs no floating point.
     */
    public static long bernoulliThreshold(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("probability must be in [0, 1], got " + p);
        }
        return (long) Math.rint(p * 0x1.0p53);
    }

    /** A Bernoulli draw: whether the top 53 bits are below {@code threshold} (see {@link #bernoulliThreshold}). */
    public static boolean bernoulli(long bits, long threshold) {
        return (bits >>> 11) < threshold;
    }

    /**
     * A uniformly random permutation of {@code [0, n)} (Fisher-Yates) that depends only on
     * {@code (seed, epoch)}: the driver and every replica compute the same order independently.
     */
    public static int[] permutation(int n, long seed, long epoch) {
        if (n < 0) {
            throw new IllegalArgumentException("permutation size must be >= 0, got " + n);
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        long key = spreadKey(seed ^ SHUFFLE_DOMAIN, epoch, 0);
        for (int i = n - 1; i > 0; i--) {
            int j = boundedInt(bits(key, n - 1 - i), i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
