package io.convspark.kernels.train.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** EarlyStopping against hand-worked sequences of epoch logs (Keras 3 semantics). */
class EarlyStoppingTest {
    private static Integer stopEpoch(EarlyStopping es, String key, double... values) {
        FakeControl c = new FakeControl();
        c.run(es, key, values);
        return c.stoppedAtEpoch;
    }

    @Test
    void stopsAfterPatienceEpochsWithoutImprovement() {
        // best 1.0, 0.9 (e1); e2 and e3 do not improve: wait reaches 2 at e3.
        EarlyStopping es = new EarlyStopping("val_loss", 0, 2, Mode.AUTO, null, false, 0);
        assertEquals(3, stopEpoch(es, "val_loss", 1.0, 0.9, 0.95, 0.91, 0.8));
        assertEquals(3, es.stoppedEpoch());
        assertEquals(0.9, es.best());
        assertEquals(1, es.bestEpoch());
    }

    @Test
    void defaultsStopAtTheFirstEpochWithoutImprovement() {
        assertEquals(2, stopEpoch(new EarlyStopping(), "val_loss", 1.0, 0.5, 0.5));
    }

    @Test
    void improvementsSmallerThanMinDeltaDoNotCount() {
        assertEquals(1, stopEpoch(new EarlyStopping("val_loss", 0.1, 1, Mode.MIN, null, false, 0), "val_loss",
                1.0, 0.95, 0.85));
        assertNull(stopEpoch(new EarlyStopping("val_loss", 0.01, 1, Mode.MIN, null, false, 0), "val_loss",
                1.0, 0.95, 0.85));
    }

    @Test
    void accuracyIsMaximizedInAutoMode() {
        assertEquals(2, stopEpoch(new EarlyStopping("val_accuracy", 0, 1, Mode.AUTO, null, false, 0),
                "val_accuracy", 0.5, 0.6, 0.55));
        assertNull(stopEpoch(new EarlyStopping("val_accuracy", 0, 1, Mode.AUTO, null, false, 0),
                "val_accuracy", 0.5, 0.6, 0.7));
    }

    @Test
    void baselineNotBeatenKeepsTheCounterRunning() {
        // Without a baseline the improvements at e1 reset the wait: e2 is the first bad epoch (wait 1 < 2).
        assertNull(stopEpoch(new EarlyStopping("val_loss", 0, 2, Mode.MIN, null, false, 0), "val_loss",
                0.9, 0.8, 0.85));
        // With baseline 0.5 never beaten the wait counts 1, 2, 3: stop at e2.
        assertEquals(2, stopEpoch(new EarlyStopping("val_loss", 0, 2, Mode.MIN, 0.5, false, 0), "val_loss",
                0.9, 0.8, 0.85));
    }

    @Test
    void epochsBeforeStartFromEpochAreIgnored() {
        assertEquals(1, stopEpoch(new EarlyStopping("loss", 0, 0, Mode.MIN, null, false, 0), "loss", 1, 2, 3, 4));
        assertEquals(3, stopEpoch(new EarlyStopping("loss", 0, 0, Mode.MIN, null, false, 2), "loss", 1, 2, 3, 4));
    }

    @Test
    void restoresTheWeightsOfTheBestEpochAtTrainEnd() {
        FakeControl c = new FakeControl();
        c.run(new EarlyStopping("val_loss", 0, 2, Mode.MIN, null, true, 0), "val_loss", 1.0, 0.5, 0.7, 0.8, 0.1);
        assertEquals(3, c.stoppedAtEpoch);
        assertEquals(1f, c.model().parameters().values()[0], "weights of epoch 1 (val_loss 0.5)");

        FakeControl notStopped = new FakeControl();
        notStopped.run(new EarlyStopping("val_loss", 0, 5, Mode.MIN, null, true, 0), "val_loss", 1.0, 0.5, 0.7);
        assertNull(notStopped.stopReason);
        assertEquals(1f, notStopped.model().parameters().values()[0], "Keras 3 restores even without stopping");
    }

    @Test
    void missingMonitorIsIgnored() {
        assertNull(stopEpoch(new EarlyStopping(), "loss", 1, 2, 3));
    }
}
