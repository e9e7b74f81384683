package io.convspark.driver.train;

import io.convspark.driver.allreduce.JobCredentials;
import io.convspark.driver.checkpoint.CheckpointStore;
import io.convspark.driver.data.ShardBlock;
import io.convspark.driver.data.ShardLayout;
import io.convspark.driver.progress.ProgressServer;
import io.convspark.driver.progress.TrainingListener;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.model.Model;
import io.convspark.kernels.optimizers.Optimizer;
import io.convspark.kernels.train.Trainer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Data-parallel training on Spark in one barrier stage (see the package comment).
 *
 * <p>The driver cuts the training set into {@link ShardLayout shards} of compact uint8 records, one RDD
 * partition per replica (cached), starts the {@link ProgressServer} and submits the stage: a barrier
 * {@code mapPartitions} running {@link ReplicaTask}, followed by a shuffle to one partition, so the stage is a
 * shuffle-map stage that Spark re-runs when a task or an executor fails; the re-run resumes from the last
 * checkpoint. Only rank 0's result carries the final weights.
 */
public final class DistributedTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(DistributedTrainer.class);

    private final JavaSparkContext sc;
    private final TrainingPlan plan;
    private final int workers;
    private final int shards;

    /**
     * @param workers replicas (Spark tasks of the barrier stage; the cluster needs that many free task slots)
     * @param shards  data shards, a multiple of {@code workers}; training with the same shard count gives
     *                the same model on any number of workers that divides it
     */
    public DistributedTrainer(JavaSparkContext sc, TrainingPlan plan, int workers, int shards) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers: expected >= 1, found " + workers);
        }
        this.sc = sc;
        this.plan = plan;
        this.workers = workers;
        this.shards = shards;
    }

    public DistributedTrainer(JavaSparkContext sc, TrainingPlan plan, int workers) {
        this(sc, plan, workers, workers);
    }

    /** The layout for a training set of {@code samples} images. */
    public ShardLayout layout(int samples) {
        return new ShardLayout(samples, shards, workers, plan.batchSize());
    }

    /**
     * Trains on {@code train}, validating on {@code validation} (may be null) after each epoch.
     *
     * @param resume continue from the checkpoints in the plan's checkpoint directory; without it, a
     *               directory that already holds checkpoints is refused (it belongs to another run)
     */
    public TrainingResult fit(ImageDataset train, ImageDataset validation, TrainingListener listener, boolean resume)
            throws IOException {
        Model probe = plan.buildModel();
        Trainer.checkCompatible(train, probe, "training");
        if (validation != null) {
            Trainer.checkCompatible(validation, probe, "validation");
        }
        ShardLayout layout = layout(train.size());
        if (plan.checkpointDir() != null) {
            CheckpointStore store = new CheckpointStore(plan.checkpointDir(), sc.hadoopConfiguration(),
                    plan.keepCheckpoints());
            boolean has = !store.newestFirst().isEmpty();
            if (has && !resume) {
                throw new IllegalArgumentException("checkpoint directory " + store.location()
                        + " already holds checkpoints of another run: resume it (--resume) or choose another directory");
            }
            if (!has && resume) {
                LOG.warn("--resume: no checkpoint in {}, starting from scratch", store.location());
            }
        }
        LOG.info("distributed training: {} replica(s), {}", workers, layout);
        List<ShardBlock> shardList = ShardBlock.group(sc, train, validation, layout, plan.seed());
        JavaRDD<ShardBlock> blocks = sc.parallelize(shardList, workers)
                .setName("convspark shards (" + train.size() + " training images)");
        blocks.persist(StorageLevel.MEMORY_ONLY());

        JobCredentials credentials = JobCredentials.generate("convspark-" + UUID.randomUUID());
        String host = sc.getConf().get("spark.driver.host", "127.0.0.1");
        long start = System.nanoTime();
        try (ProgressServer progress = ProgressServer.start(host, credentials, listener)) {
            ReplicaTask task = new ReplicaTask(plan, layout, credentials, progress.address(),
                    new SerializableConfiguration(sc.hadoopConfiguration()));
            ClassTag<ReplicaResult> tag = ClassTag$.MODULE$.apply(ReplicaResult.class);
            RDD<ReplicaResult> trained = blocks.rdd().barrier().mapPartitions(task, false, tag);
            sc.setJobDescription("convspark: train " + probe.name() + " on " + workers + " replica(s)");
            List<ReplicaResult> results = new ArrayList<>(JavaRDD.fromRDD(trained, tag)
                    .mapToPair(r -> new Tuple2<>(r.rank(), r))
                    .partitionBy(new HashPartitioner(1))
                    .values()
                    .collect());
            double seconds = (System.nanoTime() - start) / 1e9;
            results.sort(Comparator.comparingInt(ReplicaResult::rank));
            return toResult(results, seconds, progress.rejections().size());
        } finally {
            blocks.unpersist(false);
            ShardBlock.release(shardList);
            sc.clearJobGroup();
        }
    }

    private TrainingResult toResult(List<ReplicaResult> results, double seconds, int progressRejections) {
        if (results.size() != workers) {
            throw new IllegalStateException("training returned " + results.size() + " replica results, expected "
                    + workers);
        }
        ReplicaResult first = results.get(0);
        Model model = plan.buildModel();
        System.arraycopy(first.values(), 0, model.parameters().values(), 0, first.values().length);
        System.arraycopy(first.state(), 0, model.parameters().state(), 0, first.state().length);
        List<ReplicaTimes> times = new ArrayList<>();
        int rejected = progressRejections;
        for (ReplicaResult r : results) {
            times.add(r.times());
            rejected += r.rejectedConnections();
        }
        Optimizer optimizer = plan.buildOptimizer();
        optimizer.loadState(first.optimizerState(), first.iterations());
        return new TrainingResult(model, optimizer, first.iterations(), first.history(), first.stopReason(),
                first.resumedFromStep(), times, seconds, rejected);
    }
}
