package io.convspark.driver.ml;

import org.apache.spark.util.LongAccumulator;

/**
 * Counts kept by one scoring: images scored, and images that could not be decoded or fitted to the model
 * (skipped or kept with an error). Spark fills them as actions run the scoring tasks.
 */
public record ScoringCounters(LongAccumulator scored, LongAccumulator invalid) {
    public long scoredImages() {
        return scored.value();
    }

    public long invalidImages() {
        return invalid.value();
    }
}
