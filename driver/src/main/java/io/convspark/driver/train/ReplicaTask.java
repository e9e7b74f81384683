package io.convspark.driver.train;

import io.convspark.driver.allreduce.AllReduceStats;
import io.convspark.driver.allreduce.JobCredentials;
import io.convspark.driver.allreduce.PeerAddress;
import io.convspark.driver.allreduce.PeerServer;
import io.convspark.driver.allreduce.RingAllReduce;
import io.convspark.driver.checkpoint.CheckpointStore;
import io.convspark.driver.checkpoint.TrainingCheckpoint;
import io.convspark.driver.data.ShardBlock;
import io.convspark.driver.data.ShardLayout;
import io.convspark.driver.progress.ProgressClient;
import io.convspark.kernels.compute.Gemms;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.data.BatchAssembler;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.layers.StepContext;
import io.convspark.kernels.losses.Targets;
import io.convspark.kernels.metrics.Metric;
import io.convspark.kernels.model.Model;
import io.convspark.kernels.model.ParameterStore;
import io.convspark.kernels.optimizers.Optimizer;
import io.convspark.kernels.random.SplitMix64;
import io.convspark.kernels.train.Trainer;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.util.SerializableConfiguration;
import org.apache.spark.util.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * One replica: the body of a task of the training barrier stage.
 *
 * <ol>
 *   <li>Takes its partition's shards, builds the model from the plan (same seed: same initial weights
 *       everywhere) and binds its all-reduce server.</li>
 *   <li>Rendezvous: one {@code allGather} of the addresses (about a second, once). Rank 0 also names the
 *       checkpoint everyone resumes from, so all replicas agree even while files change.</li>
 *   <li>Forms the ring and, per step: assembles its shards' slice of the global batch, computes the
 *       gradient of its samples' mean loss, all-reduces it weighted by its share of the batch (so the
 *       result is the global-batch mean gradient), all-reduces the small rest (BatchNormalization
 *       statistics averaged over replicas, loss and metric sums), and applies the optimizer step that
 *       every replica applies identically.</li>
 *   <li>At each epoch end, evaluates its validation share (all-reduced), reports, and rank 0 writes the
 *       checkpoint (also every {@code checkpointEverySteps}).</li>
 * </ol>
 */
final class ReplicaTask extends AbstractFunction1<Iterator<ShardBlock>, Iterator<ReplicaResult>>
        implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaTask.class);
    private static final long PROGRESS_INTERVAL_NANOS = 250_000_000L;
    private static final int EVAL_BATCH = 256;

    private final TrainingPlan plan;
    private final ShardLayout layout;
    private final JobCredentials credentials;
    private final PeerAddress progressServer;
    private final SerializableConfiguration hadoopConf;

    ReplicaTask(TrainingPlan plan, ShardLayout layout, JobCredentials credentials, PeerAddress progressServer,
                SerializableConfiguration hadoopConf) {
        this.plan = plan;
        this.layout = layout;
        this.credentials = credentials;
        this.progressServer = progressServer;
        this.hadoopConf = hadoopConf;
    }

    @Override
    public Iterator<ReplicaResult> apply(Iterator<ShardBlock> partition) {
        BarrierTaskContext task = BarrierTaskContext.get();
        int rank = task.partitionId();
        List<ShardBlock> blocks = new ArrayList<>(CollectionConverters.asJava(partition.toList()));
        int threads = plan.threadsPerReplica() > 0 ? plan.threadsPerReplica() : Math.max(1, task.cpus());
        try (KernelExecutor executor = new KernelExecutor(threads);
             ProgressClient progress = ProgressClient.connect(progressServer, credentials, rank)) {
            return CollectionConverters.asScala(List.of(run(task, rank, blocks, executor, progress)).iterator());
        } catch (IOException e) {
            throw new UncheckedIOException("replica " + rank + ": " + e.getMessage(), e);
        }
    }

    private ReplicaResult run(BarrierTaskContext task, int rank, List<ShardBlock> blocks, KernelExecutor executor,
                              ProgressClient progress) throws IOException {
        Replica replica = new Replica(rank, blocks, executor);
        CheckpointStore store = plan.checkpointDir() == null ? null
                : new CheckpointStore(plan.checkpointDir(), hadoopConf.value(), plan.keepCheckpoints());

        PeerServer server = PeerServer.bind(Utils.localHostName(), credentials, plan.allReduce());
        long resumeStep = -1;
        if (rank == 0 && store != null) {
            resumeStep = store.latest().map(TrainingCheckpoint::globalStep).orElse(-1L);
        }
        String[] gathered;
        try {
            gathered = task.allGather(server.address() + "|" + resumeStep);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        List<PeerAddress> peers = new ArrayList<>();
        for (String g : gathered) {
            peers.add(PeerAddress.parse(g.substring(0, g.lastIndexOf('|'))));
        }
        resumeStep = Long.parseLong(gathered[0].substring(gathered[0].lastIndexOf('|') + 1));
        int rejectedBefore;
        try (RingAllReduce ring = RingAllReduce.connect(server, rank, peers)) {
            rejectedBefore = server.rejections().size();
            List<Map<String, Double>> history = new ArrayList<>();
            int startEpoch = 0;
            int startStep = 0;
            if (resumeStep >= 0) {
                TrainingCheckpoint ckpt = store.read(resumeStep);
                replica.load(ckpt);
                history.addAll(ckpt.history());
                startEpoch = ckpt.epoch();
                startStep = ckpt.step();
                String msg = "resuming from checkpoint of step " + resumeStep + " (epoch " + (startEpoch + 1)
                        + ", step " + startStep + ") in " + store.location();
                LOG.info("replica {}: {}", rank, msg);
                if (rank == 0) {
                    progress.message(msg);
                }
            }
            StepTimer timer = new StepTimer();
            String stop = replica.train(ring, startEpoch, startStep, history, store, progress, timer);
            Trainer trainer = replica.trainer;
            ParameterStore params = trainer.model().parameters();
            boolean first = rank == 0;
            return new ReplicaResult(rank, trainer.iterations(), stop, resumeStep,
                    first ? params.values().clone() : new float[0], first ? params.state().clone() : new float[0],
                    first ? history : List.of(), timer.toTimes(rank), rejectedBefore);
        }
    }

    /** The replica's model, data and loop state. */
    private final class Replica {
        final int rank;
        final int firstShard;
        final int endShard;
        final int[] shardBase;
        final ImageDataset train;
        final ImageDataset validation;
        final Trainer trainer;
        final BatchAssembler assembler;
        final Targets targets;
        final int classes;
        final int[] indices;
        final float[] aux;

        Replica(int rank, List<ShardBlock> blocks, KernelExecutor executor) {
            this.rank = rank;
            this.firstShard = layout.firstShard(rank);
            this.endShard = layout.endShard(rank);
            List<ShardBlock> trainBlocks = new ArrayList<>();
            List<ImageDataset> valParts = new ArrayList<>();
            for (ShardBlock b : blocks) {
                if (b.validation()) {
                    if (b.data().size() > 0) {
                        valParts.add(b.data());
                    }
                } else {
                    trainBlocks.add(b);
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
                if (b.shard() != firstShard + i || b.data().size() != layout.shardSize(b.shard())) {
                    throw new IllegalStateException("replica " + rank + ": shard " + b.shard() + " of "
                            + b.data().size() + " samples where shard " + (firstShard + i) + " of "
                            + layout.shardSize(firstShard + i) + " was expected");
                }
                shardBase[i] = base;
                base += b.data().size();
                parts.add(b.data());
            }
            train = parts.size() == 1 ? parts.get(0) : ImageDataset.concat(parts);
            validation = valParts.isEmpty() ? null : valParts.size() == 1 ? valParts.get(0) : ImageDataset.concat(valParts);

            StepContext ctx = new StepContext(executor, Gemms.get());
            Model model = plan.buildModel();
            Optimizer optimizer = plan.buildOptimizer().setExecutor(executor);
            trainer = new Trainer(model, plan.buildLoss(), optimizer, plan.buildMetrics(), ctx);
            classes = model.outputShape().size();
            int maxLocal = 0;
            for (int s = firstShard; s < endShard; s++) {
                maxLocal += layout.sliceSize(s);
            }
            assembler = new BatchAssembler(train, plan.normalizer(), plan.augmentation(), maxLocal, executor)
                    .sampleKeyBase(layout.keyBase(firstShard));
            targets = Targets.ofLabels(assembler.labels(), 0, classes);
            indices = new int[maxLocal];
            aux = new float[model.parameters().state().length + 1 + 2 * trainer.metrics().size()];
        }

        void load(TrainingCheckpoint ckpt) throws IOException {
            ParameterStore p = trainer.model().parameters();
            if (ckpt.values().length != p.values().length || ckpt.state().length != p.state().length) {
                throw new io.convspark.driver.checkpoint.CheckpointException("checkpoint of step " + ckpt.globalStep()
                        + " holds " + ckpt.values().length + " parameters and " + ckpt.state().length
                        + " state values, but model '" + trainer.model().name() + "' has " + p.values().length
                        + " and " + p.state().length + ": it belongs to another model");
            }
            System.arraycopy(ckpt.values(), 0, p.values(), 0, p.values().length);
            System.arraycopy(ckpt.state(), 0, p.state(), 0, p.state().length);
            trainer.optimizer().loadState(ckpt.optimizer(), ckpt.iterations());
            trainer.iterations(ckpt.iterations());
        }

        /** Runs the remaining epochs; returns the stop reason, or null when all epochs ran. */
        String train(RingAllReduce ring, int startEpoch, int startStep, List<Map<String, Double>> history,
                     CheckpointStore store, ProgressClient progress, StepTimer timer) throws IOException {
            int steps = plan.stepsPerEpoch(layout.stepsPerEpoch());
            int world = layout.workers();
            ParameterStore params = trainer.model().parameters();
            float[] grads = params.grads();
            float[] state = params.state();
            List<Metric> metrics = trainer.metrics();
            int owned = endShard - firstShard;
            int[][] orders = new int[owned][];
            for (int epoch = startEpoch; epoch < plan.epochs(); epoch++) {
                for (int i = 0; i < owned; i++) {
                    int s = firstShard + i;
                    orders[i] = plan.shuffle()
                            ? SplitMix64.permutation(layout.shardSize(s), SplitMix64.key(plan.seed(), s), epoch)
                            : identity(layout.shardSize(s));
                }
                for (Metric m : metrics) {
                    m.reset();
                }
                long epochStart = System.nanoTime();
                long lastReport = 0;
                double lossSum = 0;
                long seen = 0;
                Map<String, Double> logs = new LinkedHashMap<>();
                for (int step = epoch == startEpoch ? startStep : 0; step < steps; step++) {
                    long t0 = System.nanoTime();
                    int n = 0;
                    for (int i = 0; i < owned; i++) {
                        int s = firstShard + i;
                        int c = layout.count(s, step);
                        int from = layout.sliceStart(s, step);
                        for (int k = 0; k < c; k++) {
                            indices[n++] = shardBase[i] + orders[i][from + k];
                        }
                    }
                    int global = layout.globalCount(step);
                    if (n > 0) {
                        assembler.fillTraining(indices, 0, n, epoch);
                        targets.setLabels(assembler.labels(), n, classes);
                    }
                    long t1 = System.nanoTime();
                    double loss = 0;
                    if (n > 0) {
                        loss = trainer.computeGradients(assembler.inputs(), targets,
                                layout.offsetInBatch(firstShard, step));
                    } else {
                        Arrays.fill(grads, 0f);
                    }
                    long t2 = System.nanoTime();
                    // The global-batch mean gradient: sum over replicas of (local mean * local share).
                    ring.allReduce(grads, 0, grads.length, n, global);
                    long wait = ring.lastCallStats().waitNanos();
                    int a = 0;
                    for (float v : state) {
                        aux[a++] = v / world;
                    }
                    aux[a++] = (float) (loss * n);
                    for (Metric m : metrics) {
                        double[] ms = m.state();
                        aux[a++] = (float) ms[0];
                        aux[a++] = (float) ms[1];
                    }
                    ring.allReduce(aux, 0, aux.length, 1f, 1f);
                    AllReduceStats auxStats = ring.lastCallStats();
                    System.arraycopy(aux, 0, state, 0, state.length);
                    long t3 = System.nanoTime();
                    double stepLoss = aux[state.length] / global;
                    String stop = null;
                    if (Double.isFinite(stepLoss)) {
                        trainer.applyGradients();
                    } else {
                        trainer.iterations(trainer.iterations() + 1);
                        if (plan.terminateOnNaN()) {
                            stop = "loss is " + stepLoss + " at epoch " + (epoch + 1) + ", step " + (step + 1)
                                    + ": training stopped (TerminateOnNaN); the last checkpoint holds the last good weights";
                        }
                    }
                    long t4 = System.nanoTime();
                    timer.steps++;
                    timer.dataNanos += t1 - t0;
                    timer.computeNanos += t2 - t1;
                    timer.addAllReduce(t3 - t2);
                    timer.waitNanos += wait + auxStats.waitNanos();
                    timer.updateNanos += t4 - t3;

                    lossSum += stepLoss * global;
                    seen += global;
                    logs.put("loss", lossSum / seen);
                    a = state.length + 1;
                    for (Metric m : metrics) {
                        double sum = aux[a++];
                        double count = aux[a++];
                        logs.put(m.name(), count == 0 ? 0 : sum / count);
                    }
                    if (stop != null) {
                        LOG.warn("replica {}: {}", rank, stop);
                        if (rank == 0) {
                            progress.message(stop);
                        }
                        return stop;
                    }
                    if (rank == 0 && (t4 - lastReport > PROGRESS_INTERVAL_NANOS || step == steps - 1)) {
                        lastReport = t4;
                        progress.step(epoch, step, steps, logs);
                    }
                    boolean lastStep = step == steps - 1;
                    if (!lastStep && rank == 0 && store != null && plan.checkpointEverySteps() > 0
                            && trainer.iterations() % plan.checkpointEverySteps() == 0) {
                        checkpoint(store, epoch, step + 1, history, progress);
                    }
                }
                double seconds = (System.nanoTime() - epochStart) / 1e9;
                validate(ring, logs);
                logs.put("lr", (double) trainer.optimizer().learningRate(trainer.iterations()));
                logs.put("seconds", seconds);
                logs.put("images_per_second", seen / seconds);
                history.add(new LinkedHashMap<>(logs));
                if (rank == 0) {
                    progress.epochEnd(epoch, logs);
                    if (store != null) {
                        checkpoint(store, epoch + 1, 0, history, progress);
                    }
                }
            }
            return null;
        }

        /** Adds {@code val_loss} and {@code val_<metric>} over all replicas' validation shares. */
        private void validate(RingAllReduce ring, Map<String, Double> logs) {
            List<Metric> metrics = trainer.metrics();
            float[] v = new float[2 + metrics.size()];
            Map<String, Double> mine = null;
            if (validation != null) {
                mine = trainer.evaluate(validation, EVAL_BATCH, plan.normalizer());
                int n = validation.size();
                v[0] = n;
                v[1] = (float) (mine.get("loss") * n);
                for (int i = 0; i < metrics.size(); i++) {
                    v[2 + i] = (float) (mine.get(metrics.get(i).name()) * n);
                }
            }
            ring.allReduce(v, 0, v.length, 1f, 1f);
            if (v[0] > 0) {
                logs.put("val_loss", (double) v[1] / v[0]);
                for (int i = 0; i < metrics.size(); i++) {
                    logs.put("val_" + metrics.get(i).name(), (double) v[2 + i] / v[0]);
                }
            }
        }

        private void checkpoint(CheckpointStore store, int epoch, int step, List<Map<String, Double>> history,
                                ProgressClient progress) throws IOException {
            ParameterStore p = trainer.model().parameters();
            TrainingCheckpoint ckpt = new TrainingCheckpoint(epoch, step, trainer.iterations(), p.values().clone(),
                    p.state().clone(), trainer.optimizer().state(), List.copyOf(history));
            String where = store.write(ckpt);
            LOG.info("replica 0: checkpoint of step {} written to {}", trainer.iterations(), where);
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
