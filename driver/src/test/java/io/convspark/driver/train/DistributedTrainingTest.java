package io.convspark.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.driver.allreduce.AllReduceSettings;
import io.convspark.driver.progress.TrainingListener;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.data.Normalizer;
import io.convspark.kernels.train.Callback;
import io.convspark.kernels.train.History;
import io.convspark.kernels.train.TrainingControl;
import io.convspark.kernels.train.callbacks.EarlyStopping;
import io.convspark.kernels.train.callbacks.EpochSchedule;
import io.convspark.kernels.train.callbacks.LearningRateScheduler;
import io.convspark.kernels.train.callbacks.ModelCheckpoint;
import io.convspark.kernels.train.callbacks.Mode;
import io.convspark.kernels.train.callbacks.ReduceLROnPlateau;
import io.convspark.kernels.train.callbacks.TerminateOnNaN;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real barrier stages on an embedded local[2] Spark: equivalence, checkpoints, resume, progress. */
class DistributedTrainingTest {
    private static JavaSparkContext sc;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        sc = SparkTestContext.local(2);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    private static TrainingPlan.Builder plan() {
        return TrainingPlan.builder(TestData.MODEL).batchSize(64).seed(7).threadsPerReplica(1)
                .optimizer("adam", Map.of("learning_rate", 0.01f));
    }

    @Test
    void twoReplicasEqualOneReplicaAfterTwentySteps() throws Exception {
        ImageDataset train = TestData.quadrants(640, 1); // 10 steps per epoch
        TrainingPlan p = plan().epochs(2).build();
        TrainingResult two = new DistributedTrainer(sc, p, 2, 2).fit(train, null, TrainingListener.NONE, false);
        TrainingResult one = new DistributedTrainer(sc, p, 1, 2).fit(train, null, TrainingListener.NONE, false);
        assertEquals(20, two.iterations());
        assertEquals(20, one.iterations());
        float[] a = two.model().parameters().values();
        float[] b = one.model().parameters().values();
        double maxRel = 0;
        for (int i = 0; i < a.length; i++) {
            maxRel = Math.max(maxRel, Math.abs(a[i] - b[i]) / Math.max(1e-3, Math.max(Math.abs(a[i]), Math.abs(b[i]))));
        }
        assertTrue(maxRel <= 1e-4, "max relative difference " + maxRel);
        // and it learned: loss falls
        double[] loss = two.series("loss");
        assertTrue(loss[1] < loss[0], "loss " + loss[0] + " -> " + loss[1]);
    }

    @Test
    void gradientReducedInBucketsDuringBackwardEqualsOneCallAfterIt() throws Exception {
        // L2 on the kernels: with overlap the (replica-identical) regularization gradient is added after
        // the reduction; 50-float buckets cut every layer's gradient into several transfers.
        String regularized = TestData.MODEL.replace("\"filters\": 4, \"kernel_size\": 3,",
                "\"filters\": 4, \"kernel_size\": 3, \"kernel_regularizer\": {\"l2\": 0.01},")
                .replace("\"units\": 16,", "\"units\": 16, \"kernel_regularizer\": {\"l2\": 0.01},");
        assertTrue(regularized.contains("l2"), regularized);
        ImageDataset train = TestData.quadrants(640, 4);
        TrainingPlan.Builder base = TrainingPlan.builder(regularized).batchSize(64).seed(7).threadsPerReplica(1)
                .optimizer("adam", Map.of("learning_rate", 0.01f)).epochs(2);
        TrainingPlan buckets = base.allReduce(AllReduceSettings.defaults().withBucketFloats(50)).build();
        TrainingPlan oneCall = base.allReduce(AllReduceSettings.defaults().withBucketFloats(0)).build();
        float[] overlapped = new DistributedTrainer(sc, buckets, 2, 2).fit(train, null, TrainingListener.NONE, false)
                .model().parameters().values();
        float[] after = new DistributedTrainer(sc, oneCall, 2, 2).fit(train, null, TrainingListener.NONE, false)
                .model().parameters().values();
        float[] single = new DistributedTrainer(sc, oneCall, 1, 2).fit(train, null, TrainingListener.NONE, false)
                .model().parameters().values();
        assertMaxRelative(overlapped, after, 1e-4, "bucketed vs one call");
        assertMaxRelative(overlapped, single, 1e-4, "bucketed 2 replicas vs 1 replica");
    }

    private static void assertMaxRelative(float[] a, float[] b, double tolerance, String what) {
        double maxRel = 0;
        for (int i = 0; i < a.length; i++) {
            maxRel = Math.max(maxRel, Math.abs(a[i] - b[i]) / Math.max(1e-3, Math.max(Math.abs(a[i]), Math.abs(b[i]))));
        }
        assertTrue(maxRel <= tolerance, what + ": max relative difference " + maxRel);
    }

    @Test
    void reportsProgressAndValidationAndStepTimes() throws Exception {
        ImageDataset data = TestData.quadrants(800, 2);
        ImageDataset train = data.slice(0, 640);
        ImageDataset val = data.slice(640, 800);
        List<Map<String, Double>> epochs = new ArrayList<>();
        List<Integer> steps = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public synchronized void onStep(int epoch, int step, int stepsPerEpoch, Map<String, Double> logs) {
                steps.add(step);
            }

            @Override
            public synchronized void onEpochEnd(int epoch, Map<String, Double> logs) {
                epochs.add(logs);
            }
        };
        TrainingResult r = new DistributedTrainer(sc, plan().epochs(3).build(), 2).fit(train, val, listener, false);
        assertEquals(3, r.history().size());
        synchronized (listener) {
            assertEquals(3, epochs.size());
            assertTrue(steps.contains(9), "the last step of an epoch is always reported: " + steps);
        }
        Map<String, Double> last = r.history().get(2);
        assertTrue(last.get("val_accuracy") > 0.9, "val accuracy " + last);
        assertTrue(last.containsKey("val_loss") && last.containsKey("accuracy"));
        assertEquals(2, r.times().size());
        assertEquals(30, r.times().get(0).steps());
        assertTrue(r.times().get(0).medianAllReduceMillis() > 0);
        assertNull(r.stopReason());
    }

    @Test
    void resumesFromCheckpointsAndMatchesAnUninterruptedRun() throws Exception {
        ImageDataset train = TestData.quadrants(640, 3);
        String dir = tmp.resolve("ckpt").toUri().toString();
        TrainingResult full = new DistributedTrainer(sc, plan().epochs(3).build(), 2)
                .fit(train, null, TrainingListener.NONE, false);
        // 2 epochs, checkpoints every 4 steps, then resume for the third epoch.
        TrainingPlan first = plan().epochs(2).checkpointDir(dir).checkpointEverySteps(4).build();
        new DistributedTrainer(sc, first, 2).fit(train, null, TrainingListener.NONE, false);
        assertTrue(Files.list(tmp.resolve("ckpt")).anyMatch(f -> f.getFileName().toString().endsWith(".ckpt")));
        TrainingPlan again = plan().epochs(3).checkpointDir(dir).checkpointEverySteps(4).build();
        assertThrows(IllegalArgumentException.class,
                () -> new DistributedTrainer(sc, again, 2).fit(train, null, TrainingListener.NONE, false),
                "a directory with checkpoints needs --resume");
        TrainingResult resumed = new DistributedTrainer(sc, again, 2).fit(train, null, TrainingListener.NONE, true);
        assertEquals(20, resumed.resumedFromStep());
        assertEquals(30, resumed.iterations());
        assertEquals(3, resumed.history().size());
        float[] a = full.model().parameters().values();
        float[] b = resumed.model().parameters().values();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 0f, "parameter " + i + " differs after resume");
        }
    }

    @Test
    void driverSynchronizedBaselineGivesTheSameModel() throws Exception {
        ImageDataset train = TestData.quadrants(640, 4);
        TrainingPlan p = plan().epochs(1).build();
        TrainingResult ring = new DistributedTrainer(sc, p, 2).fit(train, null, TrainingListener.NONE, false);
        TrainingResult driver = new DriverSyncTrainer(sc, p, 2, 2).fit(train, null, TrainingListener.NONE);
        assertEquals(10, driver.iterations());
        float[] a = ring.model().parameters().values();
        float[] b = driver.model().parameters().values();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-4f * Math.max(1f, Math.abs(a[i])), "parameter " + i);
        }
        assertEquals(ring.history().get(0).get("loss"), driver.history().get(0).get("loss"), 1e-4);
    }

    @Test
    void aStrangerWithoutTheSecretIsRefusedAndTrainingGoesOn() throws Exception {
        List<java.net.Socket> strangers = new ArrayList<>();
        TrainingListener intruder = new TrainingListener() {
            @Override
            public void onMessage(int rank, String message) {
                if (message.startsWith(ReplicaTask.LISTENING)) {
                    io.convspark.driver.allreduce.PeerAddress at = io.convspark.driver.allreduce.PeerAddress.parse(
                            message.substring(ReplicaTask.LISTENING.length()));
                    try {
                        java.net.Socket s = new java.net.Socket(at.host(), at.port());
                        s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes());
                        s.getOutputStream().flush();
                        synchronized (strangers) {
                            strangers.add(s);
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        };
        TrainingResult r = new DistributedTrainer(sc, plan().epochs(1).build(), 2)
                .fit(TestData.quadrants(640, 5), null, intruder, false);
        assertEquals(10, r.iterations());
        synchronized (strangers) {
            assertEquals(2, strangers.size());
            for (java.net.Socket s : strangers) {
                s.close();
            }
        }
        assertTrue(r.rejectedConnections() >= 2, "rejected: " + r.rejectedConnections());
    }

    @Test
    void driverSideCallbacksSeeTheWeightsAndStopAndSteerEveryReplica() throws Exception {
        TrainingPlan p = plan().epochs(5).driverCallbacks(true).build();
        List<Integer> ended = new ArrayList<>();
        List<Float> firstWeights = new ArrayList<>();
        io.convspark.kernels.train.Callback steer = new io.convspark.kernels.train.Callback() {
            @Override
            public void onEpochBegin(int epoch, io.convspark.kernels.train.TrainingControl control) {
                if (epoch == 1) {
                    control.optimizer().setLearningRate(0.002f);
                }
            }

            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs, io.convspark.kernels.train.TrainingControl c) {
                ended.add(epoch);
                firstWeights.add(c.model().parameters().values()[0]);
                if (epoch == 1) {
                    c.requestStop("enough after epoch " + (epoch + 1));
                }
            }
        };
        DistributedTrainer trainer = new DistributedTrainer(sc, p, 2);
        CallbackBridge bridge = new CallbackBridge(p, List.of(steer), 10);
        bridge.begin();
        TrainingResult r = trainer.fit(TestData.quadrants(640, 6), null, bridge, false);
        assertEquals(List.of(0, 1), ended);
        assertEquals(20, r.iterations(), "both replicas stopped after two epochs");
        assertEquals("enough after epoch 2", r.stopReason());
        assertEquals(0.002, r.history().get(1).get("lr"), 1e-7, "the new learning rate reached the replicas");
        assertEquals(0.01, r.history().get(0).get("lr"), 1e-7);
        assertTrue(firstWeights.get(0) != firstWeights.get(1), "the callbacks saw each epoch's weights");
        assertEquals(r.model().parameters().values()[0], firstWeights.get(1), 0f);
    }

    @Test
    void driverSynchronizedTrainingRunsKerasCallbacksAsTheRingDoes() throws Exception {
        ImageDataset data = TestData.quadrants(800, 8);
        ImageDataset train = data.slice(0, 640);
        ImageDataset val = data.slice(640, 800);
        TrainingPlan p = plan().epochs(6).driverCallbacks(true).build();

        EpochWeights onRing = new EpochWeights();
        List<Callback> ringCallbacks = steeringCallbacks(onRing);
        CallbackBridge bridge = new CallbackBridge(p, ringCallbacks, 10);
        bridge.begin();
        TrainingResult ring = new DistributedTrainer(sc, p, 2).fit(train, val, bridge, false);
        ring = ring.withModel(bridge.end(ring, History.of(ring.history(), ring.stopReason())));

        EpochWeights onDriver = new EpochWeights();
        TrainingResult driver = new DriverSyncTrainer(sc, p, 2, 2).fit(train, val, TrainingListener.NONE,
                steeringCallbacks(onDriver));

        for (TrainingResult r : List.of(driver, ring)) {
            assertEquals(3, r.history().size(), "EarlyStopping (patience 2; a falling loss never improves in mode "
                    + "max) stopped after the third epoch");
            assertEquals(30, r.iterations());
            assertTrue(r.stopReason().startsWith("EarlyStopping: 'loss' did not improve"), r.stopReason());
            double[] lr = r.series("lr");
            assertEquals(0.01, lr[0], 1e-7);
            assertEquals(0.005, lr[1], 1e-7, "LearningRateScheduler halved it at the start of epoch 2");
            assertEquals(0.00125, lr[2], 1e-7, "ReduceLROnPlateau halved it after epoch 2, then the scheduler again");
        }
        assertEquals(3, onDriver.weights.size());
        assertTrue(onDriver.weights.get(0)[0] != onDriver.weights.get(2)[0], "the callbacks saw the live weights");
        float[] best = onDriver.weights.get(0);
        float[] kept = driver.model().parameters().values();
        for (int i = 0; i < best.length; i++) {
            assertEquals(best[i], kept[i], 0f, "restore_best_weights: the weights after epoch 1, parameter " + i);
        }
        float[] onTheRing = ring.model().parameters().values();
        assertEquals(onRing.weights.get(0)[0], onTheRing[0], 0f, "the ring's bridge restored its best weights too");
        for (int i = 0; i < kept.length; i++) {
            assertEquals(onTheRing[i], kept[i], 1e-4f * Math.max(1f, Math.abs(onTheRing[i])), "parameter " + i);
        }
        for (int e = 0; e < 3; e++) {
            assertEquals(ring.history().get(e).get("loss"), driver.history().get(e).get("loss"), 1e-4, "epoch " + e);
            assertEquals(ring.history().get(e).get("val_loss"), driver.history().get(e).get("val_loss"), 1e-4);
        }
    }

    @Test
    void aNonFiniteLossStopsDriverSynchronizedTrainingAndNeverReachesTheWeights() throws Exception {
        TrainingPlan p = plan().epochs(3).normalizer(new NaNPixels()).build();
        Path checkpoints = tmp.resolve("ckpt-{epoch:02d}.convspark");
        TrainingResult r = new DriverSyncTrainer(sc, p, 2, 2).fit(TestData.quadrants(640, 9), null,
                TrainingListener.NONE, List.of(new TerminateOnNaN(),
                        new ModelCheckpoint(checkpoints.toString(), "loss", Mode.AUTO, false, false, null, Map.of())));
        assertEquals(1, r.iterations(), "stopped after the first step");
        assertTrue(r.stopReason().startsWith("loss is NaN at epoch 1, step 1: training stopped (TerminateOnNaN)"),
                r.stopReason());
        assertEquals(1, r.history().size());
        float[] initial = p.buildModel().parameters().values();
        float[] kept = r.model().parameters().values();
        for (int i = 0; i < initial.length; i++) {
            assertEquals(initial[i], kept[i], 0f, "the NaN step was not applied, parameter " + i);
        }
        try (java.util.stream.Stream<Path> files = Files.list(tmp)) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".convspark")),
                    "ModelCheckpoint writes no epoch whose loss is NaN");
        }
    }

    /** Every pixel becomes NaN, so the first step's loss is NaN. */
    private static final class NaNPixels implements Normalizer {
        private static final long serialVersionUID = 1L;

        @Override
        public void normalize(byte[] pixels, int pixelOffset, int channels, int planeSize, float[] out,
                              int outOffset) {
            java.util.Arrays.fill(out, outOffset, outOffset + channels * planeSize, Float.NaN);
        }

        @Override
        public float value(int channel, int pixel) {
            return Float.NaN;
        }

        @Override
        public void checkChannels(int channels) {
        }
    }

    /**
     * LearningRateScheduler (halve every epoch), ReduceLROnPlateau and EarlyStopping with restore_best_weights on
     * the training loss in mode max (so a falling loss is a plateau), and a recorder of the weights each epoch.
     */
    private static List<Callback> steeringCallbacks(EpochWeights recorder) {
        return List.of(new LearningRateScheduler(EpochSchedule.stepDecay(0.5, 1)),
                new ReduceLROnPlateau("loss", 0.5, 1, Mode.MAX, 0, 0, 0),
                new EarlyStopping("loss", 0, 2, Mode.MAX, null, true, 0), recorder);
    }

    /** Records a copy of the weights at every epoch end. */
    private static final class EpochWeights implements Callback {
        final List<float[]> weights = new ArrayList<>();

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs, TrainingControl control) {
            weights.add(control.model().parameters().values().clone());
        }
    }

    @Test
    void batchSmallerThanShardCountIsRefused() {
        TrainingPlan p = plan().batchSize(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DistributedTrainer(sc, p, 2).fit(TestData.quadrants(64, 1), null, TrainingListener.NONE,
                        false));
        assertTrue(e.getMessage().contains("batch size 1"), e.getMessage());
    }
}
