package io.convspark.driver.progress;

import java.util.Map;

/** What the driver hears from the replicas while training runs; called on the progress server's thread. */
public interface TrainingListener {
    /** After an optimizer step (throttled); {@code logs} hold the epoch's running means so far. */
    default void onStep(int epoch, int step, int stepsPerEpoch, Map<String, Double> logs) {
    }

    /** After an epoch, with its final logs ({@code loss}, metrics, {@code val_*}, {@code seconds}, ...). */
    default void onEpochEnd(int epoch, Map<String, Double> logs) {
    }

    /** A line worth telling the user (resume point, checkpoint written, stop reason). */
    default void onMessage(int rank, String message) {
    }

    /**
     * Called at the start of every epoch and once after the last, when the plan asks for driver-side
     * callbacks: {@code lastLogs} are the logs of epoch {@code nextEpoch - 1} (empty before the first),
     * {@code values}/{@code state} the weights at that point. The answer goes back to the replicas.
     */
    default EpochDecision atEpochBoundary(int nextEpoch, Map<String, Double> lastLogs, float[] values, float[] state) {
        return EpochDecision.CONTINUE;
    }

    TrainingListener NONE = new TrainingListener() {
    };

    /** Events to both; epoch-boundary decisions from {@code decider}. */
    static TrainingListener both(TrainingListener observer, TrainingListener decider) {
        return new TrainingListener() {
            @Override
            public void onStep(int epoch, int step, int stepsPerEpoch, Map<String, Double> logs) {
                observer.onStep(epoch, step, stepsPerEpoch, logs);
                decider.onStep(epoch, step, stepsPerEpoch, logs);
            }

            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                observer.onEpochEnd(epoch, logs);
                decider.onEpochEnd(epoch, logs);
            }

            @Override
            public void onMessage(int rank, String message) {
                observer.onMessage(rank, message);
                decider.onMessage(rank, message);
            }

            @Override
            public EpochDecision atEpochBoundary(int nextEpoch, Map<String, Double> lastLogs, float[] values,
                                                 float[] state) {
                return decider.atEpochBoundary(nextEpoch, lastLogs, values, state);
            }
        };
    }
}
