package io.convspark.driver.train;

import io.convspark.driver.allreduce.JobCredentials;
import io.convspark.driver.allreduce.PeerAddress;
import io.convspark.driver.allreduce.PeerServer;
import io.convspark.driver.allreduce.RingAllReduce;
import io.convspark.driver.checkpoint.CheckpointStore;
import io.convspark.driver.checkpoint.TrainingCheckpoint;
import io.convspark.driver.data.ShardBlock;
import io.convspark.driver.data.ShardLayout;
import io.convspark.driver.progress.EpochDecision;
import io.convspark.driver.progress.ProgressClient;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.metrics.Metric;
import io.convspark.kernels.model.ParameterStore;
import io.convspark.kernels.train.Trainer;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
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
    /** Start of the message each replica sends once its all-reduce server listens. */
    static final String LISTENING = "all-reduce server listening at ";

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
        Replica replica = new Replica(plan, layout, rank, blocks, executor);
        CheckpointStore store = plan.checkpointDir() == null ? null
                : new CheckpointStore(plan.checkpointDir(), hadoopConf.value(), plan.keepCheckpoints());

        PeerServer server = PeerServer.bind(Utils.localHostName(), credentials, plan.allReduce());
        progress.message(LISTENING + server.address());
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
            int bucket = plan.allReduce().bucketFloatsFor(peers.stream().map(PeerAddress::host).toList());
            String stop = new Loop(replica).train(ring, bucket, startEpoch, startStep, history, store, progress, timer);
            Trainer trainer = replica.trainer;
            ParameterStore params = replica.parameters();
            boolean first = rank == 0;
            return new ReplicaResult(rank, trainer.iterations(), stop, resumeStep,
                    first ? params.values().clone() : new float[0], first ? params.state().clone() : new float[0],
                    first ? new LinkedHashMap<>(trainer.optimizer().state()) : new LinkedHashMap<>(),
                    first ? history : List.of(), timer.toTimes(rank), rejectedBefore);
        }
    }

    /** The ring training loop of one replica. */
    private final class Loop {
        final Replica replica;
        final int rank;
        final float[] aux;

        Loop(Replica replica) {
            this.replica = replica;
            this.rank = replica.rank;
            this.aux = new float[replica.parameters().state().length + 1 + 2 * replica.metrics().size()];
        }

        /**
         * Runs the remaining epochs, reducing the gradient in buckets of {@code bucket} floats (0: once after
         * backward); returns the stop reason, or null when all epochs ran.
         */
        String train(RingAllReduce ring, int bucket, int startEpoch, int startStep, List<Map<String, Double>> history,
                     CheckpointStore store, ProgressClient progress, StepTimer timer) throws IOException {
            if (layout.workers() == 1 || bucket == 0) {
                return train(ring, null, startEpoch, startStep, history, store, progress, timer);
            }
            try (OverlappedGradientReduce overlap = new OverlappedGradientReduce(ring,
                    replica.parameters().grads(), bucket, rank)) {
                return train(ring, overlap, startEpoch, startStep, history, store, progress, timer);
            }
        }

        /** {@link #train} with the gradient reduced overlapped with backward, or in one call if {@code overlap} is null. */
        private String train(RingAllReduce ring, OverlappedGradientReduce overlap, int startEpoch, int startStep,
                             List<Map<String, Double>> history, CheckpointStore store, ProgressClient progress,
                             StepTimer timer) throws IOException {
            int steps = plan.stepsPerEpoch(layout.stepsPerEpoch());
            int world = layout.workers();
            Trainer trainer = replica.trainer;
            float[] grads = replica.parameters().grads();
            boolean regularized = replica.parameters().hasRegularizers();
            float[] state = replica.parameters().state();
            List<Metric> metrics = replica.metrics();
            for (int epoch = startEpoch; epoch < plan.epochs(); epoch++) {
                String decided = atBoundary(ring, progress, epoch, history);
                if (decided != null) {
                    return decided;
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
                    int n = replica.prepareStep(epoch, step);
                    int global = layout.globalCount(step);
                    long t1 = System.nanoTime();
                    double loss;
                    long t2;
                    long wait;
                    // The global-batch mean gradient: the sum over replicas of (local mean x local share).
                    if (overlap != null) {
                        // reduced in buckets while backward runs; what is left is reduced after it
                        overlap.begin(n, global);
                        loss = replica.computeGradients(step, n, overlap);
                        t2 = System.nanoTime();
                        overlap.finish();
                        wait = 0; // the buckets' waits overlap compute; the exposed part is t3 - t2
                        if (regularized) {
                            // the same on every replica, so added once to the reduced gradient
                            replica.parameters().addRegularizationGradients(replica.trainer.context().executor());
                        }
                    } else {
                        loss = replica.computeGradients(step, n);
                        t2 = System.nanoTime();
                        ring.allReduce(grads, 0, grads.length, n, global);
                        wait = ring.lastCallStats().waitNanos();
                    }
                    // The rest in one small call: BatchNormalization statistics averaged, loss and metric sums.
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
                    wait += ring.lastCallStats().waitNanos();
                    System.arraycopy(aux, 0, state, 0, state.length);
                    long t3 = System.nanoTime();
                    double stepLoss = aux[state.length] / global;
                    String stop = null;
                    if (!trainer.applyGradientsIfFinite(stepLoss) && plan.terminateOnNaN()) {
                        stop = "loss is " + stepLoss + " at epoch " + (epoch + 1) + ", step " + (step + 1)
                                + ": training stopped (TerminateOnNaN); the last checkpoint holds the last good weights";
                    }
                    long t4 = System.nanoTime();
                    timer.steps++;
                    timer.dataNanos += t1 - t0;
                    timer.computeNanos += t2 - t1;
                    timer.addAllReduce(t3 - t2);
                    timer.waitNanos += wait;
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
                        checkpoint(store, epoch, step + 1, history);
                    }
                }
                double seconds = (System.nanoTime() - epochStart) / 1e9;
                float[] val = replica.validationSums();
                ring.allReduce(val, 0, val.length, 1f, 1f);
                Replica.putValidation(val, metrics, logs);
                logs.put("lr", (double) trainer.optimizer().learningRate(trainer.iterations()));
                logs.put("seconds", seconds);
                logs.put("images_per_second", seen / seconds);
                history.add(new LinkedHashMap<>(logs));
                if (rank == 0) {
                    progress.epochEnd(epoch, logs);
                    if (store != null) {
                        checkpoint(store, epoch + 1, 0, history);
                    }
                }
            }
            atBoundary(ring, progress, plan.epochs(), history);
            return null;
        }

        /**
         * With driver-side callbacks: rank 0 hands the weights and the last epoch's logs to the driver
         * and all replicas adopt its decision (shared through the ring, so they act at the same step).
         * Returns the stop reason, or null to go on.
         */
        private String atBoundary(RingAllReduce ring, ProgressClient progress, int nextEpoch,
                                  List<Map<String, Double>> history) {
            if (!plan.driverCallbacks()) {
                return null;
            }
            float[] shared = new float[2];
            String reason = "";
            if (rank == 0) {
                Map<String, Double> last = nextEpoch > 0 && history.size() >= nextEpoch
                        ? history.get(nextEpoch - 1) : Map.of();
                EpochDecision d = progress.boundary(nextEpoch, last, replica.parameters().values(),
                        replica.parameters().state());
                shared[0] = d.stop() ? 1 : 0;
                shared[1] = Float.isNaN(d.learningRate()) ? 0 : d.learningRate();
                reason = d.reason();
            }
            ring.allReduce(shared, 0, 2, 1f, 1f);
            if (shared[1] > 0) {
                replica.trainer.optimizer().setLearningRate(shared[1]);
            }
            if (shared[0] > 0 && nextEpoch < plan.epochs()) {
                return rank == 0 && !reason.isEmpty() ? reason : "stopped by a callback on the driver";
            }
            return null;
        }

        private void checkpoint(CheckpointStore store, int epoch, int step, List<Map<String, Double>> history)
                throws IOException {
            Trainer trainer = replica.trainer;
            ParameterStore p = replica.parameters();
            TrainingCheckpoint ckpt = new TrainingCheckpoint(epoch, step, trainer.iterations(), p.values().clone(),
                    p.state().clone(), trainer.optimizer().state(), List.copyOf(history));
            String where = store.write(ckpt);
            LOG.info("replica 0: checkpoint of step {} written to {}", trainer.iterations(), where);
        }
    }
}
