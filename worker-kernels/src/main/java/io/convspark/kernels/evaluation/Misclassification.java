package io.convspark.kernels.evaluation;

/**
 * A sample the model got wrong: its index in the evaluated data set, its true class, the predicted
 * class and the model's confidence in that prediction (the predicted class's output, e.g. its softmax
 * probability).
 */
public record Misclassification(int index, int trueClass, int predictedClass, float confidence) {
}
