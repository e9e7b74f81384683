package io.convspark.kernels.bench;

/**
 * What the host allows a model at {@code threads} cores, next to what the model's own threads get:
 * in rounds of three phases of equal length, one copy of the model trained by a 1-thread executor
 * alone; {@code threads} copies, each with its own 1-thread executor on its own Java thread, trained
 * at once (nothing shared, nothing waited for: only the cores, caches and memory of the host); one
 * copy trained by a {@code threads}-thread executor. Images/s are wall-clock (steps done over the
 * phase's time), summed over the rounds per phase, so that a spell of a neighbour's load shows in
 * every figure it falls on. {@code ceiling} is the copies' images/s over the lone copy's: a
 * data-parallel kernel cannot scale further than that on this host, for this model, unless it
 * moves less memory than the copies do.
 *
 * @param threads      cores, copies and kernel threads
 * @param rounds       rounds of the three phases
 * @param alone        images/s of one copy at 1 thread alone
 * @param copies       images/s of the {@code threads} copies at once, together
 * @param manyThreads  images/s of one copy at {@code threads} threads
 * @param ceiling      {@code copies / alone}
 * @param scaling      {@code manyThreads / alone}
 * @param shareOfCeiling {@code scaling / ceiling}
 */
public record IndependentCopies(int threads, int rounds, double alone, double copies, double manyThreads,
                                double ceiling, double scaling, double shareOfCeiling) {

    static IndependentCopies of(int threads, int rounds, double alone, double copies, double manyThreads) {
        return new IndependentCopies(threads, rounds, alone, copies, manyThreads, copies / alone, manyThreads / alone,
                manyThreads / copies);
    }
}
