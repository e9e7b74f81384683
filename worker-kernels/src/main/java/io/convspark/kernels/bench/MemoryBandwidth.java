package io.convspark.kernels.bench;

import io.convspark.kernels.compute.KernelExecutor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The memory system's streaming rate: GB/s read plus written while every thread scales its own
 * pair of 32 MiB arrays ({@code d[i] = s[i] * a + b}, far past the caches). Passes over whole
 * activation tensors (batch normalization, pooling, the lowering and the tile transforms of large
 * layers) are bound by it, and where one core already takes most of it those passes do not get
 * faster with more threads, which bounds the training throughput's thread scaling. On the shared
 * 2-core Zen 5 machines of 2026-12 it varied from run to run: 36-52 GB/s for one thread, 42-88 GB/s
 * for two.
 *
 * @param threads           threads running concurrently
 * @param gbPerSecond       total GB/s (read + written) of all threads (median round)
 * @param perThreadGbPerSecond {@code gbPerSecond / threads}
 */
public record MemoryBandwidth(int threads, double gbPerSecond, double perThreadGbPerSecond) {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per array: 8 Mi (32 MiB), two arrays a thread. */
    static final int FLOATS = 8 << 20;

    /** Streams on every thread of {@code executor} for about {@code seconds}. */
    public static MemoryBandwidth measure(KernelExecutor executor, double seconds) {
        int t = executor.parallelism();
        float[][] source = new float[t][FLOATS];
        float[][] target = new float[t][FLOATS];
        Runnable round = () -> executor.parallelFor(t, 1, (slot, from, to) -> {
            for (int s = from; s < to; s++) {
                scale(source[s], target[s]);
            }
        });
        StepTimes times = StepTimes.measure(round, Math.min(1.0, seconds / 2), seconds, 5);
        double bytes = 2.0 * Float.BYTES * FLOATS * t;
        double gbPerSecond = bytes / times.medianNanos();
        return new MemoryBandwidth(t, gbPerSecond, gbPerSecond / t);
    }

    /** d[i] = s[i] * 0.5 + 1 over whole vectors (FLOATS is a multiple of any vector length). */
    private static void scale(float[] s, float[] d) {
        for (int i = 0; i < s.length; i += S.length()) {
            FloatVector.fromArray(S, s, i).fma(0.5f, 1f).intoArray(d, i);
        }
    }
}
