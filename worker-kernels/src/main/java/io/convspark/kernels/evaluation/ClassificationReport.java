package io.convspark.kernels.evaluation;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * scikit-learn's {@code classification_report} for all classes of a {@link ConfusionMatrix}
 * (as with {@code labels=range(numClasses)}): per-class precision, recall, F1 and support, the
 * accuracy, and the macro (unweighted mean over classes) and weighted (mean weighted by support)
 * averages. Ratios with a zero denominator are 0, scikit-learn's default.
 */
public final class ClassificationReport {
    private static final String[] HEADERS = {"precision", "recall", "f1-score", "support"};
    private static final String LONGEST_AVERAGE_NAME = "weighted avg";

    private final List<String> classNames;
    private final List<ClassScores> perClass;
    private final double accuracy;
    private final ClassScores macroAvg;
    private final ClassScores weightedAvg;

    private ClassificationReport(List<String> classNames, List<ClassScores> perClass, double accuracy,
            ClassScores macroAvg, ClassScores weightedAvg) {
        this.classNames = classNames;
        this.perClass = perClass;
        this.accuracy = accuracy;
        this.macroAvg = macroAvg;
        this.weightedAvg = weightedAvg;
    }

    /**
     * The report of {@code matrix}.
     *
     * @param classNames one name per class, or empty for the class numbers {@code 0, 1, ...}
     */
    public static ClassificationReport of(ConfusionMatrix matrix, List<String> classNames) {
        int k = matrix.numClasses();
        if (!classNames.isEmpty() && classNames.size() != k) {
            throw new IllegalArgumentException(classNames.size() + " class names for a " + k
                    + "-class confusion matrix: " + classNames);
        }
        List<String> names = new ArrayList<>();
        List<ClassScores> scores = new ArrayList<>();
        double[] macro = new double[3];
        double[] weighted = new double[3];
        long total = matrix.total();
        for (int c = 0; c < k; c++) {
            names.add(classNames.isEmpty() ? Integer.toString(c) : classNames.get(c));
            ClassScores s = ClassScores.of(matrix.truePositives(c), matrix.predicted(c), matrix.support(c));
            scores.add(s);
            double[] values = {s.precision(), s.recall(), s.f1()};
            for (int j = 0; j < 3; j++) {
                macro[j] += values[j] / k;
                weighted[j] += total == 0 ? 0.0 : values[j] * s.support() / total;
            }
        }
        return new ClassificationReport(List.copyOf(names), List.copyOf(scores), matrix.accuracy(),
                new ClassScores(macro[0], macro[1], macro[2], total),
                new ClassScores(weighted[0], weighted[1], weighted[2], total));
    }

    public List<String> classNames() {
        return classNames;
    }

    /** The scores of each class, in class order. */
    public List<ClassScores> perClass() {
        return perClass;
    }

    public ClassScores scores(int c) {
        return perClass.get(c);
    }

    public double accuracy() {
        return accuracy;
    }

    /** Unweighted means over classes; support is the number of samples. */
    public ClassScores macroAvg() {
        return macroAvg;
    }

    /** Means weighted by each class's support; support is the number of samples. */
    public ClassScores weightedAvg() {
        return weightedAvg;
    }

    /** The text of scikit-learn's report with 2 digits. */
    public String render() {
        return render(2);
    }

    /**
     * The text of scikit-learn's report, column for column: a header line, one line per class, then
     * accuracy, macro avg and weighted avg. Values are rounded half-even on their exact binary value,
     * as Python's {@code format} does.
     */
    public String render(int digits) {
        int width = LONGEST_AVERAGE_NAME.length();
        for (String name : classNames) {
            width = Math.max(width, name.length());
        }
        width = Math.max(width, digits);
        StringBuilder sb = new StringBuilder(pad("", width)).append(' ');
        for (String h : HEADERS) {
            sb.append(' ').append(pad(h, 9));
        }
        sb.append("\n\n");
        for (int c = 0; c < perClass.size(); c++) {
            appendRow(sb, classNames.get(c), perClass.get(c), width, digits);
        }
        sb.append('\n');
        sb.append(pad("accuracy", width)).append(' ').append(' ').append(pad("", 9)).append(' ').append(pad("", 9))
                .append(' ').append(pad(decimal(accuracy, digits), 9)).append(' ')
                .append(pad(Long.toString(macroAvg.support()), 9)).append('\n');
        appendRow(sb, "macro avg", macroAvg, width, digits);
        appendRow(sb, LONGEST_AVERAGE_NAME, weightedAvg, width, digits);
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, String name, ClassScores s, int width, int digits) {
        sb.append(pad(name, width)).append(' ');
        for (double v : new double[] {s.precision(), s.recall(), s.f1()}) {
            sb.append(' ').append(pad(decimal(v, digits), 9));
        }
        sb.append(' ').append(pad(Long.toString(s.support()), 9)).append('\n');
    }

    private static String decimal(double v, int digits) {
        return new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** Right-aligned in {@code width} characters, as Python's {@code {:>width}}. */
    private static String pad(String s, int width) {
        return String.format(Locale.ROOT, "%" + Math.max(1, width) + "s", s);
    }

    @Override
    public String toString() {
        return render();
    }
}
