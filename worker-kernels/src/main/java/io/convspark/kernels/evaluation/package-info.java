/**
 * Evaluation reports of a classifier on a test set, as scikit-learn gives them: the
 * {@linkplain io.convspark.kernels.evaluation.ConfusionMatrix confusion matrix}, the
 * {@linkplain io.convspark.kernels.evaluation.ClassificationReport classification report} (per-class
 * precision, recall, F1 and support with accuracy, macro and weighted averages) and the list of
 * {@linkplain io.convspark.kernels.evaluation.Misclassification misclassified samples}, collected from
 * model outputs batch by batch by a {@link io.convspark.kernels.evaluation.PredictionCollector}.
 */
package io.convspark.kernels.evaluation;
