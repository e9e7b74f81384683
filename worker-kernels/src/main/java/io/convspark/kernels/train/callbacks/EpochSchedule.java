package io.convspark.kernels.train.callbacks;

/**
 * The function of Keras' {@code LearningRateScheduler}: the learning rate for an epoch (from 0)
 * given the current rate.
 */
@FunctionalInterface
public interface EpochSchedule {
    double rate(int epoch, double currentRate);

    /**
     * Step decay: multiplies the rate by {@code factor} at the start of every {@code every}-th epoch
     * (epochs {@code every, 2*every, ...}), i.e. {@code lr0 * factor^floor(epoch / every)}.
     */
    static EpochSchedule stepDecay(double factor, int every) {
        if (!(factor > 0) || every < 1) {
            throw new IllegalArgumentException("step decay: 'factor' must be > 0 and 'every' >= 1 epoch, got factor="
                    + factor + ", every=" + every);
        }
        return (epoch, lr) -> epoch > 0 && epoch % every == 0 ? lr * factor : lr;
    }
}
