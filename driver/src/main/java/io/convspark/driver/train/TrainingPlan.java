package io.convspark.driver.train;

import io.convspark.driver.allreduce.AllReduceSettings;
import io.convspark.kernels.data.Augmentation;
import io.convspark.kernels.data.Normalizer;
import io.convspark.kernels.losses.Loss;
import io.convspark.kernels.losses.Losses;
import io.convspark.kernels.metrics.Metric;
import io.convspark.kernels.metrics.Metrics;
import io.convspark.kernels.model.Model;
import io.convspark.kernels.model.ModelDefinition;
import io.convspark.kernels.optimizers.Optimizer;
import io.convspark.kernels.optimizers.Optimizers;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a replica needs to build its model and run the training loop, identical on every task:
 * the model definition, loss, optimizer, metrics, batching, seeds, preprocessing, checkpointing.
 * Immutable; built with {@link #builder(String)}.
 */
public final class TrainingPlan implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String modelJson;
    private final String modelSource;
    private final String loss;
    private final String optimizer;
    private final LinkedHashMap<String, Object> optimizerConfig;
    private final ArrayList<String> metrics;
    private final int epochs;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;
    private final Normalizer normalizer;
    private final Augmentation augmentation;
    private final String checkpointDir;
    private final int checkpointEverySteps;
    private final int keepCheckpoints;
    private final boolean terminateOnNaN;
    private final int maxStepsPerEpoch;
    private final AllReduceSettings allReduce;
    private final int threadsPerReplica;
    private final boolean driverCallbacks;

    private TrainingPlan(Builder b) {
        this.modelJson = b.modelJson;
        this.modelSource = b.modelSource;
        this.loss = b.loss;
        this.optimizer = b.optimizer;
        this.optimizerConfig = new LinkedHashMap<>(b.optimizerConfig);
        this.metrics = new ArrayList<>(b.metrics);
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.shuffle = b.shuffle;
        this.normalizer = b.normalizer;
        this.augmentation = b.augmentation;
        this.checkpointDir = b.checkpointDir;
        this.checkpointEverySteps = b.checkpointEverySteps;
        this.keepCheckpoints = b.keepCheckpoints;
        this.terminateOnNaN = b.terminateOnNaN;
        this.maxStepsPerEpoch = b.maxStepsPerEpoch;
        this.allReduce = b.allReduce;
        this.threadsPerReplica = b.threadsPerReplica;
        this.driverCallbacks = b.driverCallbacks;
    }

    /** A plan for the model definition {@code modelJson} (as in {@code conf/models}). */
    public static Builder builder(String modelJson) {
        return new Builder(modelJson);
    }

    /** The model with its seeded initial weights. */
    public Model buildModel() {
        return ModelDefinition.parse(modelJson, modelSource).build(seed);
    }

    public Loss buildLoss() {
        return Losses.parse(loss);
    }

    public Optimizer buildOptimizer() {
        return optimizerConfig.isEmpty() ? Optimizers.parse(optimizer) : Optimizers.parse(optimizer, optimizerConfig);
    }

    public List<Metric> buildMetrics() {
        List<Metric> list = new ArrayList<>();
        for (String m : metrics) {
            list.add(Metrics.parse(m));
        }
        return list;
    }

    public String modelJson() {
        return modelJson;
    }

    public String modelSource() {
        return modelSource;
    }

    public String lossName() {
        return loss;
    }

    public String optimizerName() {
        return optimizer;
    }

    public Map<String, Object> optimizerConfig() {
        return optimizerConfig;
    }

    public List<String> metricNames() {
        return metrics;
    }

    public int epochs() {
        return epochs;
    }

    public int batchSize() {
        return batchSize;
    }

    public long seed() {
        return seed;
    }

    public boolean shuffle() {
        return shuffle;
    }

    public Normalizer normalizer() {
        return normalizer;
    }

    public Augmentation augmentation() {
        return augmentation;
    }

    /** Hadoop URI of the checkpoint directory, or null for none. */
    public String checkpointDir() {
        return checkpointDir;
    }

    /** Checkpoint every this many optimizer steps (0: only at epoch ends). */
    public int checkpointEverySteps() {
        return checkpointEverySteps;
    }

    public int keepCheckpoints() {
        return keepCheckpoints;
    }

    /** Stop (all replicas, cleanly) at the first step whose global loss is NaN or infinite. */
    public boolean terminateOnNaN() {
        return terminateOnNaN;
    }

    /** Caps the steps of each epoch (0: no cap); for quick runs and benchmarks. */
    public int maxStepsPerEpoch() {
        return maxStepsPerEpoch;
    }

    public AllReduceSettings allReduce() {
        return allReduce;
    }

    /** Kernel threads per replica; 0: the task's CPUs ({@code spark.task.cpus}). */
    public int threadsPerReplica() {
        return threadsPerReplica;
    }

    /**
     * Whether rank 0 stops at every epoch boundary to let the driver's callbacks see the weights and
     * decide (stop, learning rate); see {@code TrainingListener#atEpochBoundary}.
     */
    public boolean driverCallbacks() {
        return driverCallbacks;
    }

    /** Steps an epoch runs for a layout with {@code layoutSteps} steps. */
    public int stepsPerEpoch(int layoutSteps) {
        return maxStepsPerEpoch > 0 ? Math.min(maxStepsPerEpoch, layoutSteps) : layoutSteps;
    }

    /** Builder with Keras' defaults: Adam, sparse categorical cross-entropy, accuracy, batch 32. */
    public static final class Builder {
        private final String modelJson;
        private String modelSource = "model definition";
        private String loss = "sparse_categorical_crossentropy";
        private String optimizer = "adam";
        private final Map<String, Object> optimizerConfig = new LinkedHashMap<>();
        private final List<String> metrics = new ArrayList<>(List.of("accuracy"));
        private int epochs = 1;
        private int batchSize = 32;
        private long seed = 1;
        private boolean shuffle = true;
        private Normalizer normalizer = Normalizer.unitScale();
        private Augmentation augmentation = Augmentation.none();
        private String checkpointDir;
        private int checkpointEverySteps;
        private int keepCheckpoints = 2;
        private boolean terminateOnNaN = true;
        private int maxStepsPerEpoch;
        private AllReduceSettings allReduce = AllReduceSettings.defaults();
        private int threadsPerReplica;
        private boolean driverCallbacks;

        private Builder(String modelJson) {
            if (modelJson == null || modelJson.isBlank()) {
                throw new IllegalArgumentException("a training plan needs a model definition");
            }
            this.modelJson = modelJson;
        }

        public Builder modelSource(String v) {
            modelSource = v;
            return this;
        }

        public Builder loss(String v) {
            loss = v;
            return this;
        }

        public Builder optimizer(String name, Map<String, ?> config) {
            optimizer = name;
            optimizerConfig.clear();
            if (config != null) {
                optimizerConfig.putAll(config);
            }
            return this;
        }

        public Builder metrics(List<String> v) {
            metrics.clear();
            metrics.addAll(v);
            return this;
        }

        public Builder epochs(int v) {
            epochs = positive("epochs", v);
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = positive("batch size", v);
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder shuffle(boolean v) {
            shuffle = v;
            return this;
        }

        public Builder normalizer(Normalizer v) {
            normalizer = v;
            return this;
        }

        public Builder augmentation(Augmentation v) {
            augmentation = v == null ? Augmentation.none() : v;
            return this;
        }

        public Builder checkpointDir(String v) {
            checkpointDir = v;
            return this;
        }

        public Builder checkpointEverySteps(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("checkpoint interval: expected >= 0 steps, found " + v);
            }
            checkpointEverySteps = v;
            return this;
        }

        public Builder keepCheckpoints(int v) {
            keepCheckpoints = positive("checkpoints to keep", v);
            return this;
        }

        public Builder terminateOnNaN(boolean v) {
            terminateOnNaN = v;
            return this;
        }

        public Builder maxStepsPerEpoch(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("max steps per epoch: expected >= 0, found " + v);
            }
            maxStepsPerEpoch = v;
            return this;
        }

        public Builder allReduce(AllReduceSettings v) {
            allReduce = v;
            return this;
        }

        public Builder threadsPerReplica(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("threads per replica: expected >= 0, found " + v);
            }
            threadsPerReplica = v;
            return this;
        }

        public Builder driverCallbacks(boolean v) {
            driverCallbacks = v;
            return this;
        }

        public TrainingPlan build() {
            TrainingPlan plan = new TrainingPlan(this);
            // Fail on the driver, not in every task: the definition, loss, optimizer and metrics must parse.
            plan.buildModel();
            plan.buildLoss();
            plan.buildOptimizer();
            plan.buildMetrics();
            return plan;
        }

        private static int positive(String what, int v) {
            if (v < 1) {
                throw new IllegalArgumentException(what + ": expected >= 1, found " + v);
            }
            return v;
        }
    }
}
