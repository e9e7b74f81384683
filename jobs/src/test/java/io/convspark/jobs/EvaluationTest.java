package io.convspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.convspark.jobs.report.RunReport;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.data.Normalizer;
import io.convspark.kernels.losses.Losses;
import io.convspark.kernels.metrics.Metrics;
import io.convspark.kernels.model.ModelDefinition;
import io.convspark.kernels.optimizers.Optimizers;
import io.convspark.kernels.train.FitOptions;
import io.convspark.kernels.train.History;
import io.convspark.kernels.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trained model's test reports land in the run directory, their entries added to its metrics.json. */
class EvaluationTest {
    private static final String TINY_MODEL = """
            {"name": "tiny", "input": {"channels": 1, "height": 4, "width": 4},
             "layers": [{"type": "Flatten"}, {"type": "Dense", "units": 2, "activation": "softmax"}]}
            """;

    /** Class 0: dark images, class 1: bright ones. */
    private static ImageDataset images(int n) {
        byte[] pixels = new byte[n * 16];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int p = 0; p < 16; p++) {
                pixels[i * 16 + p] = (byte) (labels[i] == 0 ? (p * 5 + i) % 60 : 200 + (p * 3 + i) % 55);
            }
        }
        return new ImageDataset(pixels, labels, 1, 4, 4, 2, List.of("dark", "bright"));
    }

    @Test
    void trainedModelGetsAllReports(@TempDir Path runDir) throws IOException {
        Trainer trainer = new Trainer(ModelDefinition.parse(TINY_MODEL, "tiny.json").build(1),
                Losses.parse("sparse_categorical_crossentropy"), Optimizers.parse("adam"),
                List.of(Metrics.parse("accuracy")));
        ImageDataset.Split split = images(64).splitValidation(0.25);
        FitOptions options = new FitOptions().epochs(2).batchSize(8).normalizer(Normalizer.unitScale());
        History history = trainer.fit(split.train(), split.validation(), options, List.of());
        Files.writeString(runDir.resolve(Evaluation.METRICS_JSON), "{\"test.loss\": 0.25}");

        RunReport report = Evaluation.run(trainer, Normalizer.unitScale(), 5, images(20), history, runDir);

        for (String f : List.of(RunReport.LOSS_PNG, RunReport.ACCURACY_PNG, RunReport.CONFUSION_MATRIX_PNG,
                RunReport.MISCLASSIFIED_PNG, RunReport.CLASSIFICATION_REPORT_TXT)) {
            assertTrue(Files.size(runDir.resolve(f)) > 0, f);
        }
        Map<?, ?> metrics = new ObjectMapper().readValue(runDir.resolve(Evaluation.METRICS_JSON).toFile(), Map.class);
        assertEquals(0.25, metrics.get("test.loss"));
        assertEquals(List.of("dark", "bright"), metrics.get("test.class_names"));
        assertEquals(List.of("dark", "bright"), List.copyOf(((Map<?, ?>) metrics.get("test.per_class")).keySet()));
        assertEquals(20L, report.confusionMatrix().total());
        assertTrue(Files.readString(runDir.resolve(RunReport.CLASSIFICATION_REPORT_TXT)).contains("weighted avg"));
    }
}
