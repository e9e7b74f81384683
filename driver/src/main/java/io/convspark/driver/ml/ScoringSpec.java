package io.convspark.driver.ml;

import java.io.Serializable;

/**
 * What one scoring task needs besides the model: where the image (and its name, for messages) sits in the
 * input row, how to decode it, the mini-batch size and kernel threads, the invalid-image policy and which
 * output columns to append (in this order: raw prediction, probability, prediction, top-k, error).
 *
 * @param pathIndex index of a string column naming the image (binaryFile's {@code path}), or -1
 * @param threads   kernel threads per task (normally {@code spark.task.cpus})
 * @param topK      0 for no top-k column
 */
record ScoringSpec(int featuresIndex, int pathIndex, ImageDecoder decoder, int batchSize, int threads,
                   InvalidImagePolicy invalid, boolean rawPrediction, boolean probability, boolean prediction,
                   int topK) implements Serializable {
}
