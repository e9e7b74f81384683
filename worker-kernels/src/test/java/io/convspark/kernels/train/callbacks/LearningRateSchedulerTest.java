package io.convspark.kernels.train.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** LearningRateScheduler sets the rate at each epoch start from (epoch, current rate). */
class LearningRateSchedulerTest {
    @Test
    void stepDecayHalvesEveryTwoEpochs() {
        double[] lr = new FakeControl().run(new LearningRateScheduler(EpochSchedule.stepDecay(0.5, 2)), "loss",
                1, 1, 1, 1, 1);
        assertArrayEquals(new double[] {1, 1, 0.5, 0.5, 0.25}, lr, 1e-7);
    }

    @Test
    void functionOfEpochAndRate() {
        double[] lr = new FakeControl().run(new LearningRateScheduler((epoch, rate) -> epoch < 2 ? rate
                : rate * 0.1), "loss", 1, 1, 1);
        assertArrayEquals(new double[] {1, 1, 0.1f}, lr, 1e-7);
    }

    @Test
    void invalidRatesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new FakeControl().run(new LearningRateScheduler(
                (epoch, rate) -> Double.NaN), "loss", 1));
    }
}
