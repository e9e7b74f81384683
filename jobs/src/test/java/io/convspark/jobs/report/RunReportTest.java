package io.convspark.jobs.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.train.History;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run directory's reports: every file written, valid PNGs of the expected size, the metrics entries. */
class RunReportTest {
    private static final List<String> NAMES = List.of("cat", "dog", "bird");

    /** 6 samples of 8x8 in {@code channels} channels, classes 0 0 1 1 2 2. */
    private static ImageDataset dataset(int channels) {
        byte[] pixels = new byte[6 * channels * 64];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        return new ImageDataset(pixels, new int[] {0, 0, 1, 1, 2, 2}, channels, 8, 8, 3, NAMES);
    }

    /** Predicts 0 1 1 1 2 0: samples 1 (cat as dog) and 5 (bird as cat) are wrong. */
    private static float[][] outputs() {
        return new float[][] {
            {0.8f, 0.1f, 0.1f}, {0.3f, 0.6f, 0.1f}, {0.1f, 0.8f, 0.1f},
            {0.2f, 0.7f, 0.1f}, {0.1f, 0.1f, 0.8f}, {0.5f, 0.2f, 0.3f},
        };
    }

    private static History history(int epochs, boolean validation) {
        History h = new History();
        for (int e = 0; e < epochs; e++) {
            Map<String, Double> logs = new LinkedHashMap<>();
            logs.put("loss", 1.0 / (e + 1));
            logs.put("accuracy", 0.5 + 0.1 * e);
            if (validation) {
                logs.put("val_loss", 1.2 / (e + 1));
                logs.put("val_accuracy", 0.45 + 0.1 * e);
            }
            h.add(logs);
        }
        return h;
    }

    @Test
    void writesAllReportsAsValidPngsAndText(@TempDir Path dir) throws IOException {
        RunReport report = new RunReport(outputs(), dataset(1), history(3, true), List.of());
        Map<String, Object> metrics = report.writeTo(dir);

        assertPng(dir.resolve(RunReport.LOSS_PNG), HistoryChart.WIDTH, HistoryChart.HEIGHT);
        assertPng(dir.resolve(RunReport.ACCURACY_PNG), HistoryChart.WIDTH, HistoryChart.HEIGHT);
        BufferedImage matrix = assertPng(dir.resolve(RunReport.CONFUSION_MATRIX_PNG), -1, -1);
        assertTrue(matrix.getWidth() >= 600 && matrix.getHeight() >= 500, matrix.getWidth() + "x" + matrix.getHeight());
        BufferedImage grid = assertPng(dir.resolve(RunReport.MISCLASSIFIED_PNG), -1, -1);
        // two images of 8x8 enlarged 14 times side by side, under a heading
        assertTrue(grid.getWidth() >= 2 * 112 && grid.getHeight() >= 112 + 44, grid.getWidth() + "x" + grid.getHeight());
        String text = Files.readString(dir.resolve(RunReport.CLASSIFICATION_REPORT_TXT));
        assertTrue(text.contains("         cat       0.50      0.50      0.50         2\n"), text);
        assertTrue(text.contains("    accuracy                           0.67         6\n"), text);
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(f -> f.toString().endsWith(".tmp")), "no temporary file left behind");
        }

        assertEquals(NAMES, metrics.get("test.class_names"));
        assertEquals(List.of(List.of(1L, 1L, 0L), List.of(0L, 2L, 0L), List.of(1L, 0L, 1L)),
                metrics.get("test.confusion_matrix"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> perClass = (Map<String, Map<String, Object>>) metrics.get("test.per_class");
        assertEquals(List.of("cat", "dog", "bird"), List.copyOf(perClass.keySet()));
        assertEquals(2.0 / 3, (double) perClass.get("dog").get("precision"), 1e-12);
        assertEquals(1.0, (double) perClass.get("dog").get("recall"), 1e-12);
        assertEquals(0.8, (double) perClass.get("dog").get("f1"), 1e-12);
        assertEquals(2L, perClass.get("dog").get("support"));
        @SuppressWarnings("unchecked")
        Map<String, Object> macro = (Map<String, Object>) metrics.get("test.macro_avg");
        assertEquals((0.5 + 2.0 / 3 + 1) / 3, (double) macro.get("precision"), 1e-12);
        assertEquals(6L, macro.get("support"));
        assertNotNull(metrics.get("test.weighted_avg"));
        assertEquals(List.of(1, 5), report.misclassified().stream().map(m -> m.index()).toList());
    }

    @Test
    void oneEpochWithoutValidationAndRgbImages(@TempDir Path dir) throws IOException {
        new RunReport(outputs(), dataset(3), history(1, false), List.of()).writeTo(dir);
        BufferedImage loss = assertPng(dir.resolve(RunReport.LOSS_PNG), HistoryChart.WIDTH, HistoryChart.HEIGHT);
        assertTrue(hasColor(loss, ChartStyle.BLUE.getRGB()), "the single training point is drawn");
        assertFalse(hasColor(loss, ChartStyle.ORANGE.getRGB()), "no validation series");
        assertPng(dir.resolve(RunReport.MISCLASSIFIED_PNG), -1, -1);
    }

    @Test
    void withoutHistoryThereAreNoCurvesAndWithoutMistakesTheGridSaysSo(@TempDir Path dir) throws IOException {
        float[][] perfect = {{1, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 1, 0}, {0, 0, 1}, {0, 0, 1}};
        RunReport report = new RunReport(perfect, dataset(1), new History(), List.of("a", "b", "c"));
        report.writeTo(dir);
        assertFalse(Files.exists(dir.resolve(RunReport.LOSS_PNG)));
        assertFalse(Files.exists(dir.resolve(RunReport.ACCURACY_PNG)));
        assertPng(dir.resolve(RunReport.CONFUSION_MATRIX_PNG), -1, -1);
        assertPng(dir.resolve(RunReport.MISCLASSIFIED_PNG), -1, -1);
        assertEquals(1.0, report.classification().accuracy());
        assertEquals(List.of("a", "b", "c"), report.classification().classNames());
    }

    @Test
    void mismatchedInputsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RunReport(new float[2][3], dataset(1), new History(), List.of()));
        assertTrue(e.getMessage().contains("2 test outputs for a test set of 6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new RunReport(outputs(), dataset(1), new History(), List.of("x")));
        assertTrue(e.getMessage().contains("1 class names for a model with 3 classes"), e.getMessage());
    }

    @Test
    void metricsFileKeepsEarlierEntries(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("metrics.json");
        MetricsFile.merge(file, Map.of("test.loss", 0.5));
        MetricsFile.merge(file, new RunReport(outputs(), dataset(1), new History(), List.of()).metrics());
        Map<?, ?> json = new ObjectMapper().readValue(file.toFile(), Map.class);
        assertEquals(0.5, json.get("test.loss"));
        assertEquals(List.of(List.of(1, 1, 0), List.of(0, 2, 0), List.of(1, 0, 1)), json.get("test.confusion_matrix"));
        Files.writeString(file, "[1, 2]");
        IOException bad = assertThrows(IOException.class, () -> MetricsFile.merge(file, Map.of()));
        assertTrue(bad.getMessage().contains("not a JSON object"), bad.getMessage());
    }

    @Test
    void misclassifiedSamplesAreDrawnFromTheirPixels() {
        ImageDataset rgb = dataset(3);
        BufferedImage img = MisclassifiedGrid.sample(rgb, 1);
        int rgbValue = img.getRGB(2, 1) & 0xFFFFFF;
        int expected = (rgb.pixel(1, 0, 1, 2) << 16) | (rgb.pixel(1, 1, 1, 2) << 8) | rgb.pixel(1, 2, 1, 2);
        assertEquals(expected, rgbValue);
        int gray = MisclassifiedGrid.sample(dataset(1), 0).getRGB(3, 0) & 0xFF;
        assertEquals(dataset(1).pixel(0, 0, 0, 3), gray);
    }

    @Test
    void colorBarTicksAreRoundNumbers() {
        assertEquals(1, ConfusionMatrixChart.roundStep(0.4));
        assertEquals(5, ConfusionMatrixChart.roundStep(5));
        assertEquals(200, ConfusionMatrixChart.roundStep(1135 / 8.0));
        assertEquals(1000, ConfusionMatrixChart.roundStep(501));
    }

    private static BufferedImage assertPng(Path file, int width, int height) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " written");
        byte[] head = Files.readAllBytes(file);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(head, 4), file + " is a PNG");
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " decodes");
        if (width > 0) {
            assertEquals(width, image.getWidth(), file + " width");
            assertEquals(height, image.getHeight(), file + " height");
        }
        return image;
    }

    private static boolean hasColor(BufferedImage image, int rgb) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (rgb & 0xFFFFFF)) {
                    return true;
                }
            }
        }
        return false;
    }
}
