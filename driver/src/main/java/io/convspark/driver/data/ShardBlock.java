package io.convspark.driver.data;

import io.convspark.kernels.data.ImageDataset;
import java.io.Serializable;

/**
 * One shard of a data set as the element of a Spark RDD: compact uint8 pixels and labels (an
 * {@link ImageDataset}), tagged with its shard index and whether it holds training or validation
 * samples.
 */
public record ShardBlock(int shard, boolean validation, ImageDataset data) implements Serializable {
}
