package io.convspark.kernels.evaluation;

import io.convspark.kernels.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Turns a classifier's outputs into an evaluation, batch by batch in data set order: the predicted
 * class of a sample is the argmax of its outputs (the first maximum), or, for a single sigmoid
 * output, class 1 when the output exceeds 0.5. Collects the {@link ConfusionMatrix} and the
 * {@link Misclassification}s, numbering samples from 0 in the order they were added.
 */
public final class PredictionCollector {
    private static final float BINARY_THRESHOLD = 0.5f;

    private final int outputs;
    private final ConfusionMatrix matrix;
    private final List<Misclassification> misclassified = new ArrayList<>();
    private int samples;

    /**
     * @param outputs values per sample the model outputs: the number of classes, or 1 for a binary
     *                classifier with one sigmoid output (then there are 2 classes)
     */
    public PredictionCollector(int outputs) {
        if (outputs < 1) {
            throw new IllegalArgumentException("a classifier has at least 1 output per sample, got " + outputs);
        }
        this.outputs = outputs;
        this.matrix = new ConfusionMatrix(outputs == 1 ? 2 : outputs);
    }

    /** The evaluation of {@code outputs[i]} (one row per sample) against {@code labels[i]}. */
    public static PredictionCollector of(float[][] outputs, int[] labels) {
        if (outputs.length == 0) {
            throw new IllegalArgumentException("no outputs to evaluate");
        }
        PredictionCollector collector = new PredictionCollector(outputs[0].length);
        collector.addAll(outputs, labels);
        return collector;
    }

    /** Adds the rows {@code outputs[i]}, one per sample, with true classes {@code labels[i]}. */
    public void addAll(float[][] outputs, int[] labels) {
        if (outputs.length != labels.length) {
            throw new IllegalArgumentException(outputs.length + " output rows but " + labels.length + " labels");
        }
        for (int i = 0; i < outputs.length; i++) {
            add(outputs[i], 0, outputs[i].length, labels[i]);
        }
    }

    /**
     * Adds a batch of model outputs; sample {@code n} of the batch has true class {@code labels[n]}
     * ({@code labels} may be longer than the batch, as a batch buffer's labels are).
     */
    public void addBatch(Tensor outputs, int[] labels) {
        if (labels.length < outputs.batch()) {
            throw new IllegalArgumentException("a batch of " + outputs.batch() + " outputs but only " + labels.length
                    + " labels");
        }
        for (int n = 0; n < outputs.batch(); n++) {
            add(outputs.data(), outputs.offset(n), outputs.sampleSize(), labels[n]);
        }
    }

    /** Adds one sample whose outputs are {@code values[offset, offset + width)}. */
    public void add(float[] values, int offset, int width, int trueClass) {
        if (width != outputs) {
            throw new IllegalArgumentException("sample " + samples + " has " + width + " outputs, expected " + outputs);
        }
        int predicted;
        float confidence;
        if (outputs == 1) {
            float p = values[offset];
            predicted = p > BINARY_THRESHOLD ? 1 : 0;
            confidence = predicted == 1 ? p : 1 - p;
        } else {
            predicted = argmax(values, offset, width);
            confidence = values[offset + predicted];
        }
        if (trueClass < 0 || trueClass >= matrix.numClasses()) {
            throw new IllegalArgumentException("sample " + samples + " has true class " + trueClass
                    + ", outside the model's classes [0, " + matrix.numClasses() + ")");
        }
        matrix.add(trueClass, predicted);
        if (predicted != trueClass) {
            misclassified.add(new Misclassification(samples, trueClass, predicted, confidence));
        }
        samples++;
    }

    /** Samples added so far. */
    public int samples() {
        return samples;
    }

    /** The confusion matrix so far (live, not a copy). */
    public ConfusionMatrix confusionMatrix() {
        return matrix;
    }

    /** The misclassified samples so far, by index. */
    public List<Misclassification> misclassified() {
        return Collections.unmodifiableList(misclassified);
    }

    /** The classification report of the samples so far; {@code classNames} as in {@link ClassificationReport#of}. */
    public ClassificationReport report(List<String> classNames) {
        return ClassificationReport.of(matrix, classNames);
    }

    private static int argmax(float[] v, int offset, int width) {
        int best = 0;
        for (int j = 1; j < width; j++) {
            if (v[offset + j] > v[offset + best]) {
                best = j;
            }
        }
        return best;
    }
}
