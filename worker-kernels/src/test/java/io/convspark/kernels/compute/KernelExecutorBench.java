package io.convspark.kernels.compute;

import java.util.Locale;

/**
 * Microseconds per two-slot parallel loop with an empty body, after the caller alone spent a gap of
 * 0 to 2000 us (as between a training step's loops), with the kernel threads' spinning on (the default)
 * or off ({@code -Dconvspark.kernel.spinMicros=0}: they park at once, as a plain thread pool does):
 * {@code java --add-modules=jdk.incubator.vector [-Dconvspark.kernel.spinMicros=0] -cp ...
 * io.convspark.kernels.compute.KernelExecutorBench [rounds]}.
 */
public final class KernelExecutorBench {
    private KernelExecutorBench() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        float[] sink = new float[2];
        try (KernelExecutor ex = new KernelExecutor(2)) {
            for (int r = 0; r < rounds; r++) {
                for (int gap : new int[] {0, 20, 100, 500, 2000}) {
                    int n = 4000;
                    long total = 0;
                    for (int i = 0; i < n; i++) {
                        long w = System.nanoTime();
                        while (System.nanoTime() - w < gap * 1000L) {
                            Thread.onSpinWait();
                        }
                        long t0 = System.nanoTime();
                        ex.parallelFor(2, 1, (slot, from, to) -> sink[slot] += 1);
                        total += System.nanoTime() - t0;
                    }
                    System.out.printf(Locale.ROOT, "round %d, gap %4d us: %6.1f us per loop%n", r + 1, gap,
                            total / 1e3 / n);
                }
            }
        }
    }
}
