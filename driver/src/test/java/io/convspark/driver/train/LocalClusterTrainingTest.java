package io.convspark.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.driver.progress.TrainingListener;
import io.convspark.driver.spark.LocalCluster;
import io.convspark.driver.spark.SparkSettings;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.data.Normalizer;
import io.convspark.kernels.losses.Losses;
import io.convspark.kernels.metrics.Metrics;
import io.convspark.kernels.optimizers.Optimizers;
import io.convspark.kernels.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on {@code local-cluster[2,1,1024]}: two real executor JVMs, the ring between them, and one of
 * them killed with SIGKILL mid-training.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class LocalClusterTrainingTest {
    static final String MODEL = """
            {"name": "mnist-shaped", "input": {"channels": 1, "height": 28, "width": 28},
             "layers": [
               {"type": "Conv2D", "filters": 8, "kernel_size": 3, "activation": "relu"},
               {"type": "MaxPooling2D", "pool_size": 2},
               {"type": "Flatten"},
               {"type": "Dense", "units": 10, "activation": "softmax"}
             ]}""";

    private static JavaSparkContext sc;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws IOException {
        SparkConf conf = SparkSettings.apply(new SparkConf()
                .setMaster("local-cluster[2,1,1024]")
                .setAppName("convspark-local-cluster-test")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.ui.enabled", "false")
                .setExecutorEnv("SPARK_LOCAL_IP", "127.0.0.1"));
        LocalCluster.configure(conf);
        sc = new JavaSparkContext(conf);
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    /** 28x28 images, 10 classes: class k has a bright bar at row block k. */
    static ImageDataset mnistShaped(int n, long seed) {
        java.util.Random rng = new java.util.Random(seed);
        byte[] px = new byte[n * 784];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int k = rng.nextInt(10);
            labels[i] = k;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    boolean on = y / 3 == k && x > 3 && x < 24;
                    px[i * 784 + y * 28 + x] = (byte) (rng.nextInt(50) + (on ? 180 : 0));
                }
            }
        }
        return new ImageDataset(px, labels, 1, 28, 28, 10, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
    }

    private static TrainingPlan.Builder plan(int epochs) {
        return TrainingPlan.builder(MODEL).batchSize(64).epochs(epochs).seed(3)
                .optimizer("adam", Map.of("learning_rate", 0.003f));
    }

    private static double testAccuracy(TrainingResult r, ImageDataset test) {
        Trainer t = new Trainer(r.model(), Losses.parse("sparse_categorical_crossentropy"), Optimizers.parse("adam"),
                List.of(Metrics.parse("accuracy")));
        return t.evaluate(test, 256, Normalizer.unitScale()).get("accuracy");
    }

    @Test
    void separateExecutorJvmsTrainAndTheLossFalls() throws Exception {
        ImageDataset train = mnistShaped(2048, 1);
        TrainingResult r = new DistributedTrainer(sc, plan(2).build(), 2).fit(train, null, TrainingListener.NONE, false);
        double[] loss = r.series("loss");
        assertEquals(64, r.iterations());
        assertTrue(loss[1] < loss[0], "loss must fall: " + loss[0] + " -> " + loss[1]);
        assertTrue(executorPids().size() >= 2, "two executor JVMs: " + executorPids());
    }

    @Test
    void survivesAKilledExecutorAndResumesFromTheLastCheckpoint() throws Exception {
        ImageDataset all = mnistShaped(6144 + 1000, 2);
        ImageDataset train = all.slice(0, 6144); // 96 steps per epoch
        ImageDataset test = all.slice(6144, all.size());
        TrainingResult undisturbed = new DistributedTrainer(sc, plan(3).build(), 2)
                .fit(train, null, TrainingListener.NONE, false);

        AtomicBoolean killed = new AtomicBoolean();
        AtomicReference<String> resumeMessage = new AtomicReference<>();
        List<Long> killedPids = new ArrayList<>();
        TrainingListener killer = new TrainingListener() {
            @Override
            public void onStep(int epoch, int step, int steps, Map<String, Double> logs) {
                if (epoch == 1 && step >= 20 && killed.compareAndSet(false, true)) {
                    Optional<ProcessHandle> victim = executorPids().stream().findFirst();
                    victim.ifPresent(p -> {
                        killedPids.add(p.pid());
                        p.destroyForcibly(); // SIGKILL
                    });
                }
            }

            @Override
            public void onMessage(int rank, String message) {
                if (message.startsWith("resuming")) {
                    resumeMessage.set(message);
                }
            }
        };
        String dir = tmp.resolve("ckpt").toUri().toString();
        TrainingPlan p = plan(3).checkpointDir(dir).checkpointEverySteps(16).build();
        TrainingResult r = new DistributedTrainer(sc, p, 2).fit(train, null, killer, false);
        assertTrue(killed.get() && !killedPids.isEmpty(), "an executor was killed");
        assertTrue(r.resumedFromStep() >= 96, "resumed from step " + r.resumedFromStep());
        assertTrue(resumeMessage.get() != null && resumeMessage.get().contains("step " + r.resumedFromStep()),
                "the driver heard where training resumed: " + resumeMessage.get());
        assertEquals(288, r.iterations());
        double a = testAccuracy(undisturbed, test);
        double b = testAccuracy(r, test);
        assertTrue(Math.abs(a - b) <= 0.003, "accuracy " + a + " undisturbed vs " + b + " after the kill");
        assertTrue(b > 0.9, "accuracy " + b);
    }

    /** Reads /proc directly: the JDK's ProcessHandle.Info leaves out command lines as long as an executor's. */
    private static boolean isExecutor(ProcessHandle ph) {
        try {
            byte[] cmd = Files.readAllBytes(Path.of("/proc", Long.toString(ph.pid()), "cmdline"));
            return new String(cmd, java.nio.charset.StandardCharsets.ISO_8859_1).contains("CoarseGrainedExecutorBackend");
        } catch (IOException e) {
            return false;
        }
    }

    static List<ProcessHandle> executorPids() {
        return ProcessHandle.current().descendants()
                .filter(LocalClusterTrainingTest::isExecutor)
                .filter(ProcessHandle::isAlive)
                .collect(Collectors.toList());
    }

    /**
     * The Spark ML API across executor JVMs: the classifier decodes rows on the executors (Kryo-serialized
     * blocks back to the driver), trains on 2 replicas, and the model scores on the executors from its
     * broadcast; predictions equal the single-JVM model's.
     */
    @Test
    @org.junit.jupiter.api.Order(0)
    void sparkMlPipelineTrainsAndScoresOnExecutorJvms() {
        org.apache.spark.sql.SparkSession spark = org.apache.spark.sql.SparkSession.builder().sparkContext(sc.sc())
                .getOrCreate();
        ImageDataset data = mnistShaped(800, 11);
        ImageDataset train = data.slice(0, 640);
        ImageDataset test = data.slice(640, 800);
        io.convspark.driver.ml.ConvNetClassificationModel model = new io.convspark.driver.ml.ConvNetClassifier()
                .setModelDefinition(MODEL).setEpochs(1).setBatchSize(64).setLearningRate(0.01).setNumWorkers(2)
                .fit(io.convspark.driver.ml.ImageFrames.fromDataset(spark, train, "train", 4));
        List<org.apache.spark.sql.Row> rows = model.transform(
                io.convspark.driver.ml.ImageFrames.fromDataset(spark, test, "test", 4)).orderBy("index")
                .select("probability", "prediction").collectAsList();
        float[][] expected = new Trainer(model.savedModel().model(), Losses.parse("mse"), Optimizers.parse("sgd"),
                List.of()).predict(test, 256, model.savedModel().normalizer());
        int correct = 0;
        for (int i = 0; i < rows.size(); i++) {
            double[] p = ((org.apache.spark.ml.linalg.Vector) rows.get(i).get(0)).toArray();
            for (int k = 0; k < p.length; k++) {
                assertEquals(expected[i][k], p[k], 1e-6, "image " + i);
            }
            correct += (int) rows.get(i).getDouble(1) == test.label(i) ? 1 : 0;
        }
        assertEquals(160, rows.size());
        assertTrue(correct > 0.8 * rows.size(), "accuracy " + correct + "/160");
    }
}
