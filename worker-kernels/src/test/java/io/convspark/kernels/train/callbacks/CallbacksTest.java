package io.convspark.kernels.train.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.losses.SparseCategoricalCrossentropy;
import io.convspark.kernels.metrics.Accuracy;
import io.convspark.kernels.model.ModelDefinition;
import io.convspark.kernels.model.io.ModelFile;
import io.convspark.kernels.optimizers.Adam;
import io.convspark.kernels.train.Callback;
import io.convspark.kernels.train.FitOptions;
import io.convspark.kernels.train.History;
import io.convspark.kernels.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Callbacks as data, and the callbacks together in a real (tiny) training run. */
class CallbacksTest {
    private static List<Map<String, Object>> json(String text) throws Exception {
        return new ObjectMapper().readValue(text, new TypeReference<List<Map<String, Object>>>() {
        });
    }

    private static IllegalArgumentException rejected(String text) {
        return assertThrows(IllegalArgumentException.class, () -> Callbacks.fromConfig(json(text), Map.of()));
    }

    private static void assertRejected(String text, String expected) {
        String message = rejected(text).getMessage();
        assertTrue(message.contains(expected), message);
    }

    @Test
    void buildsEveryTypeFromKerasNames(@TempDir Path dir) throws Exception {
        List<Callback> cbs = Callbacks.fromConfig(json("[{\"type\": \"EarlyStopping\", \"monitor\": \"val_loss\","
                + " \"patience\": 3, \"restore_best_weights\": true, \"verbose\": 1},"
                + " {\"type\": \"ModelCheckpoint\", \"filepath\": \"" + dir + "/c-{epoch:02d}.convspark\","
                + " \"save_best_only\": true, \"mode\": \"min\"},"
                + " {\"type\": \"ReduceLROnPlateau\", \"factor\": 0.5, \"patience\": 2, \"min_lr\": 1e-5},"
                + " {\"type\": \"CSVLogger\", \"filename\": \"" + dir + "/log.csv\", \"append\": true},"
                + " {\"type\": \"TerminateOnNaN\"},"
                + " {\"type\": \"LearningRateScheduler\", \"schedule\": {\"type\": \"StepDecay\", \"factor\": 0.5,"
                + " \"every\": 10}}]"), Map.of());
        assertEquals(6, cbs.size());
        assertInstanceOf(EarlyStopping.class, cbs.get(0));
        assertInstanceOf(ModelCheckpoint.class, cbs.get(1));
        assertInstanceOf(ReduceLROnPlateau.class, cbs.get(2));
        assertInstanceOf(CSVLogger.class, cbs.get(3));
        assertInstanceOf(TerminateOnNaN.class, cbs.get(4));
        assertInstanceOf(LearningRateScheduler.class, cbs.get(5));
    }

    @Test
    void badConfigsAreRejectedClearly() {
        assertRejected("[{\"type\": \"EarlyStoping\"}]",
                "callback #1 (EarlyStoping): 'type' must be one of ModelCheckpoint, EarlyStopping");
        assertRejected("[{\"type\": \"TerminateOnNaN\"}, {\"type\": \"EarlyStopping\", \"patiense\": 3}]",
                "callback #2 (EarlyStopping): unknown setting 'patiense'; valid settings are baseline, min_delta, mode");
        assertRejected("[{\"type\": \"ModelCheckpoint\"}]", "missing required setting 'filepath'");
        assertRejected("[{\"type\": \"EarlyStopping\", \"mode\": \"up\"}]",
                "'mode' must be \"min\", \"max\" or \"auto\", got \"up\"");
        assertRejected("[{\"type\": \"EarlyStopping\", \"patience\": \"3\"}]",
                "'patience' must be an integer, got \"3\"");
        assertRejected("[{\"type\": \"ModelCheckpoint\", \"filepath\": \"a.convspark\", \"save_freq\": 100}]",
                "'save_freq' must be \"epoch\"");
        assertRejected("[{\"type\": \"LearningRateScheduler\", \"schedule\": \"cosine\"}]",
                "'schedule' must be {\"type\": \"StepDecay\"");
        assertRejected("[{\"patience\": 1}]", "callback #1: 'type' must be one of");
    }

    @Test
    void inATrainingRunTheBestCheckpointAndEarlyStopWork(@TempDir Path dir) throws Exception {
        String model = "{\"name\": \"lin\", \"input\": {\"channels\": 1, \"height\": 4, \"width\": 4}, \"layers\": ["
                + "{\"type\": \"Flatten\"}, {\"type\": \"Dense\", \"units\": 2, \"activation\": \"softmax\"}]}";
        Random rnd = new Random(3);
        byte[] px = new byte[64 * 16];
        int[] labels = new int[64];
        for (int i = 0; i < 64; i++) {
            labels[i] = rnd.nextInt(2);
            for (int k = 0; k < 16; k++) {
                px[i * 16 + k] = (byte) (labels[i] == 1 && k < 8 ? 200 : rnd.nextInt(50));
            }
        }
        ImageDataset data = new ImageDataset(px, labels, 1, 4, 4, 2);
        Trainer t = new Trainer(ModelDefinition.parse(model, "lin").build(1), new SparseCategoricalCrossentropy(),
                new Adam(0.05f), List.of(new Accuracy()));
        List<Callback> cbs = Callbacks.fromConfig(json("[{\"type\": \"ModelCheckpoint\", \"filepath\": \"" + dir
                + "/best.convspark\", \"monitor\": \"val_loss\", \"save_best_only\": true},"
                + " {\"type\": \"CSVLogger\", \"filename\": \"" + dir + "/log.csv\"},"
                + " {\"type\": \"EarlyStopping\", \"monitor\": \"loss\", \"min_delta\": 10, \"patience\": 1}]"),
                Map.of("batch_size", 16));
        History h = t.fit(data, data, new FitOptions().epochs(10).batchSize(16), cbs);
        assertEquals(2, h.size(), "no epoch improves loss by 10: stop at the second epoch");
        assertTrue(h.stopReason().startsWith("EarlyStopping"), h.stopReason());
        assertEquals(3, Files.readAllLines(dir.resolve("log.csv")).size());
        var best = ModelFile.load(dir.resolve("best.convspark"));
        assertEquals(16, best.training().get("batch_size"));
        assertEquals("sparse_categorical_crossentropy", best.training().get("loss"));
        assertEquals(2, best.training().get("epoch"), "val_loss falls in epoch 2");
    }
}
