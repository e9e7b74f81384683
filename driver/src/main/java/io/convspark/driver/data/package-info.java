/**
 * Training data on Spark: reading MNIST/CIFAR-10 files from any Hadoop file system
 * ({@link io.convspark.driver.data.HadoopImageSource}), and the deterministic split of a data set into
 * shards that replicas own ({@link io.convspark.driver.data.ShardLayout}), so that the sequence of
 * global mini-batches does not depend on how many replicas share the shards.
 */
package io.convspark.driver.data;
