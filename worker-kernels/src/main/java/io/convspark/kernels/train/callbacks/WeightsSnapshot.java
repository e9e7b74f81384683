package io.convspark.kernels.train.callbacks;

import io.convspark.kernels.model.Model;
import io.convspark.kernels.model.ParameterStore;

/** A copy of all of a model's weights, trainable and not (Keras' {@code get_weights()}). */
final class WeightsSnapshot {
    private final float[] values;
    private final float[] state;

    WeightsSnapshot(Model model) {
        ParameterStore p = model.parameters();
        this.values = p.values().clone();
        this.state = p.state().clone();
    }

    /** Keras' {@code set_weights()}: copies the snapshot back into the model. */
    void restore(Model model) {
        ParameterStore p = model.parameters();
        System.arraycopy(values, 0, p.values(), 0, values.length);
        System.arraycopy(state, 0, p.state(), 0, state.length);
    }
}
