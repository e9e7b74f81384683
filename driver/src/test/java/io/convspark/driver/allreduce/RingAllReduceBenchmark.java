package io.convspark.driver.allreduce;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times the all-reduce of one gradient array (485,514 floats: mnist-deitel) between ranks on
 * loopback, each rank a thread of this JVM. Prints the median, p90 and mean of rank 0's call times
 * and the wait/transfer breakdown.
 *
 * <pre>
 *   java -cp ... io.convspark.driver.allreduce.RingAllReduceBenchmark [floats] [iterations] [world] [chunkKiB]
 * </pre>
 */
public final class RingAllReduceBenchmark {

    private RingAllReduceBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int floats = args.length > 0 ? Integer.parseInt(args[0]) : 485_514;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int world = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int chunkKiB = args.length > 3 ? Integer.parseInt(args[3]) : AllReduceSettings.defaults().chunkBytes() / 1024;
        int warmup = 50;
        AllReduceSettings settings = AllReduceSettings.defaults().withChunkBytes(chunkKiB * 1024);
        try (LoopbackRing ring = LoopbackRing.form(world, settings)) {
            List<long[]> times = ring.onAllRanks(rank -> {
                RingAllReduce r = ring.rings.get(rank);
                float[] data = new float[floats];
                Arrays.fill(data, 1e-3f * (rank + 1));
                long[] nanos = new long[iterations];
                for (int i = 0; i < warmup + iterations; i++) {
                    long start = System.nanoTime();
                    r.average(data);
                    if (i >= warmup) {
                        nanos[i - warmup] = System.nanoTime() - start;
                    }
                }
                return nanos;
            });
            long[] rank0 = times.get(0).clone();
            Arrays.sort(rank0);
            AllReduceStats total = ring.rings.get(0).totalStats();
            System.out.printf(Locale.ROOT,
                    "all-reduce of %,d floats (%.2f MB), %d ranks on loopback, %d KiB chunks, %d iterations:%n"
                            + "  median %.3f ms, p90 %.3f ms, min %.3f ms, mean %.3f ms%n"
                            + "  rank 0 incl. warm-up: %s%n",
                    floats, floats * 4 / 1e6, world, chunkKiB, iterations,
                    rank0[iterations / 2] / 1e6, rank0[iterations * 9 / 10] / 1e6, rank0[0] / 1e6,
                    Arrays.stream(rank0).average().orElse(0) / 1e6, total);
        }
    }
}
