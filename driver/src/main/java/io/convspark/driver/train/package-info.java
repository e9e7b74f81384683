/**
 * Distributed data-parallel training on Spark. {@link io.convspark.driver.train.DistributedTrainer} runs the
 * whole training as one barrier stage: every task builds a replica
 * ({@link io.convspark.driver.train.ReplicaTask}), takes its shards' share of each global mini-batch,
 * computes gradients with the local kernels, joins a ring all-reduce over its own sockets and applies the
 * identical optimizer step. The stage ends in a shuffle so Spark can re-run it after an executor dies;
 * the re-run resumes from the last checkpoint. {@link io.convspark.driver.train.DriverSyncTrainer} is the
 * naive baseline (one Spark job per step), kept for measurement.
 */
package io.convspark.driver.train;
