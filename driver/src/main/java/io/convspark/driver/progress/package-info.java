/**
 * Live progress of a running training stage: replicas stream step and epoch events over an
 * authenticated socket to a {@link io.convspark.driver.progress.ProgressServer} on the driver, which
 * hands them to a {@link io.convspark.driver.progress.TrainingListener} (progress bar, epoch lines,
 * callbacks) while the Spark stage runs.
 */
package io.convspark.driver.progress;
