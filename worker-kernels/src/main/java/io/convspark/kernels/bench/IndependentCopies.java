package io.convspark.kernels.bench;

/**
 * What the host allows a model at {@code threads} cores, next to the two ways this project uses them:
 * in rounds of four phases of equal length, one copy of the model trained by a 1-thread executor
 * alone; {@code threads} copies, each with its own 1-thread executor on its own Java thread, trained
 * at once on batches of their own (nothing shared, nothing waited for: only the cores, caches and
 * memory of the host); one copy trained by a {@code threads}-thread executor (every layer's loops
 * split across the threads); {@code threads} replicas sharing each batch ({@code ReplicaTrainer}: data
 * parallel, one meeting per step). Images/s are wall-clock (steps done over the phase's time), summed
 * over the rounds per phase, so that a spell of a neighbour's load shows in every figure it falls on.
 * {@code ceiling} is the copies' images/s over the lone copy's: training cannot scale further than
 * that on this host, for this model, unless it moves less memory than the copies do.
 *
 * @param threads      cores, copies and kernel threads
 * @param rounds       rounds of the three phases
 * @param alone        images/s of one copy at 1 thread alone
 * @param copies       images/s of the {@code threads} copies at once, together
 * @param manyThreads  images/s of one copy at {@code threads} threads
 * @param ceiling      {@code copies / alone}
 * @param replicas     images/s of {@code threads} replicas sharing each batch
 * @param scaling      {@code manyThreads / alone}
 * @param shareOfCeiling {@code scaling / ceiling}
 * @param replicaScaling {@code replicas / alone}
 * @param replicaShareOfCeiling {@code replicaScaling / ceiling}
 */
public record IndependentCopies(int threads, int rounds, double alone, double copies, double manyThreads,
                                double replicas, double ceiling, double scaling, double shareOfCeiling,
                                double replicaScaling, double replicaShareOfCeiling) {

    static IndependentCopies of(int threads, int rounds, double alone, double copies, double manyThreads,
                                double replicas) {
        return new IndependentCopies(threads, rounds, alone, copies, manyThreads, replicas, copies / alone,
                manyThreads / alone, manyThreads / copies, replicas / alone, replicas / copies);
    }
}
