/**
 * Training checkpoints on any Hadoop file system: the model's parameters and state, the optimizer's
 * slots, the position in training (epoch, step, iteration) and the history so far, in one CRC-checked
 * binary file written atomically (temporary file, then rename), so a crash mid-write never destroys the
 * last good checkpoint.
 */
package io.convspark.driver.checkpoint;
