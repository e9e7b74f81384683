package io.convspark.jobs.report;

import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.evaluation.ClassScores;
import io.convspark.kernels.evaluation.ClassificationReport;
import io.convspark.kernels.evaluation.ConfusionMatrix;
import io.convspark.kernels.evaluation.Misclassification;
import io.convspark.kernels.evaluation.PredictionCollector;
import io.convspark.kernels.train.History;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The evaluation reports of a trained classifier, from its outputs on the test set: writes
 * {@value #LOSS_PNG} and {@value #ACCURACY_PNG} (when the history has those metrics),
 * {@value #CONFUSION_MATRIX_PNG}, {@value #MISCLASSIFIED_PNG} and {@value #CLASSIFICATION_REPORT_TXT}
 * into a run directory, each atomically, and gives the entries for {@code metrics.json}.
 */
public final class RunReport {
    public static final String LOSS_PNG = "loss.png";
    public static final String ACCURACY_PNG = "accuracy.png";
    public static final String CONFUSION_MATRIX_PNG = "confusion_matrix.png";
    public static final String MISCLASSIFIED_PNG = "misclassified.png";
    public static final String CLASSIFICATION_REPORT_TXT = "classification_report.txt";

    private final ImageDataset test;
    private final History history;
    private final List<String> classNames;
    private final PredictionCollector predictions;
    private final ClassificationReport classification;

    /**
     * @param testOutputs the model's outputs for each sample of {@code test}, in order ({@code Trainer.predict})
     * @param history     the training history; empty or {@code null} when there was no training (then there
     *                    are no loss or accuracy charts)
     * @param classNames  one name per class the model outputs, or empty for the data set's names
     *                    (and numbers for classes beyond them)
     */
    public RunReport(float[][] testOutputs, ImageDataset test, History history, List<String> classNames) {
        if (testOutputs.length != test.size()) {
            throw new IllegalArgumentException(testOutputs.length + " test outputs for a test set of " + test.size()
                    + " samples");
        }
        this.test = test;
        this.history = history == null ? new History() : history;
        this.predictions = PredictionCollector.of(testOutputs, test.labels());
        this.classNames = resolveNames(classNames, test, predictions.confusionMatrix().numClasses());
        this.classification = predictions.report(this.classNames);
    }

    public ClassificationReport classification() {
        return classification;
    }

    public ConfusionMatrix confusionMatrix() {
        return predictions.confusionMatrix();
    }

    public List<Misclassification> misclassified() {
        return predictions.misclassified();
    }

    /** Writes all reports into {@code dir} (created if needed) and returns {@link #metrics()}. */
    public Map<String, Object> writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        Optional<String> accuracy = accuracyMetric();
        writeChart(dir.resolve(LOSS_PNG), HistoryChart.draw(history, "loss", "loss"));
        if (accuracy.isPresent()) {
            writeChart(dir.resolve(ACCURACY_PNG), HistoryChart.draw(history, accuracy.get(), accuracy.get()));
        }
        Png.write(dir.resolve(CONFUSION_MATRIX_PNG), ConfusionMatrixChart.draw(confusionMatrix(), classNames));
        Png.write(dir.resolve(MISCLASSIFIED_PNG), MisclassifiedGrid.draw(test, misclassified(), classNames));
        AtomicFiles.writeString(dir.resolve(CLASSIFICATION_REPORT_TXT), classification.render());
        return metrics();
    }

    /**
     * The entries for {@code metrics.json}: {@code test.class_names}, {@code test.per_class} (precision,
     * recall, f1 and support by class name), {@code test.confusion_matrix} (rows of counts, true class
     * by predicted class), {@code test.macro_avg} and {@code test.weighted_avg}.
     */
    public Map<String, Object> metrics() {
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (int c = 0; c < classNames.size(); c++) {
            perClass.put(classNames.get(c), scores(classification.scores(c)));
        }
        List<List<Long>> rows = new ArrayList<>();
        for (long[] row : confusionMatrix().rows()) {
            rows.add(Arrays.stream(row).boxed().toList());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("test.class_names", classNames);
        m.put("test.per_class", perClass);
        m.put("test.confusion_matrix", rows);
        m.put("test.macro_avg", scores(classification.macroAvg()));
        m.put("test.weighted_avg", scores(classification.weightedAvg()));
        return m;
    }

    /** The history's accuracy metric: {@code accuracy} if logged, else the first other accuracy ({@code acc}, ...). */
    private Optional<String> accuracyMetric() {
        if (history.size() == 0) {
            return Optional.empty();
        }
        Set<String> keys = history.epochs().get(0).keySet();
        if (keys.contains("accuracy")) {
            return Optional.of("accuracy");
        }
        return keys.stream().filter(k -> !k.startsWith("val_") && (k.equals("acc") || k.endsWith("accuracy")))
                .findFirst();
    }

    private static void writeChart(Path file, Optional<BufferedImage> chart) throws IOException {
        if (chart.isPresent()) {
            Png.write(file, chart.get());
        }
    }

    private static Map<String, Object> scores(ClassScores s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("precision", s.precision());
        m.put("recall", s.recall());
        m.put("f1", s.f1());
        m.put("support", s.support());
        return m;
    }

    private static List<String> resolveNames(List<String> given, ImageDataset test, int numClasses) {
        if (!given.isEmpty()) {
            if (given.size() != numClasses) {
                throw new IllegalArgumentException(given.size() + " class names for a model with " + numClasses
                        + " classes: " + given);
            }
            return List.copyOf(given);
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            names.add(c < test.numClasses() ? test.className(c) : Integer.toString(c));
        }
        return List.copyOf(names);
    }
}
