package io.convspark.kernels.evaluation;

/**
 * Precision, recall, F1 score and support of one class, or an average of them over classes (then
 * {@code support} is the number of samples averaged over).
 */
public record ClassScores(double precision, double recall, double f1, long support) {
    /**
     * The scores of a class from its counts. As scikit-learn with its default {@code zero_division},
     * a ratio whose denominator is 0 is 0: precision of a class never predicted, recall of a class
     * never present, F1 when precision and recall are both 0.
     */
    public static ClassScores of(long truePositives, long predicted, long support) {
        double precision = ratio(truePositives, predicted);
        double recall = ratio(truePositives, support);
        double f1 = precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall);
        return new ClassScores(precision, recall, f1, support);
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0.0 : (double) numerator / denominator;
    }
}
