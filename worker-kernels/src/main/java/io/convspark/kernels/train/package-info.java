/**
 * Training in one JVM: the per-replica step (forward, loss, backward, optimizer update) that Spark
 * executors run, replicas of it sharing each batch on threads of one JVM ({@link
 * io.convspark.kernels.train.ReplicaTrainer}), and the Keras-like {@code fit / evaluate / predict} loop
 * of the local engine, with callbacks and per-epoch history.
 */
package io.convspark.kernels.train;
