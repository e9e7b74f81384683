package io.convspark.driver.train;

import io.convspark.driver.data.ShardBlock;
import io.convspark.driver.data.ShardLayout;
import io.convspark.driver.progress.TrainingListener;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.metrics.Metric;
import io.convspark.kernels.model.Model;
import io.convspark.kernels.model.ParameterStore;
import io.convspark.kernels.train.Callback;
import io.convspark.kernels.train.History;
import io.convspark.kernels.train.Trainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The baseline that toy systems use, kept to measure against: one Spark job per step, the
 * weights broadcast to the executors, the gradients summed back to the driver with
 * {@code treeAggregate}, the optimizer step on the driver. Same shards, batches and arithmetic as
 * {@link DistributedTrainer}, so the two give the same model; only the cost per step differs.
 *
 * <p>The driver owns the model and runs every update, so Keras callbacks run here directly, as in the
 * local {@link Trainer#fit}: the driver's trainer is their {@link io.convspark.kernels.train.TrainingControl}
 * (live weights and optimizer), {@code onBatchEnd} after every step, {@code onEpochEnd} after each epoch's
 * validation; a stop request ends training after that step or epoch. A step whose loss is not finite is not
 * applied, and stops training when the plan says {@link TrainingPlan#terminateOnNaN()}, as on the ring.
 */
public final class DriverSyncTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(DriverSyncTrainer.class);

    private final JavaSparkContext sc;
    private final TrainingPlan plan;
    private final int workers;
    private final int shards;

    public DriverSyncTrainer(JavaSparkContext sc, TrainingPlan plan, int workers, int shards) {
        this.sc = sc;
        this.plan = plan;
        this.workers = workers;
        this.shards = shards;
    }

    public TrainingResult fit(ImageDataset train, ImageDataset validation, TrainingListener listener) {
        return fit(train, validation, listener, List.of());
    }

    /**
     * Trains on {@code train}, validating on {@code validation} (may be null) after each epoch, with
     * {@code callbacks} run on the driver (see the class comment); the result's model is the one the
     * callbacks leave (EarlyStopping may have restored its best weights).
     */
    public TrainingResult fit(ImageDataset train, ImageDataset validation, TrainingListener listener,
                              List<Callback> callbacks) {
        Model model = plan.buildModel();
        Trainer.checkCompatible(train, model, "training");
        ShardLayout layout = new ShardLayout(train.size(), shards, workers, plan.batchSize());
        LOG.info("driver-synchronized training (one Spark job per step): {} replica(s), {}", workers, layout);
        List<ShardBlock> shardList = ShardBlock.group(sc, train, null, layout, plan.seed());
        JavaRDD<ShardBlock> blocks = sc.parallelize(shardList, workers);
        blocks.persist(StorageLevel.MEMORY_ONLY());
        Trainer trainer = new Trainer(model, plan.buildLoss(), plan.buildOptimizer(), plan.buildMetrics());
        ParameterStore params = model.parameters();
        List<Metric> metrics = trainer.metrics();
        String runId = UUID.randomUUID().toString();
        int steps = plan.stepsPerEpoch(layout.stepsPerEpoch());
        List<Map<String, Double>> history = new ArrayList<>();
        StepTimer timer = new StepTimer();
        long start = System.nanoTime();
        trainer.beginTraining(plan.epochs(), steps);
        try {
            for (Callback c : callbacks) {
                c.onTrainBegin(trainer);
            }
            for (int epoch = 0; epoch < plan.epochs() && !trainer.stopRequested(); epoch++) {
                for (Callback c : callbacks) {
                    c.onEpochBegin(epoch, trainer);
                }
                long epochStart = System.nanoTime();
                double lossSum = 0;
                long seen = 0;
                Map<String, Double> logs = new LinkedHashMap<>();
                for (int step = 0; step < steps && !trainer.stopRequested(); step++) {
                    long t0 = System.nanoTime();
                    Broadcast<float[][]> weights = sc.broadcast(new float[][] {params.values(), params.state()});
                    float[] sum = blocks.mapPartitions(new SyncGradientTask(plan, layout, runId, epoch, step, weights))
                            .treeAggregate(null, DriverSyncTrainer::add, DriverSyncTrainer::add);
                    weights.destroy();
                    int global = layout.globalCount(step);
                    float[] grads = params.grads();
                    float[] state = params.state();
                    for (int i = 0; i < grads.length; i++) {
                        grads[i] = sum[i] / global;
                    }
                    for (int i = 0; i < state.length; i++) {
                        state[i] = sum[grads.length + i] / workers;
                    }
                    int a = grads.length + state.length;
                    double stepLoss = sum[a++] / global;
                    if (!trainer.applyGradientsIfFinite(stepLoss) && plan.terminateOnNaN()) {
                        trainer.requestStop("loss is " + stepLoss + " at epoch " + (epoch + 1) + ", step " + (step + 1)
                                + ": training stopped (TerminateOnNaN); that step was not applied");
                    }
                    timer.steps++;
                    timer.addAllReduce(System.nanoTime() - t0);
                    lossSum += stepLoss * global;
                    seen += global;
                    logs.put("loss", lossSum / seen);
                    for (Metric m : metrics) {
                        double s = sum[a++];
                        double c = sum[a++];
                        logs.put(m.name(), c == 0 ? 0 : s / c);
                    }
                    listener.onStep(epoch, step, steps, logs);
                    for (Callback c : callbacks) {
                        c.onBatchEnd(epoch, step, logs, trainer);
                    }
                }
                double seconds = (System.nanoTime() - epochStart) / 1e9;
                if (validation != null) {
                    Map<String, Double> val = trainer.evaluate(validation, 256, plan.normalizer());
                    val.forEach((k, v) -> logs.put("val_" + k, v));
                }
                logs.put("lr", (double) trainer.optimizer().learningRate(trainer.iterations()));
                logs.put("seconds", seconds);
                logs.put("images_per_second", seen / seconds);
                history.add(new LinkedHashMap<>(logs));
                listener.onEpochEnd(epoch, logs);
                for (Callback c : callbacks) {
                    c.onEpochEnd(epoch, logs, trainer);
                }
            }
        } finally {
            blocks.unpersist(false);
            ShardBlock.release(shardList);
        }
        for (Callback c : callbacks) {
            c.onTrainEnd(History.of(history, trainer.stopReason()), trainer);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new TrainingResult(model, trainer.optimizer(), trainer.iterations(), history, trainer.stopReason(), -1,
                List.of(timer.toTimes(-1)), seconds, 0);
    }

    private static float[] add(float[] a, float[] b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }
}
