/**
 * Keras' standard callbacks with Keras 3 names, defaults and semantics: {@link
 * io.convspark.kernels.train.callbacks.ModelCheckpoint}, {@link
 * io.convspark.kernels.train.callbacks.EarlyStopping}, {@link
 * io.convspark.kernels.train.callbacks.ReduceLROnPlateau}, {@link
 * io.convspark.kernels.train.callbacks.CSVLogger}, {@link
 * io.convspark.kernels.train.callbacks.TerminateOnNaN} and {@link
 * io.convspark.kernels.train.callbacks.LearningRateScheduler}, plus {@link
 * io.convspark.kernels.train.callbacks.Callbacks#fromConfig} to configure them as data.
 */
package io.convspark.kernels.train.callbacks;
