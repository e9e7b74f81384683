package io.convspark.kernels.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.data.Normalizer;
import io.convspark.kernels.data.Standardization;
import io.convspark.kernels.losses.SparseCategoricalCrossentropy;
import io.convspark.kernels.losses.Targets;
import io.convspark.kernels.metrics.Accuracy;
import io.convspark.kernels.model.Model;
import io.convspark.kernels.model.ModelDefinition;
import io.convspark.kernels.optimizers.Adam;
import io.convspark.kernels.tensor.Tensor;
import io.convspark.kernels.train.FitOptions;
import io.convspark.kernels.train.Trainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model file round-trips a training run exactly and rejects damaged or mismatched files clearly. */
class ModelFileTest {
    static final String MODEL = "{\"name\": \"tiny-bn\", \"input\": {\"channels\": 1, \"height\": 6, \"width\": 6},"
            + " \"layers\": ["
            + " {\"type\": \"Conv2D\", \"filters\": 3, \"kernel_size\": 3},"
            + " {\"type\": \"BatchNormalization\"},"
            + " {\"type\": \"Activation\", \"activation\": \"relu\"},"
            + " {\"type\": \"Flatten\"},"
            + " {\"type\": \"Dense\", \"units\": 3, \"activation\": \"softmax\"}]}";

    @TempDir
    Path dir;

    static ImageDataset data(int n, long seed) {
        Random rnd = new Random(seed);
        byte[] px = new byte[n * 36];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rnd.nextInt(3);
            for (int k = 0; k < 36; k++) {
                px[i * 36 + k] = (byte) (rnd.nextInt(60) + (k % 3 == labels[i] ? 150 : 0));
            }
        }
        return new ImageDataset(px, labels, 1, 6, 6, 3);
    }

    static Trainer trainedTrainer() {
        Model model = ModelDefinition.parse(MODEL, "tiny-bn").build(5);
        Trainer t = new Trainer(model, new SparseCategoricalCrossentropy(), new Adam(0.01f), List.of(new Accuracy()));
        t.fit(data(64, 1), null, new FitOptions().epochs(2).batchSize(16).seed(2), List.of());
        return t;
    }

    private Path saveTrained(Trainer t) throws IOException {
        Path file = dir.resolve("m.convspark");
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("epoch", 2);
        training.put("batch_size", 16);
        training.put(SavedModel.NORMALIZER, NormalizerConfig.toConfig(Standardization.fit(data(64, 1))));
        ModelFile.save(file, SavedModel.of(t, training));
        return file;
    }

    @Test
    void roundTripGivesIdenticalPredictionsAndConfig() throws IOException {
        Trainer t = trainedTrainer();
        Path file = saveTrained(t);
        SavedModel loaded = ModelFile.load(file);
        assertArrayEquals(t.model().parameters().values(), loaded.model().parameters().values());
        assertArrayEquals(t.model().parameters().state(), loaded.model().parameters().state());
        assertTrue(t.model().parameters().state().length > 0, "BatchNormalization statistics are saved");
        ImageDataset test = data(20, 9);
        float[][] expected = t.predict(test, 8, Normalizer.unitScale());
        float[][] actual = loaded.trainer().predict(test, 8, Normalizer.unitScale());
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i]);
        }
        assertEquals(2, loaded.training().get("epoch"));
        assertEquals("sparse_categorical_crossentropy", loaded.training().get(SavedModel.LOSS));
        assertEquals(List.of("accuracy"), loaded.training().get(SavedModel.METRICS));
        assertEquals(Standardization.fit(data(64, 1)), loaded.normalizer());
        assertEquals(t.iterations(), loaded.iterations());
        assertEquals(t.optimizer().config(), loaded.optimizer().config());
    }

    @Test
    void optimizerContinuesBitIdentically() throws IOException {
        Trainer original = trainedTrainer();
        Trainer resumed = ModelFile.load(saveTrained(original)).trainer();
        assertEquals(original.iterations(), resumed.iterations());
        ImageDataset more = data(16, 4);
        for (Trainer t : List.of(original, resumed)) {
            t.fit(more, null, new FitOptions().epochs(1).batchSize(16).shuffle(false), List.of());
        }
        assertArrayEquals(original.model().parameters().values(), resumed.model().parameters().values());
        assertArrayEquals(original.model().parameters().state(), resumed.model().parameters().state());
        assertEquals(original.optimizer().state().keySet(), resumed.optimizer().state().keySet());
        for (String k : original.optimizer().state().keySet()) {
            assertArrayEquals(original.optimizer().state().get(k), resumed.optimizer().state().get(k), k);
        }
    }

    @Test
    void streamsRoundTripAndWeightsOnlyFilesHaveNoOptimizer() throws IOException {
        Trainer t = trainedTrainer();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelFile.save(out, SavedModel.of(t, Map.of()).withoutOptimizer());
        SavedModel loaded = ModelFile.load(new ByteArrayInputStream(out.toByteArray()), "hdfs://x/m.convspark");
        assertNull(loaded.optimizer());
        assertArrayEquals(t.model().parameters().values(), loaded.model().parameters().values());
    }

    @Test
    void truncatedFileIsRejected() throws IOException {
        Path file = saveTrained(trainedTrainer());
        byte[] bytes = Files.readAllBytes(file);
        for (int cut : new int[] {bytes.length / 2, bytes.length - 10, 30}) {
            Files.write(file, java.util.Arrays.copyOf(bytes, cut));
            ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
            assertTrue(e.getMessage().startsWith(file.toString()) && (e.getMessage().contains("truncated")
                    || e.getMessage().contains("corrupt")), e.getMessage());
        }
    }

    @Test
    void flippedByteIsRejectedNamingTheEntry() throws IOException {
        Path file = saveTrained(trainedTrainer());
        byte[] good = Files.readAllBytes(file);
        for (double at : new double[] {0.1, 0.3, 0.5, 0.7}) {
            byte[] bytes = good.clone();
            bytes[(int) (bytes.length * at)] ^= 0x10;
            Files.write(file, bytes);
            ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
            assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("entry '"),
                    e.getMessage());
        }
    }

    @Test
    void missingEntryIsRejected() throws IOException {
        Map<String, byte[]> entries = entriesOf(saveTrained(trainedTrainer()));
        entries.remove("weights.bin");
        ModelFileException e = assertThrows(ModelFileException.class, () -> load(entries));
        assertTrue(e.getMessage().contains("entry 'weights.bin': listed in manifest.json but missing"), e.getMessage());
    }

    @Test
    void otherFormatVersionIsRejected() throws IOException {
        Map<String, byte[]> entries = entriesOf(saveTrained(trainedTrainer()));
        String manifest = new String(entries.get("manifest.json"), java.nio.charset.StandardCharsets.UTF_8);
        entries.put("manifest.json", manifest.replace("\"format_version\" : 1", "\"format_version\" : 2")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ModelFileException e = assertThrows(ModelFileException.class, () -> load(entries));
        assertTrue(e.getMessage().contains("entry 'manifest.json': field 'format_version': expected 1")
                && e.getMessage().contains("found 2"), e.getMessage());
    }

    @Test
    void weightsNotFittingTheArchitectureAreRejected() throws IOException {
        Map<String, byte[]> entries = entriesOf(saveTrained(trainedTrainer()));
        Map<String, float[]> weights = NamedArrays.decode(entries.get("weights.bin"), "t", "weights.bin");
        weights.put("dense/kernel", new float[5]);
        entries.put("weights.bin", NamedArrays.encode(weights));
        entries.put("manifest.json", rehash(entries));
        ModelFileException e = assertThrows(ModelFileException.class, () -> load(entries));
        assertTrue(e.getMessage().contains("entry 'weights.bin': parameter 'dense/kernel': expected 144 values")
                && e.getMessage().contains("found 5"), e.getMessage());
    }

    @Test
    void notAZipIsRejected() throws IOException {
        Path file = dir.resolve("junk.convspark");
        Files.writeString(file, "{\"name\": \"not a model file\"}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
        assertTrue(e.getMessage().contains("not a convspark model file"), e.getMessage());
    }

    @Test
    void savingOverAFileReplacesItAtomically() throws IOException {
        Trainer t = trainedTrainer();
        Path file = saveTrained(t);
        t.fit(data(16, 3), null, new FitOptions().epochs(1).batchSize(16), List.of());
        ModelFile.save(file, SavedModel.of(t, Map.of("epoch", 3)));
        assertEquals(3, ModelFile.load(file).training().get("epoch"));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left beside the model file");
        }
        Model assembledInCode = io.convspark.kernels.model.ModelBuilder.create("code",
                io.convspark.kernels.tensor.Shape.vector(2)).add(new io.convspark.kernels.layers.Dense("d", 2,
                null)).build(1);
        assertThrows(IllegalArgumentException.class, () -> ModelFile.save(file, new SavedModel(assembledInCode, null,
                0, Map.of())));
        assertEquals(3, ModelFile.load(file).training().get("epoch"), "a failed save leaves the good file");
    }

    // ---------------------------------------------------------------- helpers: rewrite entries

    private static Map<String, byte[]> entriesOf(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return ZipEntries.read(in, file.toString());
        }
    }

    private SavedModel load(Map<String, byte[]> entries) throws IOException {
        Path file = dir.resolve("edited.convspark");
        try (var out = Files.newOutputStream(file)) {
            ZipEntries.write(out, entries);
        }
        return ModelFile.load(file);
    }

    private static byte[] rehash(Map<String, byte[]> entries) throws IOException {
        Map<String, byte[]> rest = new LinkedHashMap<>(entries);
        rest.remove("manifest.json");
        return Manifest.describe("tiny-bn", 189, rest).toJson();
    }
}
