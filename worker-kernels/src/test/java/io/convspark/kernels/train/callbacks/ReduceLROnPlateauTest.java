package io.convspark.kernels.train.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** ReduceLROnPlateau against hand-worked sequences: patience, cooldown, min_lr, min_delta. */
class ReduceLROnPlateauTest {
    @Test
    void reducesAfterPatienceWaitsCooldownAndStopsAtMinLr() {
        ReduceLROnPlateau r = new ReduceLROnPlateau("val_loss", 0.5, 2, Mode.AUTO, 0, 1, 0.2);
        double[] lr = new FakeControl().run(r, "val_loss", 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        // e0 best; e1 wait 1; e2 wait 2 -> 0.5, cooldown 1; e3 cooldown ends, wait 1; e4 -> 0.25; e5 wait 1;
        // e6 -> max(0.125, 0.2) = 0.2; from then on lr is not above min_lr.
        assertArrayEquals(new double[] {1, 1, 0.5, 0.5, 0.25, 0.25, 0.2f, 0.2f, 0.2f, 0.2f}, lr, 1e-7);
    }

    @Test
    void improvementsBelowMinDeltaCountAsPlateau() {
        ReduceLROnPlateau r = new ReduceLROnPlateau("val_loss", 0.1, 2, Mode.MIN, 1e-4, 0, 0);
        double[] lr = new FakeControl().run(r, "val_loss", 1.0, 0.99995, 0.99992);
        assertArrayEquals(new double[] {1, 1, 0.1f}, lr, 1e-7);
        ReduceLROnPlateau steady = new ReduceLROnPlateau("val_loss", 0.1, 2, Mode.MIN, 1e-4, 0, 0);
        assertArrayEquals(new double[] {1, 1, 1}, new FakeControl().run(steady, "val_loss", 1.0, 0.9, 0.8), 1e-7);
    }

    @Test
    void accuracyPlateauInAutoMode() {
        ReduceLROnPlateau r = new ReduceLROnPlateau("val_accuracy", 0.5, 1, Mode.AUTO, 0, 0, 0);
        assertArrayEquals(new double[] {1, 1, 0.5}, new FakeControl().run(r, "val_accuracy", 0.5, 0.6, 0.6), 1e-7);
    }

    @Test
    void factorOfOneOrMoreIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ReduceLROnPlateau("val_loss", 1.0, 1, Mode.AUTO, 0,
                0, 0));
    }
}
