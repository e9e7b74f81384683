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

    TrainingListener NONE = new TrainingListener() {
    };
}
