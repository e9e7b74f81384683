package io.convspark.driver.train;

import java.util.Arrays;

/**
 * Where a replica's step time goes: batch assembly (data), forward/backward (compute), the all-reduce
 * (of which waiting for the slowest peer is reported apart) and the optimizer update. Keeps every
 * step's all-reduce time for the median.
 */
final class StepTimer {
    long steps;
    long dataNanos;
    long computeNanos;
    long allReduceNanos;
    long waitNanos;
    long updateNanos;
    private long[] allReduceSamples = new long[1024];

    void addAllReduce(long nanos) {
        if (steps >= allReduceSamples.length) {
            allReduceSamples = Arrays.copyOf(allReduceSamples, allReduceSamples.length * 2);
        }
        allReduceSamples[(int) steps] = nanos;
        allReduceNanos += nanos;
    }

    double medianAllReduceMillis() {
        if (steps == 0) {
            return 0;
        }
        long[] a = Arrays.copyOf(allReduceSamples, (int) steps);
        Arrays.sort(a);
        return a[a.length / 2] / 1e6;
    }

    ReplicaTimes toTimes(int rank) {
        return new ReplicaTimes(rank, steps, dataNanos, computeNanos, allReduceNanos, waitNanos, updateNanos,
                medianAllReduceMillis());
    }
}
