package io.convspark.kernels.train.callbacks;

import io.convspark.kernels.train.Callback;
import io.convspark.kernels.train.TrainingControl;
import java.util.Map;

/**
 * Keras' {@code TerminateOnNaN}: stops training after the first batch whose loss is NaN or
 * infinite. The trainer does not apply that batch's update, and {@link ModelCheckpoint} never
 * writes an epoch with a non-finite loss, so the last good checkpoint stays the last one written.
 */
public final class TerminateOnNaN implements Callback {
    @Override
    public void onBatchEnd(int epoch, int batch, Map<String, Double> logs, TrainingControl control) {
        Double loss = logs.get("loss");
        if (loss != null && !Double.isFinite(loss)) {
            control.requestStop("TerminateOnNaN: batch " + batch + " of epoch " + (epoch + 1) + ": invalid loss "
                    + loss);
        }
    }
}
