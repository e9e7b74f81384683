/**
 * The model file {@code *.convspark}: one versioned zip holding the architecture, all weights, the
 * optimizer state and the training configuration, so training can resume bit-identically and
 * prediction applies the same preprocessing. See {@link io.convspark.kernels.model.io.ModelFile}
 * for the layout.
 */
package io.convspark.kernels.model.io;
