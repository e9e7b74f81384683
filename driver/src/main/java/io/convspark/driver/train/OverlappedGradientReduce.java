package io.convspark.driver.train;

import io.convspark.driver.allreduce.AllReduceStats;
import io.convspark.driver.allreduce.RingAllReduce;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * The global-batch gradient all-reduce of one replica, overlapped with its backward pass (in the
 * spirit of PyTorch DDP's buckets). The flat gradient is cut into fixed buckets from its end down:
 * bucket {@code i} is {@code [total - (i+1) B, total - i B)} (clipped at 0). Backward runs from the
 * last layer to the first and reports watermarks ({@link io.convspark.kernels.model.Model#backward
 * Model.backward}): once every gradient above a bucket's lower bound is final, the bucket is handed
 * to one communication thread, which reduces it on the ring while the earlier layers compute.
 * {@link #finish} hands over whatever is left and waits.
 *
 * <p>Every rank issues the same buckets in the same order whatever its timing (a rank with no samples
 * issues them all in {@code finish}), which is what the ring needs. A failure on the communication
 * thread is rethrown by {@code finish} on the training thread.
 */
final class OverlappedGradientReduce implements IntConsumer, AutoCloseable {
    private final RingAllReduce ring;
    private final float[] grads;
    private final int bucket;
    private final int buckets;
    private final ExecutorService comm;
    private final List<Future<AllReduceStats>> pending = new ArrayList<>();
    private int issued;
    private float weight;
    private float divisor;

    OverlappedGradientReduce(RingAllReduce ring, float[] grads, int bucketFloats, int rank) {
        this.ring = ring;
        this.grads = grads;
        this.bucket = Math.max(1, bucketFloats);
        this.buckets = Math.max(1, (grads.length + bucket - 1) / bucket);
        this.comm = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "convspark-allreduce-rank-" + rank);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts a step: this rank's sample count and the global batch (see {@link RingAllReduce#allReduce}). */
    void begin(int localSamples, int globalSamples) {
        issued = 0;
        pending.clear();
        weight = localSamples;
        divisor = globalSamples;
    }

    private int lowerBound(int i) {
        return Math.max(0, grads.length - (i + 1) * bucket);
    }

    /** Gradients at offsets {@code >= watermark} are final: hand over every bucket that lies above it. */
    @Override
    public void accept(int watermark) {
        while (issued < buckets && lowerBound(issued) >= watermark) {
            int from = lowerBound(issued);
            int to = grads.length - issued * bucket;
            float w = weight;
            float d = divisor;
            pending.add(comm.submit(() -> {
                ring.allReduce(grads, from, to - from, w, d);
                return ring.lastCallStats();
            }));
            issued++;
        }
    }

    /** Hands over the rest, waits for every bucket of the step and returns their summed statistics. */
    AllReduceStats finish() {
        accept(0);
        AllReduceStats sum = AllReduceStats.ZERO;
        for (Future<AllReduceStats> f : pending) {
            try {
                sum = sum.plus(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the gradient all-reduce", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException("gradient all-reduce failed: " + cause, cause);
            }
        }
        pending.clear();
        return sum;
    }

    @Override
    public void close() {
        comm.shutdownNow();
    }
}
