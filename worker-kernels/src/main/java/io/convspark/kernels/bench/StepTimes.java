package io.convspark.kernels.bench;

import java.util.Arrays;

/**
 * Times a repeated action: untimed warm-up, then timed repetitions until a time budget is spent,
 * each repetition timed on its own so that the median can discard the ones another process
 * disturbed.
 */
public final class StepTimes {
    private long[] nanos = new long[64];
    private int count;
    private long total;

    /** Records one repetition's duration. */
    public void add(long durationNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = durationNanos;
        total += durationNanos;
    }

    public int count() {
        return count;
    }

    public long totalNanos() {
        return total;
    }

    /** Median duration (the mean of the two middle ones for an even count). */
    public double medianNanos() {
        requireSome();
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        return count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2.0;
    }

    public long minNanos() {
        requireSome();
        return Arrays.stream(nanos, 0, count).min().getAsLong();
    }

    public long maxNanos() {
        requireSome();
        return Arrays.stream(nanos, 0, count).max().getAsLong();
    }

    /** Untimed repetitions made at the least whenever a warm-up is asked for. */
    public static final int MIN_WARMUP_REPS = 20;

    private void requireSome() {
        if (count == 0) {
            throw new IllegalStateException("no repetitions were timed");
        }
    }

    /**
     * Runs {@code action} untimed for {@code warmupSeconds} and at least {@link #MIN_WARMUP_REPS}
     * times (for the JIT: C2 compiles a training step's kernels only after a few dozen steps, which a
     * short warm-up of a slow model does not reach), then timed until
     * {@code seconds} have been spent in it and at least {@code minReps} repetitions were made.
     */
    public static StepTimes measure(Runnable action, double warmupSeconds, double seconds, int minReps) {
        return measure(() -> { }, action, warmupSeconds, seconds, minReps, Integer.MAX_VALUE);
    }

    /**
     * Like {@link #measure(Runnable, double, double, int)}, running the untimed {@code prepare}
     * before every repetition (e.g. to restore an input that the action overwrites), and making at
     * most {@code maxReps} timed repetitions.
     */
    public static StepTimes measure(Runnable prepare, Runnable action, double warmupSeconds, double seconds,
                                    int minReps, int maxReps) {
        long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        int warmups = 0;
        do {
            prepare.run();
            action.run();
            warmups++;
        } while (System.nanoTime() < warmupEnd || (warmupSeconds > 0 && warmups < MIN_WARMUP_REPS));
        StepTimes times = new StepTimes();
        long budget = (long) (seconds * 1e9);
        while (times.count() < maxReps && (times.count() < minReps || times.totalNanos() < budget)) {
            prepare.run();
            long start = System.nanoTime();
            action.run();
            times.add(System.nanoTime() - start);
        }
        return times;
    }
}
