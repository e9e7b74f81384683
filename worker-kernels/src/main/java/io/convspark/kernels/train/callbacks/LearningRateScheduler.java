package io.convspark.kernels.train.callbacks;

import io.convspark.kernels.train.Callback;
import io.convspark.kernels.train.TrainingControl;

/**
 * Keras' {@code LearningRateScheduler}: at the start of each epoch sets the optimizer's learning
 * rate to {@code schedule(epoch, current rate)}.
 */
public final class LearningRateScheduler implements Callback {
    private final EpochSchedule schedule;

    public LearningRateScheduler(EpochSchedule schedule) {
        this.schedule = schedule;
    }

    @Override
    public void onEpochBegin(int epoch, TrainingControl control) {
        double lr = schedule.rate(epoch, control.optimizer().baseLearningRate());
        if (!Double.isFinite(lr) || lr < 0) {
            throw new IllegalArgumentException("LearningRateScheduler: the schedule returned " + lr + " for epoch "
                    + epoch + "; expected a finite learning rate >= 0");
        }
        control.optimizer().setLearningRate((float) lr);
    }
}
