package io.convspark.driver.train;

import java.io.Serializable;
import java.util.Locale;

/**
 * One replica's step-time breakdown over a training stage.
 *
 * @param waitNanos part of {@code allReduceNanos} spent waiting for the slowest peer's first bytes
 */
public record ReplicaTimes(int rank, long steps, long dataNanos, long computeNanos, long allReduceNanos,
                           long waitNanos, long updateNanos, double medianAllReduceMillis) implements Serializable {

    public long totalNanos() {
        return dataNanos + computeNanos + allReduceNanos + updateNanos;
    }

    /** Share of the step time spent in the all-reduce, 0..1. */
    public double allReduceShare() {
        long t = totalNanos();
        return t == 0 ? 0 : (double) allReduceNanos / t;
    }

    @Override
    public String toString() {
        double n = Math.max(1, steps);
        return String.format(Locale.ROOT, "rank %d: %d steps, per step: data %.2f ms, compute %.2f ms, all-reduce "
                        + "%.2f ms (median %.2f ms, waiting %.2f ms; %.1f%% of the step), update %.2f ms", rank, steps,
                dataNanos / 1e6 / n, computeNanos / 1e6 / n, allReduceNanos / 1e6 / n, medianAllReduceMillis,
                waitNanos / 1e6 / n, 100 * allReduceShare(), updateNanos / 1e6 / n);
    }
}
