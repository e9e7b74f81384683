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

    /** Longest extra warm-up waiting for the JIT to settle. */
    static final double MAX_JIT_WAIT_SECONDS = 30;
    /** A half-second window with at most this much compiling counts as quiet. */
    private static final long QUIET_COMPILE_MILLIS = 5;

    /**
     * Goes on repeating, untimed, until the JIT compilers worked at most {@value #QUIET_COMPILE_MILLIS}
     * ms in the last half second (at most {@link #MAX_JIT_WAIT_SECONDS} more). With every core
     * busy a compile thread takes a core from one of the kernel threads, and each parallel loop then
     * waits for that thread: mnist-deitel trained at 2,591 images/s on 2 threads after a 2 s warm-up
     * and at 4,194 after 8 s, while 1 thread (a core left for the JIT) measured the same either way.
     */
    private static void untilJitQuiet(Runnable prepare, Runnable action) {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long deadline = System.nanoTime() + (long) (MAX_JIT_WAIT_SECONDS * 1e9);
        long windowStart = System.nanoTime();
        long compiledAtStart = jit.getTotalCompilationTime();
        while (System.nanoTime() < deadline) {
            prepare.run();
            action.run();
            if (System.nanoTime() - windowStart >= 500_000_000L) {
                long compiled = jit.getTotalCompilationTime();
                if (compiled - compiledAtStart <= QUIET_COMPILE_MILLIS) {
                    return;
                }
                windowStart = System.nanoTime();
                compiledAtStart = compiled;
            }
        }
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
     * short warm-up of a slow model does not reach) and then until the JIT is quiet
     * ({@link #untilJitQuiet}), then timed until
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
        if (warmupSeconds > 0) {
            untilJitQuiet(prepare, action);
        }
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
