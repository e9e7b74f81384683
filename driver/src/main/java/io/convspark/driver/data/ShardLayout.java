package io.convspark.driver.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * How a data set of {@code samples} images is cut into {@code shards} fixed shards, how the shards are
 * spread over {@code workers} replicas, and which part of each shard forms each global mini-batch.
 *
 * <p>Sample {@code perm[k]} of a seeded permutation goes to shard {@code k % shards}, so shard sizes
 * differ by at most one. Global mini-batch {@code t} of an epoch is the concatenation, in shard order,
 * of slice {@code t} of every shard's own per-epoch order; shard {@code s} contributes
 * {@code sliceSize(s)} samples (the batch size split as evenly as possible), fewer at the end of the
 * epoch. Replica {@code r} owns the contiguous shard range
 * {@code [r * shards/workers, (r+1) * shards/workers)}, so its samples are a contiguous run of every
 * global batch and the global batches are the same for any worker count that divides the shard
 * count: that is what makes N-worker and 1-worker training equal.
 */
public final class ShardLayout implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int samples;
    private final int shards;
    private final int workers;
    private final int batchSize;
    private final int[] shardSizes;
    private final int[] sliceSizes;
    private final int stepsPerEpoch;

    public ShardLayout(int samples, int shards, int workers, int batchSize) {
        if (samples < 1) {
            throw new IllegalArgumentException("the training data set is empty");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers: expected >= 1, found " + workers);
        }
        if (shards < workers || shards % workers != 0) {
            throw new IllegalArgumentException("shards: expected a multiple of the worker count " + workers
                    + ", found " + shards);
        }
        if (batchSize < shards) {
            throw new IllegalArgumentException("batch size " + batchSize + " is smaller than the shard count "
                    + shards + ": every shard must contribute at least one sample per mini-batch");
        }
        if (samples < shards) {
            throw new IllegalArgumentException("the data set has " + samples + " samples, fewer than the "
                    + shards + " shards");
        }
        this.samples = samples;
        this.shards = shards;
        this.workers = workers;
        this.batchSize = batchSize;
        this.shardSizes = new int[shards];
        this.sliceSizes = new int[shards];
        int steps = 0;
        for (int s = 0; s < shards; s++) {
            shardSizes[s] = samples / shards + (s < samples % shards ? 1 : 0);
            sliceSizes[s] = batchSize / shards + (s < batchSize % shards ? 1 : 0);
            steps = Math.max(steps, (shardSizes[s] + sliceSizes[s] - 1) / sliceSizes[s]);
        }
        this.stepsPerEpoch = steps;
    }

    public int samples() {
        return samples;
    }

    public int shards() {
        return shards;
    }

    public int workers() {
        return workers;
    }

    public int batchSize() {
        return batchSize;
    }

    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    public int shardSize(int shard) {
        return shardSizes[shard];
    }

    public int sliceSize(int shard) {
        return sliceSizes[shard];
    }

    /** First shard owned by replica {@code rank}. */
    public int firstShard(int rank) {
        checkRank(rank);
        return rank * (shards / workers);
    }

    /** One past the last shard owned by replica {@code rank}. */
    public int endShard(int rank) {
        checkRank(rank);
        return (rank + 1) * (shards / workers);
    }

    /** Samples shard {@code shard} contributes to step {@code step} of an epoch (0 once it is used up). */
    public int count(int shard, int step) {
        int start = step * sliceSizes[shard];
        return Math.max(0, Math.min(sliceSizes[shard], shardSizes[shard] - start));
    }

    /** Where shard {@code shard}'s slice starts in its per-epoch order at step {@code step}. */
    public int sliceStart(int shard, int step) {
        return step * sliceSizes[shard];
    }

    /** Samples in global mini-batch {@code step}. */
    public int globalCount(int step) {
        int n = 0;
        for (int s = 0; s < shards; s++) {
            n += count(s, step);
        }
        return n;
    }

    /** Position of shard {@code shard}'s first sample within global mini-batch {@code step}. */
    public int offsetInBatch(int shard, int step) {
        int n = 0;
        for (int s = 0; s < shard; s++) {
            n += count(s, step);
        }
        return n;
    }

    /** Index of shard {@code shard}'s first sample when all shards are laid end to end (augmentation keys). */
    public long keyBase(int shard) {
        long n = 0;
        for (int s = 0; s < shard; s++) {
            n += shardSizes[s];
        }
        return n;
    }

    /** The data set indices of each shard, from the assignment seed (see the class comment). */
    public int[][] assign(int[] permutation) {
        if (permutation.length != samples) {
            throw new IllegalArgumentException("permutation of " + permutation.length + " samples for a layout of "
                    + samples);
        }
        int[][] result = new int[shards][];
        for (int s = 0; s < shards; s++) {
            result[s] = new int[shardSizes[s]];
        }
        for (int k = 0; k < samples; k++) {
            result[k % shards][k / shards] = permutation[k];
        }
        return result;
    }

    private void checkRank(int rank) {
        if (rank < 0 || rank >= workers) {
            throw new IllegalArgumentException("rank " + rank + " is out of range for " + workers + " workers");
        }
    }

    @Override
    public String toString() {
        return "ShardLayout{" + samples + " samples, " + shards + " shards over " + workers + " workers, batch "
                + batchSize + " = " + Arrays.toString(sliceSizes) + ", " + stepsPerEpoch + " steps/epoch}";
    }
}
