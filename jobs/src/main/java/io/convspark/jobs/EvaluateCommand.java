package io.convspark.jobs;

import io.convspark.jobs.report.MetricsFile;
import io.convspark.jobs.report.RunReport;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.losses.Losses;
import io.convspark.kernels.metrics.Metrics;
import io.convspark.kernels.optimizers.Optimizers;
import io.convspark.kernels.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code convspark evaluate}: a saved model on a data set's test split: test loss and accuracy, then
 * the same reports as {@code train} (classification report, confusion matrix, misclassified images)
 * in a run directory.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a saved model on the test set (Keras' evaluate) and write its reports.")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model file written by train, e.g. runs/RUN/model.convspark")
    Path model;

    @Option(names = "--data", required = true, description = "FORMAT:DIR, e.g. mnist:../shared/datasets/mnist or cifar10:DIR")
    String data;

    @Option(names = "--out", description = "Run directory (default: runs/evaluate-MODEL-TIMESTAMP)")
    Path out;

    @Option(names = "--batch-size", defaultValue = "256", description = "Inference batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Override
    public Integer call() throws IOException {
        if (batchSize < 1) {
            throw new UserError("--batch-size must be >= 1, got " + batchSize);
        }
        if (!Files.isRegularFile(model)) {
            throw new UserError("--model: no such file " + model.toAbsolutePath());
        }
        DataSpec spec = DataSpec.parse(data);
        EvaluationInput input = loadModel(model);
        spec.verify();
        ImageDataset test = spec.load(false);
        Trainer trainer = new Trainer(input.model(), Losses.parse(input.loss()), Optimizers.parse("sgd"),
                List.of(Metrics.parse("accuracy")));
        Map<String, Double> scores = trainer.evaluate(test, batchSize, input.normalizer());
        PrintStream console = System.out;
        console.printf(Locale.ROOT, "Test: loss %.4f - accuracy %.4f (%.2f%%) on %,d images%n", scores.get("loss"),
                scores.get("accuracy"), 100 * scores.get("accuracy"), test.size());

        Path runDir = out != null ? out : Paths.get("runs", "evaluate-" + input.model().name() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(runDir);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("model", input.model().name());
        metrics.put("model_file", model.toString());
        metrics.put("data", data);
        metrics.put("test.loss", scores.get("loss"));
        metrics.put("test.accuracy", scores.get("accuracy"));
        MetricsFile.merge(runDir.resolve(Evaluation.METRICS_JSON), metrics);
        RunReport report = Evaluation.run(trainer, input.normalizer(), batchSize, test, input.history(), runDir);
        console.print(report.classification().render());
        console.println("Run directory: " + runDir);
        return 0;
    }

    /** Reads a model file written by {@code train}. */
    EvaluationInput loadModel(Path file) throws java.io.IOException {
        io.convspark.kernels.model.io.SavedModel saved = io.convspark.kernels.model.io.ModelFile.load(file);
        Object loss = saved.training().getOrDefault(io.convspark.kernels.model.io.SavedModel.LOSS,
                "sparse_categorical_crossentropy");
        return new EvaluationInput(saved.model(), saved.normalizer(), String.valueOf(loss), null);
    }
}
