package io.convspark.jobs;

import io.convspark.driver.progress.TrainingListener;
import io.convspark.driver.train.CallbackBridge;
import io.convspark.driver.train.DistributedTrainer;
import io.convspark.driver.train.DriverSyncTrainer;
import io.convspark.driver.train.ReplicaTimes;
import io.convspark.driver.train.TrainingPlan;
import io.convspark.driver.train.TrainingResult;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.train.Callback;
import io.convspark.kernels.train.History;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code convspark train --engine spark}: starts (or joins, under spark-submit) a Spark context, runs
 * the distributed trainer and reports where the step time went.
 */
final class SparkEngine {
    private SparkEngine() {
    }

    static TrainingResult train(SparkOptions options, TrainingPlan plan, ImageDataset train, ImageDataset validation,
                                TrainingListener listener, List<Callback> callbacks, PrintStream console,
                                Map<String, Object> facts) throws IOException {
        if (!options.sync.equals("ring") && !options.sync.equals("driver")) {
            throw new UserError("--sync: expected ring or driver, got '" + options.sync + "'");
        }
        SparkConf conf = SparkJob.conf("convspark train " + plan.modelSource(), options.master, options.conf,
                "local[" + (options.workers != null ? options.workers : "*") + "]");
        String master = conf.get("spark.master");
        long submit = System.nanoTime();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            int workers = options.workers != null ? options.workers : sc.defaultParallelism();
            int shards = options.shards != null ? options.shards : workers;
            console.printf(Locale.ROOT, "Training on %,d images, validating on %,d; engine spark (%s), %d replica(s), "
                            + "%d shard(s), sync %s, batch %d, %s%n", train.size(),
                    validation == null ? 0 : validation.size(), master, workers, shards, options.sync, plan.batchSize(),
                    plan.optimizerName());
            TrainingResult result;
            if (options.sync.equals("ring")) {
                DistributedTrainer trainer = new DistributedTrainer(sc, plan, workers, shards);
                CallbackBridge bridge = null;
                if (!callbacks.isEmpty()) {
                    bridge = new CallbackBridge(plan, callbacks,
                            plan.stepsPerEpoch(trainer.layout(train.size()).stepsPerEpoch()));
                    bridge.begin();
                    listener = TrainingListener.both(listener, bridge);
                }
                result = trainer.fit(train, validation, listener, options.resume);
                if (bridge != null) {
                    result = result.withModel(bridge.end(result, History.of(result.history(), result.stopReason())));
                }
            } else {
                result = new DriverSyncTrainer(sc, plan, workers, shards).fit(train, validation, listener, callbacks);
            }
            double wall = (System.nanoTime() - submit) / 1e9;
            List<Double> medians = new ArrayList<>();
            double share = 0;
            for (ReplicaTimes t : result.times()) {
                console.println("Step time, " + t);
                medians.add(t.medianAllReduceMillis());
                share = Math.max(share, t.allReduceShare());
            }
            if (result.resumedFromStep() >= 0) {
                console.println("Resumed from the checkpoint of step " + result.resumedFromStep());
            }
            if (result.stopReason() != null) {
                console.println("Stopped early: " + result.stopReason());
            }
            facts.put("master", master);
            facts.put("workers", workers);
            facts.put("shards", shards);
            facts.put("sync", options.sync);
            facts.put("allreduce.median_ms", medians);
            facts.put("allreduce.share_of_step", share);
            facts.put("resumed_from_step", result.resumedFromStep());
            facts.put("spark.wall_seconds", wall);
            return result;
        }
    }
}
