package io.convspark.kernels.train;

import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.losses.Targets;
import io.convspark.kernels.tensor.Tensor;
import java.util.List;
import java.util.Objects;

/**
 * Data parallelism inside one JVM: {@code N} replicas of one model, each with its own 1-thread
 * kernel executor, train at once on the {@code N} shards of every batch and apply the same mean
 * gradient, as the Spark replicas do across executors. A step's threads meet three times (after
 * backward, after the gradient is averaged, after the update) instead of at every parallel loop of
 * every layer (some 30 per mnist-deitel step), where each loop lasts as long as its slowest thread:
 * on a host whose cores' speeds drift apart, a replica that falls behind waits only once per step.
 *
 * <p>The step's result is the data-parallel one of {@code ReplicaTask}: replica {@code r} computes the
 * gradient of its shard's mean loss (samples {@code [s_r, s_{r+1})}, dropout masks keyed by the
 * global sample index), the mean gradient is {@code sum_r (n_r / n) g_r}, summed in replica order,
 * and every replica's optimizer applies it, so the replicas' weights stay equal bit for bit.
 * BatchNormalization normalizes each shard by its own statistics (as on Spark); its moving
 * statistics are averaged the same way after each step. The result equals a 1-thread step on the
 * whole batch within float rounding for models without BatchNormalization.
 */
public final class ReplicaTrainer implements AutoCloseable {
    /** Floats per chunk when the gradients are averaged. */
    private static final int AVERAGE_GRAIN = 1 << 14;

    private final List<Trainer> replicas;
    /** Slot {@code r} drives replica {@code r}; also averages the gradients. */
    private final KernelExecutor coordinator;
    private final Tensor[] shards;
    private final Targets[] shardTargets;
    private final int[][] shardLabels;
    private final Tensor[] shardDense;
    private final double[] losses;
    private final float[] weights;
    /** Per replica: its gradients (replica 0's become the mean) and its moving statistics. */
    private final float[][] gradients;
    private final float[][] statistics;

    /**
     * @param replicas trainers of copies of one model (equal weights), each on its own 1-thread
     *                 executor; this trainer closes the coordinating threads only
     */
    public ReplicaTrainer(List<Trainer> replicas) {
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("at least one replica is needed");
        }
        this.replicas = List.copyOf(replicas);
        Trainer first = replicas.get(0);
        for (Trainer t : this.replicas) {
            Objects.requireNonNull(t, "replica");
            if (t.context().executor().parallelism() != 1) {
                throw new IllegalArgumentException("each replica needs a 1-thread executor, got "
                        + t.context().executor().parallelism() + " threads");
            }
            if (t.model().parameters().values().length != first.model().parameters().values().length
                    || !t.model().inputShape().equals(first.model().inputShape())) {
                throw new IllegalArgumentException("replicas must be copies of one model: " + t.model().name()
                        + " differs from " + first.model().name());
            }
        }
        int n = this.replicas.size();
        this.coordinator = new KernelExecutor(n);
        this.shards = new Tensor[n];
        this.shardTargets = new Targets[n];
        this.shardLabels = new int[n][];
        this.shardDense = new Tensor[n];
        this.losses = new double[n];
        this.weights = new float[n];
        this.gradients = new float[n][];
        this.statistics = new float[n][];
        for (int r = 0; r < n; r++) {
            gradients[r] = this.replicas.get(r).model().parameters().grads();
            statistics[r] = this.replicas.get(r).model().parameters().state();
        }
    }

    public List<Trainer> replicas() {
        return replicas;
    }

    /**
     * One training step on {@code batch}: every replica's gradient on its shard, their mean, the same
     * optimizer update on every replica. Returns the batch's loss (the shards' losses weighted by
     * their share). A NaN or infinite loss is never trained through: the update is skipped (weights
     * and moving statistics as they were) and the iteration count advances, as
     * {@link Trainer#applyGradientsIfFinite} does; the caller sees the loss.
     */
    public double step(Tensor batch, Targets targets) {
        int n = batch.batch();
        int count = replicas.size();
        if (n < count) {
            throw new IllegalArgumentException("a batch of " + n + " samples cannot be shared by " + count + " replicas");
        }
        if (targets.count() != n) {
            throw new IllegalArgumentException("targets hold " + targets.count() + " samples, the batch " + n);
        }
        for (int r = 0; r < count; r++) {
            weights[r] = (float) (KernelExecutor.splitStart(n, count, r + 1) - KernelExecutor.splitStart(n, count, r)) / n;
        }
        coordinator.parallelFor(count, 1, (slot, from, to) -> {
            for (int r = from; r < to; r++) {
                int s0 = KernelExecutor.splitStart(n, count, r);
                int s1 = KernelExecutor.splitStart(n, count, r + 1);
                shard(r, batch, targets, s0, s1);
                losses[r] = replicas.get(r).computeGradients(shards[r], shardTargets[r], s0);
            }
        });
        double loss = 0;
        for (int r = 0; r < count; r++) {
            loss += weights[r] * losses[r];
        }
        boolean finite = Double.isFinite(loss);
        if (finite) {
            average(gradients, false);
            average(statistics, true);
        }
        float[] mean = gradients[0];
        coordinator.parallelFor(count, 1, (slot, from, to) -> {
            for (int r = from; r < to; r++) {
                Trainer t = replicas.get(r);
                if (finite) {
                    t.optimizer().update(t.model().parameters().values(), mean, t.iterations());
                }
                t.iterations(t.iterations() + 1);
            }
        });
        return loss;
    }

    /** Samples {@code [s0, s1)} of the batch and their targets into replica {@code r}'s buffers. */
    private void shard(int r, Tensor batch, Targets targets, int s0, int s1) {
        int size = batch.sampleSize();
        if (shards[r] == null || shards[r].capacity() < s1 - s0) {
            shards[r] = new Tensor(batch.sampleShape(), s1 - s0);
        }
        shards[r].setBatch(s1 - s0);
        System.arraycopy(batch.data(), s0 * size, shards[r].data(), 0, (s1 - s0) * size);
        if (targets.hasLabels()) {
            if (shardLabels[r] == null || shardLabels[r].length < s1 - s0) {
                shardLabels[r] = new int[s1 - s0];
            }
            System.arraycopy(targets.labels(), s0, shardLabels[r], 0, s1 - s0);
            int classes = replicas.get(r).model().outputShape().size();
            shardTargets[r] = shardTargets[r] == null ? Targets.ofLabels(shardLabels[r], s1 - s0, classes)
                    : shardTargets[r].setLabels(shardLabels[r], s1 - s0, classes);
        } else {
            Tensor dense = targets.dense();
            int width = dense.sampleSize();
            if (shardDense[r] == null || shardDense[r].capacity() < s1 - s0) {
                shardDense[r] = new Tensor(dense.sampleShape(), s1 - s0);
            }
            shardDense[r].setBatch(s1 - s0);
            System.arraycopy(dense.data(), s0 * width, shardDense[r].data(), 0, (s1 - s0) * width);
            shardTargets[r] = shardTargets[r] == null ? Targets.ofDense(shardDense[r])
                    : shardTargets[r].setDense(shardDense[r]);
        }
    }

    /**
     * {@code a[0][i] = sum_r weights[r] a[r][i]}, summed in replica order, and to every replica's
     * array too if {@code toAll} (the gradients' mean stays in {@code a[0]}, which the optimizers read).
     */
    private void average(float[][] a, boolean toAll) {
        int length = a[0].length;
        coordinator.parallelFor(length, AVERAGE_GRAIN, (slot, from, to) -> {
            for (int i = from; i < to; i++) {
                float sum = 0f;
                for (int r = 0; r < a.length; r++) {
                    sum += weights[r] * a[r][i];
                }
                a[0][i] = sum;
                if (toAll) {
                    for (int r = 1; r < a.length; r++) {
                        a[r][i] = sum;
                    }
                }
            }
        });
    }

    /** Stops the coordinating threads (the replicas' executors belong to the caller). */
    @Override
    public void close() {
        coordinator.close();
    }
}
