package io.convspark.jobs;

import io.convspark.jobs.report.MetricsFile;
import io.convspark.jobs.report.RunReport;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.data.Normalizer;
import io.convspark.kernels.train.History;
import io.convspark.kernels.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The test-set reports of a trained model, shared by {@code train} and {@code evaluate}: predicts the
 * test set, writes the {@link RunReport} into the run directory and adds its entries to the run's
 * {@code metrics.json}.
 */
final class Evaluation {
    static final String METRICS_JSON = "metrics.json";

    private Evaluation() {
    }

    /**
     * @param history the training history, empty when evaluating a saved model
     * @return the report written, e.g. to print its classification report
     */
    static RunReport run(Trainer trainer, Normalizer normalizer, int batchSize, ImageDataset test, History history,
            Path runDir) throws IOException {
        RunReport report = new RunReport(trainer.predict(test, batchSize, normalizer), test, history, List.of());
        Files.createDirectories(runDir);
        MetricsFile.merge(runDir.resolve(METRICS_JSON), report.writeTo(runDir));
        return report;
    }
}
