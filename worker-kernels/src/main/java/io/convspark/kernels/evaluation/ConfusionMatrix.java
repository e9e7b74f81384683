package io.convspark.kernels.evaluation;

import java.util.Arrays;

/**
 * Counts of (true class, predicted class) pairs, as scikit-learn's {@code confusion_matrix}: row
 * {@code t} is the true class, column {@code p} the predicted one, so the diagonal holds the correct
 * predictions, a row sums to the class's support and a column to how often the class was predicted.
 */
public final class ConfusionMatrix {
    private final long[][] counts;

    /** An empty {@code numClasses x numClasses} matrix. */
    public ConfusionMatrix(int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("a confusion matrix needs at least 1 class, got " + numClasses);
        }
        this.counts = new long[numClasses][numClasses];
    }

    /** The matrix of {@code trueClasses[i]} against {@code predictedClasses[i]}. */
    public static ConfusionMatrix of(int[] trueClasses, int[] predictedClasses, int numClasses) {
        if (trueClasses.length != predictedClasses.length) {
            throw new IllegalArgumentException(trueClasses.length + " true classes but " + predictedClasses.length
                    + " predicted classes");
        }
        ConfusionMatrix m = new ConfusionMatrix(numClasses);
        for (int i = 0; i < trueClasses.length; i++) {
            m.add(trueClasses[i], predictedClasses[i]);
        }
        return m;
    }

    /** Counts one sample of class {@code trueClass} predicted as {@code predictedClass}. */
    public void add(int trueClass, int predictedClass) {
        checkClass(trueClass, "true");
        checkClass(predictedClass, "predicted");
        counts[trueClass][predictedClass]++;
    }

    /** Adds the counts of another matrix of the same size (e.g. of another data partition). */
    public void merge(ConfusionMatrix other) {
        if (other.numClasses() != numClasses()) {
            throw new IllegalArgumentException("cannot merge a " + other.numClasses() + "-class confusion matrix into a "
                    + numClasses() + "-class one");
        }
        for (int t = 0; t < counts.length; t++) {
            for (int p = 0; p < counts.length; p++) {
                counts[t][p] += other.counts[t][p];
            }
        }
    }

    public int numClasses() {
        return counts.length;
    }

    /** Samples of class {@code trueClass} predicted as {@code predictedClass}. */
    public long count(int trueClass, int predictedClass) {
        return counts[trueClass][predictedClass];
    }

    /** Correct predictions of class {@code c}: the diagonal entry. */
    public long truePositives(int c) {
        return counts[c][c];
    }

    /** Samples whose true class is {@code c}: the row sum. */
    public long support(int c) {
        return Arrays.stream(counts[c]).sum();
    }

    /** Samples predicted as class {@code c}: the column sum. */
    public long predicted(int c) {
        long s = 0;
        for (long[] row : counts) {
            s += row[c];
        }
        return s;
    }

    /** All samples counted. */
    public long total() {
        long s = 0;
        for (long[] row : counts) {
            s += Arrays.stream(row).sum();
        }
        return s;
    }

    /** The fraction of samples on the diagonal (0 when empty). */
    public double accuracy() {
        long correct = 0;
        for (int c = 0; c < counts.length; c++) {
            correct += counts[c][c];
        }
        long total = total();
        return total == 0 ? 0.0 : (double) correct / total;
    }

    /** A copy of the counts, {@code [true][predicted]}. */
    public long[][] rows() {
        long[][] copy = new long[counts.length][];
        for (int t = 0; t < counts.length; t++) {
            copy[t] = counts[t].clone();
        }
        return copy;
    }

    /** The largest count (0 when empty). */
    public long maxCount() {
        long max = 0;
        for (long[] row : counts) {
            for (long v : row) {
                max = Math.max(max, v);
            }
        }
        return max;
    }

    private void checkClass(int c, String role) {
        if (c < 0 || c >= counts.length) {
            throw new IllegalArgumentException(role + " class " + c + " is outside [0, " + counts.length + ")");
        }
    }

    @Override
    public String toString() {
        return Arrays.deepToString(counts);
    }
}
