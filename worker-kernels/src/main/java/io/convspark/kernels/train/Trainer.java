package io.convspark.kernels.train;

import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.data.BatchAssembler;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.data.Normalizer;
import io.convspark.kernels.layers.StepContext;
import io.convspark.kernels.losses.Loss;
import io.convspark.kernels.losses.Targets;
import io.convspark.kernels.metrics.Metric;
import io.convspark.kernels.model.Model;
import io.convspark.kernels.optimizers.Optimizer;
import io.convspark.kernels.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link Model} with a loss and an optimizer, Keras' compiled-model style.
 *
 * <p>Two levels: {@link #computeGradients} and {@link #applyGradients} are the per-replica step
 * that a data-parallel worker runs around its all-reduce (every replica applies the same averaged
 * gradient, so they stay identical); {@link #fit}, {@link #evaluate} and {@link #predict} are the
 * single-JVM loop of the local engine, using all cores through the kernels.
 *
 * <p>When the loss fuses with the output activation (softmax + categorical cross-entropy, sigmoid +
 * binary cross-entropy) the loss writes {@code dL/dz = (p - y) / N} directly and the output layer
 * skips the activation's derivative: stable and one pass cheaper.
 */
public final class Trainer implements TrainingControl {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final Model model;
    private final Loss loss;
    private final Optimizer optimizer;
    private final List<Metric> metrics;
    private final StepContext ctx;
    private final boolean fused;
    private final int numClassesOut;
    private long iterations;
    /** Set by {@link #shareSteps}: fit's steps run on these replicas, this trainer the first. */
    private ReplicaTrainer replicaSteps;
    private String stopReason;
    private int plannedEpochs;
    private int stepsPerEpoch;

    /**
     * A trainer whose kernels run on {@code ctx}; an optimizer without an executor of its own gets
     * ctx's, so its update uses the same cores (its results do not depend on the split).
     */
    public Trainer(Model model, Loss loss, Optimizer optimizer, List<Metric> metrics, StepContext ctx) {
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
        if (optimizer.executor() == null) {
            optimizer.setExecutor(ctx.executor());
        }
        this.metrics = List.copyOf(metrics);
        this.ctx = ctx;
        this.fused = loss.fusesWith(model.outputLayer().activation());
        model.outputLayer().setOutputGradientIsPreActivation(fused);
        this.numClassesOut = model.outputShape().size();
    }

    public Trainer(Model model, Loss loss, Optimizer optimizer, List<Metric> metrics) {
        this(model, loss, optimizer, metrics, StepContext.defaults());
    }

    @Override
    public Model model() {
        return model;
    }

    @Override
    public Optimizer optimizer() {
        return optimizer;
    }

    public Loss loss() {
        return loss;
    }

    public List<Metric> metrics() {
        return metrics;
    }

    public StepContext context() {
        return ctx;
    }

    // ---------------------------------------------------------------- per-replica step

    /**
     * Forward, loss and backward on a (shard of a) mini-batch in training mode. Leaves the gradient
     * of the mean loss over these samples in {@code model.parameters().grads()} and updates the
     * metrics. Returns the mean loss plus the regularization penalty, as Keras reports it.
     *
     * @param sampleOffset index of this shard's first sample within the global mini-batch
     */
    public double computeGradients(Tensor inputs, Targets targets, int sampleOffset) {
        return computeGradients(inputs, targets, sampleOffset, null);
    }

    /**
     * {@link #computeGradients(Tensor, Targets, int)} reporting gradient watermarks during backward
     * (see {@link Model#backward(StepContext, boolean, java.util.function.IntConsumer)}); with a
     * listener the regularization gradients are left to the caller.
     */
    public double computeGradients(Tensor inputs, Targets targets, int sampleOffset,
                                   java.util.function.IntConsumer finalFrom) {
        ctx.training(true).step(iterations).sampleOffset(sampleOffset);
        Tensor out = model.forward(inputs, ctx);
        double l = loss.compute(out, targets, model.outputGrad(), fused);
        for (Metric m : metrics) {
            m.update(out, targets);
        }
        model.backward(ctx, false, finalFrom);
        return l + model.parameters().regularizationPenalty();
    }

    /** One optimizer step with the gradients in the parameter store; advances the iteration count. */
    public void applyGradients() {
        optimizer.update(model.parameters().values(), model.parameters().grads(), iterations);
        iterations++;
    }

    /**
     * The step of a batch whose (mean) loss was {@code loss}: applied as {@link #applyGradients()} when the loss
     * is finite, skipped otherwise (a NaN or infinite loss never reaches the weights); the iteration count
     * advances either way. Returns whether it was applied.
     */
    public boolean applyGradientsIfFinite(double loss) {
        if (Double.isFinite(loss)) {
            applyGradients();
            return true;
        }
        iterations++;
        return false;
    }

    @Override
    public long iterations() {
        return iterations;
    }

    /** Sets the iteration count (when resuming from a checkpoint). */
    public void iterations(long n) {
        this.iterations = n;
    }

    // ---------------------------------------------------------------- local engine

    /**
     * Keras' {@code fit}: trains for {@code options.epochs()} on {@code train}, evaluating on
     * {@code validation} (may be {@code null}) after each epoch. A NaN or infinite loss is never
     * silently trained through: it is reported as {@code loss = NaN} in the logs so TerminateOnNaN
     * (or the caller) can stop.
     */
    public History fit(ImageDataset train, ImageDataset validation, FitOptions options, List<Callback> callbacks) {
        checkDataset(train, "training");
        if (validation != null) {
            checkDataset(validation, "validation");
        }
        int batch = options.batchSize();
        // on replicas (one thread each), batches are assembled on every core: the process-wide executor
        BatchAssembler assembler = new BatchAssembler(train, options.normalizer(), options.augmentation(), batch,
                replicaSteps == null ? ctx.executor() : KernelExecutor.shared());
        Targets targets = Targets.ofLabels(assembler.labels(), 0, numClassesOut);
        beginTraining(options.epochs(), (train.size() + batch - 1) / batch);
        History history = new History();
        for (Callback c : callbacks) {
            c.onTrainBegin(this);
        }
        for (int epoch = options.initialEpoch(); epoch < options.epochs() && !stopRequested(); epoch++) {
            for (Callback c : callbacks) {
                c.onEpochBegin(epoch, this);
            }
            long start = System.nanoTime();
            int[] order = options.shuffle() ? train.shuffledOrder(options.seed(), epoch) : identity(train.size());
            for (Metric m : metrics) {
                m.reset();
            }
            double lossSum = 0;
            long seen = 0;
            Map<String, Double> logs = new LinkedHashMap<>();
            for (int b = 0; b < stepsPerEpoch && !stopRequested(); b++) {
                int from = b * batch;
                int n = assembler.fillTraining(order, from, Math.min(batch, train.size() - from), epoch);
                targets.setLabels(assembler.labels(), n, numClassesOut);
                double l = trainStep(assembler.inputs(), targets);
                lossSum += l * n;
                seen += n;
                logs.put("loss", lossSum / seen);
                for (Metric m : metrics) {
                    logs.put(m.name(), m.result());
                }
                for (Callback c : callbacks) {
                    c.onBatchEnd(epoch, b, logs, this);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (validation != null) {
                Map<String, Double> val = evaluate(validation, batch, options.normalizer());
                for (Map.Entry<String, Double> e : val.entrySet()) {
                    logs.put("val_" + e.getKey(), e.getValue());
                }
            }
            logs.put("lr", (double) optimizer.learningRate(iterations));
            logs.put("seconds", seconds);
            logs.put("images_per_second", seen / seconds);
            history.add(logs);
            for (Callback c : callbacks) {
                c.onEpochEnd(epoch, logs, this);
            }
        }
        history.stopReason(stopReason);
        for (Callback c : callbacks) {
            c.onTrainEnd(history, this);
        }
        return history;
    }

    /**
     * Makes {@link #fit} train on {@code replicas} ({@link ReplicaTrainer}: data parallel on threads of
     * this JVM), whose first replica must be this trainer; {@code null} to train on this trainer's
     * kernel threads again. Callbacks see this trainer: its metrics gather every replica's, and a
     * learning rate set on its optimizer goes to the others' before the next step.
     */
    public void shareSteps(ReplicaTrainer replicas) {
        if (replicas != null && replicas.replicas().get(0) != this) {
            throw new IllegalArgumentException("the replicas' first trainer must be the one that fits");
        }
        if (replicas != null && replicas.replicas().stream().anyMatch(t -> t.metrics.size() != metrics.size())) {
            throw new IllegalArgumentException("every replica needs the same metrics as the trainer that fits");
        }
        this.replicaSteps = replicas;
    }

    /** One step of {@link #fit}: on this trainer, or on the replicas of {@link #shareSteps}. Returns the loss. */
    private double trainStep(Tensor inputs, Targets targets) {
        if (replicaSteps == null) {
            double l = computeGradients(inputs, targets, 0);
            applyGradientsIfFinite(l);
            return l;
        }
        List<Trainer> all = replicaSteps.replicas();
        for (Trainer r : all) {
            if (r != this && r.optimizer.baseLearningRate() != optimizer.baseLearningRate()) {
                r.optimizer.setLearningRate(optimizer.baseLearningRate());
            }
        }
        double l = replicaSteps.step(inputs, targets);
        for (Trainer r : all) {
            if (r == this) {
                continue;
            }
            // the other replicas' metrics hold this step's shards only: into this trainer's, then cleared
            for (int i = 0; i < metrics.size(); i++) {
                metrics.get(i).merge(r.metrics.get(i).state());
                r.metrics.get(i).reset();
            }
        }
        return l;
    }

    /**
     * Starts a training run driven by a loop other than {@link #fit} (the driver-synchronized Spark trainer,
     * which runs callbacks with this trainer as their {@link TrainingControl}): sets what {@link #epochs()} and
     * {@link #stepsPerEpoch()} report and clears an earlier stop request.
     */
    public void beginTraining(int epochs, int steps) {
        this.plannedEpochs = epochs;
        this.stepsPerEpoch = steps;
        this.stopReason = null;
    }

    /** Why the current (or last) training run was asked to stop, or {@code null}. */
    public String stopReason() {
        return stopReason;
    }

    /** Keras' {@code evaluate}: mean loss (plus regularization) and metrics over {@code data}, inference mode. */
    public Map<String, Double> evaluate(ImageDataset data, int batchSize, Normalizer normalizer) {
        checkDataset(data, "evaluation");
        BatchAssembler assembler = new BatchAssembler(data, normalizer, batchSize, ctx.executor());
        Targets targets = Targets.ofLabels(assembler.labels(), 0, numClassesOut);
        List<Metric> fresh = new ArrayList<>();
        for (Metric m : metrics) {
            m.reset();
            fresh.add(m);
        }
        double lossSum = 0;
        ctx.training(false);
        for (int from = 0; from < data.size(); from += batchSize) {
            int n = assembler.fillRange(from, Math.min(data.size(), from + batchSize));
            targets.setLabels(assembler.labels(), n, numClassesOut);
            Tensor out = model.forward(assembler.inputs(), ctx);
            lossSum += loss.compute(out, targets, null, false) * n;
            for (Metric m : fresh) {
                m.update(out, targets);
            }
        }
        Map<String, Double> result = new LinkedHashMap<>();
        result.put("loss", lossSum / data.size() + model.parameters().regularizationPenalty());
        for (Metric m : fresh) {
            result.put(m.name(), m.result());
        }
        return result;
    }

    /** Keras' {@code predict}: the model's outputs for every sample, {@code [N][outputs]}. */
    public float[][] predict(ImageDataset data, int batchSize, Normalizer normalizer) {
        BatchAssembler assembler = new BatchAssembler(data, normalizer, batchSize, ctx.executor());
        float[][] result = new float[data.size()][];
        ctx.training(false);
        for (int from = 0; from < data.size(); from += batchSize) {
            int n = assembler.fillRange(from, Math.min(data.size(), from + batchSize));
            Tensor out = model.forward(assembler.inputs(), ctx);
            for (int i = 0; i < n; i++) {
                result[from + i] = java.util.Arrays.copyOfRange(out.data(), out.offset(i), out.offset(i + 1));
            }
        }
        return result;
    }

    /** Predictions for a ready batch (inference mode); the returned tensor is owned by the model. */
    public Tensor predictBatch(Tensor inputs) {
        ctx.training(false);
        return model.forward(inputs, ctx);
    }

    private void checkDataset(ImageDataset data, String role) {
        checkCompatible(data, model, role);
    }

    /**
     * Fails with a message naming the role, both shapes or class counts, unless {@code data} is non-empty
     * and fits {@code model} (sample shape, at most as many classes as outputs).
     */
    public static void checkCompatible(ImageDataset data, Model model, String role) {
        if (!data.sampleShape().equals(model.inputShape())) {
            throw new IllegalArgumentException("the " + role + " data has samples of shape " + data.sampleShape()
                    + " but model '" + model.name() + "' expects " + model.inputShape());
        }
        int outputs = model.outputShape().size();
        if (data.numClasses() > outputs) {
            throw new IllegalArgumentException("the " + role + " data has " + data.numClasses()
                    + " classes but model '" + model.name() + "' outputs " + outputs + " values");
        }
        if (data.size() == 0) {
            throw new IllegalArgumentException("the " + role + " data set is empty");
        }
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    @Override
    public void requestStop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
            LOG.info("training stops: {}", reason);
        }
    }

    @Override
    public boolean stopRequested() {
        return stopReason != null;
    }

    @Override
    public int epochs() {
        return plannedEpochs;
    }

    @Override
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }
}
