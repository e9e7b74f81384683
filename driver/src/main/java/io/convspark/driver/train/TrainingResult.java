package io.convspark.driver.train;

import io.convspark.kernels.model.Model;
import io.convspark.kernels.optimizers.Optimizer;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a distributed training run.
 *
 * @param model           the trained model (final weights, on the driver)
 * @param optimizer       the optimizer with its final slots, to continue or fine-tune from
 * @param history         one map of logs per epoch, as Keras' {@code History.history}
 * @param stopReason      why training stopped early, or null
 * @param resumedFromStep the checkpoint step the successful stage attempt started from (-1: none)
 * @param times           each replica's step-time breakdown
 * @param trainSeconds    wall time of the training stage(s), from submit to the last result
 */
public record TrainingResult(Model model, Optimizer optimizer, long iterations, List<Map<String, Double>> history, String stopReason,
                             long resumedFromStep, List<ReplicaTimes> times, double trainSeconds,
                             int rejectedConnections) {

    /** The same result with another final model (e.g. best weights restored by EarlyStopping). */
    public TrainingResult withModel(Model other) {
        return new TrainingResult(other, optimizer, iterations, history, stopReason, resumedFromStep, times,
                trainSeconds, rejectedConnections);
    }

    public double[] series(String key) {
        double[] v = new double[history.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = history.get(i).getOrDefault(key, Double.NaN);
        }
        return v;
    }
}
