package io.convspark.kernels.train;

import static io.convspark.kernels.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.kernels.compute.Gemms;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.layers.StepContext;
import io.convspark.kernels.losses.SparseCategoricalCrossentropy;
import io.convspark.kernels.losses.Targets;
import io.convspark.kernels.model.ModelDefinition;
import io.convspark.kernels.optimizers.Adam;
import io.convspark.kernels.optimizers.Optimizer;
import io.convspark.kernels.optimizers.Sgd;
import io.convspark.kernels.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Replicas in threads against one trainer on the whole batch: the same weights within float rounding
 * (shards of unequal size, dropout keyed by the global sample index), replicas equal bit for bit
 * with BatchNormalization (shard statistics, averaged moving statistics), and setups refused with
 * their reason.
 */
class ReplicaTrainerTest {
    private static final String CONV_DROPOUT = "{\"name\": \"small\", \"input\": {\"channels\": 2, \"height\": 9, "
            + "\"width\": 9}, \"layers\": ["
            + " {\"type\": \"Conv2D\", \"filters\": 5, \"kernel_size\": 3, \"activation\": \"relu\"},"
            + " {\"type\": \"MaxPooling2D\", \"pool_size\": 2},"
            + " {\"type\": \"Conv2D\", \"filters\": 6, \"kernel_size\": 3, \"padding\": \"same\", \"activation\": \"tanh\"},"
            + " {\"type\": \"Flatten\"},"
            + " {\"type\": \"Dropout\", \"rate\": 0.3},"
            + " {\"type\": \"Dense\", \"units\": 4, \"activation\": \"softmax\"}]}";
    private static final String WITH_BATCH_NORM = "{\"name\": \"bn\", \"input\": {\"channels\": 1, \"height\": 8, "
            + "\"width\": 8}, \"layers\": ["
            + " {\"type\": \"Conv2D\", \"filters\": 4, \"kernel_size\": 3, \"padding\": \"same\"},"
            + " {\"type\": \"BatchNormalization\"},"
            + " {\"type\": \"Activation\", \"activation\": \"elu\"},"
            + " {\"type\": \"MaxPooling2D\", \"pool_size\": 2},"
            + " {\"type\": \"Dropout\", \"rate\": 0.2},"
            + " {\"type\": \"Flatten\"},"
            + " {\"type\": \"Dense\", \"units\": 3, \"activation\": \"softmax\"}]}";

    private static final String BARS = "{\"name\": \"bars\", \"input\": {\"channels\": 1, \"height\": 8, \"width\": 8},"
            + " \"layers\": ["
            + " {\"type\": \"Conv2D\", \"filters\": 4, \"kernel_size\": 3, \"activation\": \"relu\"},"
            + " {\"type\": \"MaxPooling2D\", \"pool_size\": 2},"
            + " {\"type\": \"Flatten\"},"
            + " {\"type\": \"Dense\", \"units\": 3, \"activation\": \"softmax\"}]}";

    private final List<KernelExecutor> executors = new ArrayList<>();

    @AfterEach
    void close() {
        executors.forEach(KernelExecutor::close);
    }

    private Trainer trainer(String json, Supplier<Optimizer> optimizer) {
        KernelExecutor ex = new KernelExecutor(1);
        executors.add(ex);
        return new Trainer(ModelDefinition.parse(json, "test").build(7), new SparseCategoricalCrossentropy(),
                optimizer.get(), List.of(), new StepContext(ex, Gemms.get()));
    }

    private ReplicaTrainer replicas(String json, Supplier<Optimizer> optimizer, int count) {
        List<Trainer> list = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            list.add(trainer(json, optimizer));
        }
        return new ReplicaTrainer(list);
    }

    private static Tensor images(Trainer t, int n, Random rnd) {
        Tensor x = new Tensor(t.model().inputShape(), n);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = rnd.nextFloat();
        }
        return x;
    }

    private static Targets labels(Trainer t, int n, Random rnd) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rnd.nextInt(t.model().outputShape().size());
        }
        return Targets.ofLabels(labels, n, t.model().outputShape().size());
    }

    @Test
    void equalsOneTrainerOnTheWholeBatch() {
        for (Supplier<Optimizer> opt : List.<Supplier<Optimizer>>of(() -> new Sgd(0.1f), () -> new Adam(0.01f))) {
            Trainer one = trainer(CONV_DROPOUT, opt);
            try (ReplicaTrainer three = replicas(CONV_DROPOUT, opt, 3)) {
                Random rnd = new Random(3);
                for (int step = 0; step < 4; step++) {
                    // 11 samples: shards of 3, 4 and 4
                    Tensor x = images(one, 11, rnd);
                    Targets y = labels(one, 11, rnd);
                    double expected = one.computeGradients(x, y, 0);
                    one.applyGradients();
                    double loss = three.step(x, y);
                    assertEquals(expected, loss, 1e-5 * Math.abs(expected), "loss of step " + step);
                }
                String what = one.optimizer().name() + ": weights after 4 steps";
                for (Trainer r : three.replicas()) {
                    assertClose(one.model().parameters().values(), r.model().parameters().values(), 1e-4, what);
                    assertEquals(4, r.iterations());
                }
            }
        }
    }

    @Test
    void replicasStayEqualBitForBitWithBatchNormalization() {
        try (ReplicaTrainer two = replicas(WITH_BATCH_NORM, () -> new Adam(0.01f), 2)) {
            Trainer first = two.replicas().get(0);
            Trainer second = two.replicas().get(1);
            Random rnd = new Random(5);
            float[] before = first.model().parameters().state().clone();
            for (int step = 0; step < 3; step++) {
                double loss = two.step(images(first, 9, rnd), labels(first, 9, rnd));
                assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
            }
            assertArrayEquals(first.model().parameters().values(), second.model().parameters().values());
            assertArrayEquals(first.model().parameters().state(), second.model().parameters().state(),
                    "moving statistics, averaged");
            boolean moved = false;
            for (int i = 0; i < before.length; i++) {
                moved |= before[i] != first.model().parameters().state()[i];
            }
            assertTrue(moved, "the moving statistics were updated");
        }
    }

    @Test
    void fitTrainsOnTheReplicasWithTheirMetricsGatheredAndTheLearningRateShared() {
        List<Trainer> list = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            KernelExecutor ex = new KernelExecutor(1);
            executors.add(ex);
            list.add(new Trainer(ModelDefinition.parse(BARS, "bars").build(11), new SparseCategoricalCrossentropy(),
                    new Adam(0.01f), List.of(new io.convspark.kernels.metrics.Accuracy()), new StepContext(ex, Gemms.get())));
        }
        Trainer first = list.get(0);
        Callback halve = new Callback() {
            @Override
            public void onEpochEnd(int epoch, java.util.Map<String, Double> logs, TrainingControl control) {
                control.optimizer().setLearningRate(control.optimizer().baseLearningRate() / 2);
            }
        };
        try (ReplicaTrainer two = new ReplicaTrainer(list)) {
            first.shareSteps(two);
            History h = first.fit(TrainerTest.bars(600, 1), TrainerTest.bars(200, 2),
                    new FitOptions().epochs(3).batchSize(32).seed(3), List.of(halve));
            assertEquals(3 * 19, first.iterations());
            assertEquals(3 * 19, list.get(1).iterations());
            double[] accuracy = h.series("accuracy");
            assertTrue(accuracy[2] > 0.9 && accuracy[2] <= 1.0, "training accuracy of both shards: "
                    + java.util.Arrays.toString(accuracy));
            assertTrue(h.last().get("val_accuracy") > 0.9, h.last().toString());
            assertArrayEquals(first.model().parameters().values(), list.get(1).model().parameters().values());
            // halved after epochs 0 and 1 (epoch 2's halving comes after the last step)
            assertEquals(0.0025f, list.get(1).optimizer().baseLearningRate(), 1e-9);
        }
        try (ReplicaTrainer again = new ReplicaTrainer(list)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> list.get(1).shareSteps(again));
            assertTrue(e.getMessage().contains("the replicas' first trainer must be the one that fits"), e.getMessage());
        }
    }

    @Test
    void aNanLossIsReportedAndNotTrainedThrough() {
        try (ReplicaTrainer two = replicas(CONV_DROPOUT, Sgd::new, 2)) {
            Trainer first = two.replicas().get(0);
            Random rnd = new Random(2);
            Tensor x = images(first, 6, rnd);
            x.data()[5 * x.sampleSize() + 3] = Float.NaN; // a sample of the second shard
            float[] before = first.model().parameters().values().clone();
            double loss = two.step(x, labels(first, 6, rnd));
            assertTrue(Double.isNaN(loss), "loss " + loss);
            for (Trainer r : two.replicas()) {
                assertArrayEquals(before, r.model().parameters().values(), "weights untouched");
                assertEquals(1, r.iterations());
            }
        }
    }

    @Test
    void refusesWhatItCannotShare() {
        try (ReplicaTrainer two = replicas(CONV_DROPOUT, Sgd::new, 2)) {
            Trainer t = two.replicas().get(0);
            Random rnd = new Random(1);
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                    () -> two.step(images(t, 1, rnd), labels(t, 1, rnd)));
            assertTrue(small.getMessage().contains("a batch of 1 samples cannot be shared by 2 replicas"),
                    small.getMessage());
            IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                    () -> two.step(images(t, 4, rnd), labels(t, 3, rnd)));
            assertTrue(count.getMessage().contains("targets hold 3 samples, the batch 4"), count.getMessage());
        }
        KernelExecutor wide = new KernelExecutor(2);
        executors.add(wide);
        Trainer threaded = new Trainer(ModelDefinition.parse(CONV_DROPOUT, "test").build(7),
                new SparseCategoricalCrossentropy(), new Sgd(), List.of(), new StepContext(wide, Gemms.get()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReplicaTrainer(List.of(threaded)));
        assertTrue(e.getMessage().contains("each replica needs a 1-thread executor, got 2 threads"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ReplicaTrainer(List.of()));
    }
}
