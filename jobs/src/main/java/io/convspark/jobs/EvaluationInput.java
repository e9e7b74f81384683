package io.convspark.jobs;

import io.convspark.kernels.data.Normalizer;
import io.convspark.kernels.model.Model;
import io.convspark.kernels.train.History;

/**
 * What {@code evaluate} needs from a saved model: the trained model, the normalizer it was trained
 * with, the Keras name of its loss (for the test loss) and its training history (empty when unknown;
 * then the run has no loss or accuracy charts).
 */
record EvaluationInput(Model model, Normalizer normalizer, String loss, History history) {
}
