package io.convspark.driver.train;

import io.convspark.driver.checkpoint.CheckpointException;
import io.convspark.driver.checkpoint.TrainingCheckpoint;
import io.convspark.driver.data.ShardBlock;
import io.convspark.driver.data.ShardLayout;
import io.convspark.kernels.compute.Gemms;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.data.BatchAssembler;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.layers.StepContext;
import io.convspark.kernels.losses.Targets;
import io.convspark.kernels.metrics.Metric;
import io.convspark.kernels.model.Model;
import io.convspark.kernels.model.ParameterStore;
import io.convspark.kernels.random.SplitMix64;
import io.convspark.kernels.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One replica's model and data, whichever way gradients are combined: its shards of the training set
 * (laid end to end), its part of the validation set, and a {@link Trainer} built from the plan.
 * {@link #prepareStep} assembles the replica's slice of global mini-batch {@code step};
 * {@link #computeGradients} leaves the gradient of the mean loss over that slice in the parameter store.
 */
final class Replica {
    private static final int EVAL_BATCH = 256;

    final int rank;
    final Trainer trainer;
    private final TrainingPlan plan;
    private final ShardLayout layout;
    private final int firstShard;
    private final int endShard;
    private final int[] shardBase;
    private final ImageDataset validation;
    private final BatchAssembler assembler;
    private final Targets targets;
    private final int classes;
    private final int[] indices;
    private final int[][] orders;
    private int orderEpoch = -1;

    Replica(TrainingPlan plan, ShardLayout layout, int rank, List<ShardBlock> blocks, KernelExecutor executor) {
        this.plan = plan;
        this.layout = layout;
        this.rank = rank;
        this.firstShard = layout.firstShard(rank);
        this.endShard = layout.endShard(rank);
        List<ShardBlock> trainBlocks = new ArrayList<>();
        List<ImageDataset> valParts = new ArrayList<>();
        for (ShardBlock b : blocks) {
            if (!b.validation()) {
                trainBlocks.add(b);
            } else if (b.size() > 0) {
                valParts.add(b.dataset());
            }
        }
        trainBlocks.sort(Comparator.comparingInt(ShardBlock::shard));
        if (trainBlocks.size() != endShard - firstShard) {
            throw new IllegalStateException("replica " + rank + " received " + trainBlocks.size()
                    + " training shards, expected shards [" + firstShard + ", " + endShard + ")");
        }
        shardBase = new int[endShard - firstShard];
        List<ImageDataset> parts = new ArrayList<>();
        int base = 0;
        for (int i = 0; i < trainBlocks.size(); i++) {
            ShardBlock b = trainBlocks.get(i);
            if (b.shard() != firstShard + i || b.size() != layout.shardSize(b.shard())) {
                throw new IllegalStateException("replica " + rank + ": shard " + b.shard() + " of " + b.size()
                        + " samples where shard " + (firstShard + i) + " of " + layout.shardSize(firstShard + i)
                        + " was expected");
            }
            shardBase[i] = base;
            base += b.size();
            parts.add(b.dataset());
        }
        ImageDataset train = parts.size() == 1 ? parts.get(0) : ImageDataset.concat(parts);
        validation = valParts.isEmpty() ? null : valParts.size() == 1 ? valParts.get(0) : ImageDataset.concat(valParts);

        Model model = plan.buildModel();
        trainer = new Trainer(model, plan.buildLoss(), plan.buildOptimizer().setExecutor(executor),
                plan.buildMetrics(), new StepContext(executor, Gemms.get()));
        classes = model.outputShape().size();
        int maxLocal = 0;
        for (int s = firstShard; s < endShard; s++) {
            maxLocal += layout.sliceSize(s);
        }
        assembler = new BatchAssembler(train, plan.normalizer(), plan.augmentation(), maxLocal, executor)
                .sampleKeyBase(layout.keyBase(firstShard));
        targets = Targets.ofLabels(assembler.labels(), 0, classes);
        indices = new int[maxLocal];
        orders = new int[endShard - firstShard][];
    }

    ParameterStore parameters() {
        return trainer.model().parameters();
    }

    List<Metric> metrics() {
        return trainer.metrics();
    }

    /** Copies a checkpoint's weights, state, optimizer slots and iteration count into this replica. */
    void load(TrainingCheckpoint ckpt) throws CheckpointException {
        ParameterStore p = parameters();
        if (ckpt.values().length != p.values().length || ckpt.state().length != p.state().length) {
            throw new CheckpointException("checkpoint of step " + ckpt.globalStep() + " holds " + ckpt.values().length
                    + " parameters and " + ckpt.state().length + " state values, but model '"
                    + trainer.model().name() + "' has " + p.values().length + " and " + p.state().length
                    + ": it belongs to another model");
        }
        setWeights(ckpt.values(), ckpt.state());
        trainer.optimizer().loadState(ckpt.optimizer(), ckpt.iterations());
        trainer.iterations(ckpt.iterations());
    }

    void setWeights(float[] values, float[] state) {
        System.arraycopy(values, 0, parameters().values(), 0, values.length);
        System.arraycopy(state, 0, parameters().state(), 0, state.length);
    }

    /**
     * Assembles this replica's slice of global mini-batch {@code step} of {@code epoch} (normalized,
     * augmented); returns its sample count, 0 when its shards are used up for this epoch.
     */
    int prepareStep(int epoch, int step) {
        if (orderEpoch != epoch) {
            // Shard s is shuffled by (seed, s, epoch) alone: the same order whichever replica owns it.
            for (int i = 0; i < orders.length; i++) {
                int s = firstShard + i;
                orders[i] = plan.shuffle()
                        ? SplitMix64.permutation(layout.shardSize(s), SplitMix64.key(plan.seed(), s), epoch)
                        : identity(layout.shardSize(s));
            }
            orderEpoch = epoch;
        }
        int n = 0;
        for (int i = 0; i < orders.length; i++) {
            int s = firstShard + i;
            int c = layout.count(s, step);
            int from = layout.sliceStart(s, step);
            for (int k = 0; k < c; k++) {
                indices[n++] = shardBase[i] + orders[i][from + k];
            }
        }
        if (n > 0) {
            assembler.fillTraining(indices, 0, n, epoch);
            targets.setLabels(assembler.labels(), n, classes);
        }
        return n;
    }

    /**
     * Forward and backward over the {@code n} prepared samples: the gradient of their mean loss in the
     * parameter store (zeros when {@code n == 0}); returns their mean loss (plus regularization).
     */
    double computeGradients(int step, int n) {
        return computeGradients(step, n, null);
    }

    /**
     * {@link #computeGradients(int, int)} reporting gradient watermarks to {@code finalFrom} during
     * backward (see {@link io.convspark.kernels.model.Model#backward(io.convspark.kernels.layers.StepContext,
     * boolean, java.util.function.IntConsumer) Model.backward}); with a listener the regularization
     * gradients are left out, for the caller to add after the reduction.
     */
    double computeGradients(int step, int n, java.util.function.IntConsumer finalFrom) {
        if (n == 0) {
            Arrays.fill(parameters().grads(), 0f);
            return 0;
        }
        return trainer.computeGradients(assembler.inputs(), targets, layout.offsetInBatch(firstShard, step),
                finalFrom);
    }

    /**
     * This replica's validation sums {@code [count, count * loss, count * metric...]}, zeros if it holds no
     * validation samples; added over replicas they give the validation means.
     */
    float[] validationSums() {
        List<Metric> metrics = metrics();
        float[] v = new float[2 + metrics.size()];
        if (validation != null) {
            Map<String, Double> mine = trainer.evaluate(validation, EVAL_BATCH, plan.normalizer());
            int n = validation.size();
            v[0] = n;
            v[1] = (float) (mine.get("loss") * n);
            for (int i = 0; i < metrics.size(); i++) {
                v[2 + i] = (float) (mine.get(metrics.get(i).name()) * n);
            }
        }
        return v;
    }

    /** Adds {@code val_loss} and {@code val_<metric>} from validation sums added over all replicas. */
    static void putValidation(float[] sums, List<Metric> metrics, Map<String, Double> logs) {
        if (sums[0] > 0) {
            logs.put("val_loss", (double) sums[1] / sums[0]);
            for (int i = 0; i < metrics.size(); i++) {
                logs.put("val_" + metrics.get(i).name(), (double) sums[2 + i] / sums[0]);
            }
        }
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }
}
