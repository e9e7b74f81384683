package io.convspark.kernels.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.kernels.tensor.Shape;
import io.convspark.kernels.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** From model outputs to a confusion matrix and the misclassified samples, whole or batch by batch. */
class PredictionCollectorTest {
    private static final float[][] PROBABILITIES = {
        {0.7f, 0.2f, 0.1f}, // true 0, predicted 0
        {0.1f, 0.3f, 0.6f}, // true 1, predicted 2
        {0.2f, 0.5f, 0.3f}, // true 1, predicted 1
        {0.4f, 0.4f, 0.2f}, // true 1, predicted 0 (first maximum)
    };
    private static final int[] LABELS = {0, 1, 1, 1};

    @Test
    void probabilitiesGiveMatrixAndMisclassifiedSamples() {
        PredictionCollector c = PredictionCollector.of(PROBABILITIES, LABELS);
        assertEquals(4, c.samples());
        assertArrayEquals(new long[][] {{1, 0, 0}, {1, 1, 1}, {0, 0, 0}}, c.confusionMatrix().rows());
        assertEquals(List.of(new Misclassification(1, 1, 2, 0.6f), new Misclassification(3, 1, 0, 0.4f)),
                c.misclassified());
        assertEquals(0.5, c.report(List.of()).accuracy(), 1e-12);
    }

    @Test
    void batchesAreNumberedInOrder() {
        PredictionCollector c = new PredictionCollector(3);
        for (int from = 0; from < 4; from += 2) {
            float[] data = new float[6];
            System.arraycopy(PROBABILITIES[from], 0, data, 0, 3);
            System.arraycopy(PROBABILITIES[from + 1], 0, data, 3, 3);
            // a batch buffer's label array may be longer than the batch
            c.addBatch(new Tensor(Shape.vector(3), 2, data), new int[] {LABELS[from], LABELS[from + 1], 99});
        }
        assertEquals(PredictionCollector.of(PROBABILITIES, LABELS).misclassified(), c.misclassified());
    }

    @Test
    void singleSigmoidOutputIsBinary() {
        PredictionCollector c = PredictionCollector.of(new float[][] {{0.9f}, {0.2f}, {0.3f}}, new int[] {1, 1, 0});
        assertArrayEquals(new long[][] {{1, 0}, {1, 1}}, c.confusionMatrix().rows());
        Misclassification m = c.misclassified().get(0);
        assertEquals(1, m.index());
        assertEquals(0, m.predictedClass());
        assertEquals(0.8f, m.confidence(), 1e-6f);
    }

    @Test
    void mismatchesAreReported() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PredictionCollector.of(PROBABILITIES, new int[] {0}));
        assertTrue(e.getMessage().contains("4 output rows but 1 labels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> PredictionCollector.of(new float[][] {{0.5f, 0.5f}}, new int[] {2}));
        assertTrue(e.getMessage().contains("true class 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> PredictionCollector.of(new float[][] {{0.5f, 0.5f}, {1f}}, new int[] {0, 0}));
        assertTrue(e.getMessage().contains("sample 1 has 1 outputs, expected 2"), e.getMessage());
    }
}
