package io.convspark.kernels.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Confusion matrix and classification report against numbers worked out by hand and scikit-learn's documented example. */
class ClassificationReportTest {
    private static final double EPS = 1e-12;

    /**
     * y_true = 0 0 0 0 1 1 1 2 2 2, y_pred = 0 0 1 2 1 1 0 2 2 1. Rows [2 1 1], [1 2 0], [0 1 2];
     * predicted counts 3 4 3, supports 4 3 3.
     */
    private static ConfusionMatrix threeClassExample() {
        return ConfusionMatrix.of(new int[] {0, 0, 0, 0, 1, 1, 1, 2, 2, 2}, new int[] {0, 0, 1, 2, 1, 1, 0, 2, 2, 1}, 3);
    }

    @Test
    void confusionMatrixRowsAreTrueClassesColumnsPredicted() {
        ConfusionMatrix m = threeClassExample();
        assertArrayEquals(new long[][] {{2, 1, 1}, {1, 2, 0}, {0, 1, 2}}, m.rows());
        assertEquals(4, m.support(0));
        assertEquals(4, m.predicted(1));
        assertEquals(10, m.total());
        assertEquals(2, m.maxCount());
        assertEquals(0.6, m.accuracy(), EPS);
    }

    @Test
    void threeClassScoresWorkedOutByHand() {
        ClassificationReport r = ClassificationReport.of(threeClassExample(), List.of());
        assertScores(r.scores(0), 2.0 / 3, 2.0 / 4, 4.0 / 7, 4);
        assertScores(r.scores(1), 2.0 / 4, 2.0 / 3, 4.0 / 7, 3);
        assertScores(r.scores(2), 2.0 / 3, 2.0 / 3, 2.0 / 3, 3);
        assertEquals(0.6, r.accuracy(), EPS);
        assertScores(r.macroAvg(), 11.0 / 18, 11.0 / 18, 38.0 / 63, 10);
        assertScores(r.weightedAvg(), 37.0 / 60, 0.6, 0.6, 10);
        assertEquals(List.of("0", "1", "2"), r.classNames());
    }

    @Test
    void scikitLearnDocumentedExample() {
        // as printed in scikit-learn's documentation; macro recall is (1 + 0 + 2/3) / 3 = 0.56
        ConfusionMatrix m = ConfusionMatrix.of(new int[] {0, 1, 2, 2, 2}, new int[] {0, 0, 2, 2, 1}, 3);
        ClassificationReport r = ClassificationReport.of(m, List.of("class 0", "class 1", "class 2"));
        String expected = ""
                + "              precision    recall  f1-score   support\n"
                + "\n"
                + "     class 0       0.50      1.00      0.67         1\n"
                + "     class 1       0.00      0.00      0.00         1\n"
                + "     class 2       1.00      0.67      0.80         3\n"
                + "\n"
                + "    accuracy                           0.60         5\n"
                + "   macro avg       0.50      0.56      0.49         5\n"
                + "weighted avg       0.70      0.60      0.61         5\n";
        assertEquals(expected, r.render());
        assertScores(r.macroAvg(), 0.5, 5.0 / 9, 22.0 / 45, 5);
    }

    @Test
    void zeroDivisionGivesZero() {
        // class 1 is never predicted (precision 0/0), class 2 never occurs (recall 0/0, and it is predicted once)
        ConfusionMatrix m = ConfusionMatrix.of(new int[] {0, 0, 1}, new int[] {0, 2, 0}, 3);
        ClassificationReport r = ClassificationReport.of(m, List.of());
        assertScores(r.scores(1), 0, 0, 0, 1);
        assertScores(r.scores(2), 0, 0, 0, 0);
        assertScores(r.scores(0), 0.5, 0.5, 0.5, 2);
        ClassificationReport empty = ClassificationReport.of(new ConfusionMatrix(2), List.of("a", "b"));
        assertScores(empty.weightedAvg(), 0, 0, 0, 0);
        assertEquals(0, empty.accuracy());
    }

    @Test
    void longClassNamesWidenTheNameColumnAndDigitsAreConfigurable() {
        ConfusionMatrix m = ConfusionMatrix.of(new int[] {0, 1}, new int[] {0, 1}, 2);
        String text = ClassificationReport.of(m, List.of("a-very-long-class-name", "b")).render(4);
        assertTrue(text.contains("a-very-long-class-name     1.0000    1.0000    1.0000         1\n"), text);
        assertTrue(text.startsWith(" ".repeat(22) + "  precision"), text);
    }

    @Test
    void mergingAddsCounts() {
        ConfusionMatrix a = ConfusionMatrix.of(new int[] {0, 1}, new int[] {0, 0}, 2);
        a.merge(ConfusionMatrix.of(new int[] {1}, new int[] {1}, 2));
        assertArrayEquals(new long[][] {{1, 0}, {1, 1}}, a.rows());
        assertThrows(IllegalArgumentException.class, () -> a.merge(new ConfusionMatrix(3)));
    }

    @Test
    void badInputsAreRejectedWithTheirValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.of(new int[] {0, 3}, new int[] {0, 0}, 3));
        assertTrue(e.getMessage().contains("true class 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ClassificationReport.of(new ConfusionMatrix(3), List.of("a", "b")));
        assertTrue(e.getMessage().contains("2 class names"), e.getMessage());
    }

    private static void assertScores(ClassScores s, double precision, double recall, double f1, long support) {
        assertEquals(precision, s.precision(), EPS, "precision");
        assertEquals(recall, s.recall(), EPS, "recall");
        assertEquals(f1, s.f1(), EPS, "f1");
        assertEquals(support, s.support(), "support");
    }
}
