package io.convspark.kernels.train.callbacks;

import io.convspark.kernels.optimizers.Optimizer;
import io.convspark.kernels.train.Callback;
import io.convspark.kernels.train.TrainingControl;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keras' {@code ReduceLROnPlateau}: multiplies the optimizer's learning rate by {@code factor}
 * (never below {@code min_lr}) when {@code monitor} has not improved by more than {@code min_delta}
 * for {@code patience} epochs, then waits {@code cooldown} epochs before counting again. With a
 * learning-rate schedule the base rate is scaled, so the schedule keeps its shape.
 */
public final class ReduceLROnPlateau implements Callback {
    private static final Logger LOG = LoggerFactory.getLogger(ReduceLROnPlateau.class);

    private final Monitor monitor;
    private final double factor;
    private final int patience;
    private final int cooldown;
    private final double minLr;
    private double best;
    private int wait;
    private int cooldownCounter;

    /** Keras' defaults: {@code monitor="val_loss", factor=0.1, patience=10, min_delta=1e-4, cooldown=0, min_lr=0}. */
    public ReduceLROnPlateau() {
        this("val_loss", 0.1, 10, Mode.AUTO, 1e-4, 0, 0);
    }

    public ReduceLROnPlateau(String monitor, double factor, int patience, Mode mode, double minDelta, int cooldown,
                             double minLr) {
        if (!(factor < 1.0) || !(factor >= 0)) {
            throw new IllegalArgumentException("ReduceLROnPlateau does not support a factor >= 1.0 (or < 0); got "
                    + "factor=" + factor);
        }
        if (patience < 0 || cooldown < 0 || !(minLr >= 0)) {
            throw new IllegalArgumentException("ReduceLROnPlateau: 'patience', 'cooldown' and 'min_lr' must be >= 0, got "
                    + patience + ", " + cooldown + " and " + minLr);
        }
        this.monitor = new Monitor(monitor, mode, minDelta);
        this.factor = factor;
        this.patience = patience;
        this.cooldown = cooldown;
        this.minLr = minLr;
    }

    @Override
    public void onTrainBegin(TrainingControl control) {
        best = monitor.worst();
        wait = 0;
        cooldownCounter = 0;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs, TrainingControl control) {
        Double current = monitor.read(logs, "ReduceLROnPlateau");
        if (current == null) {
            return;
        }
        if (inCooldown()) {
            cooldownCounter--;
            wait = 0;
        }
        if (monitor.improves(current, best)) {
            best = current;
            wait = 0;
        } else if (!inCooldown()) {
            wait++;
            if (wait >= patience) {
                Optimizer optimizer = control.optimizer();
                double oldLr = optimizer.baseLearningRate();
                if (oldLr > (float) minLr) {
                    float newLr = (float) Math.max(oldLr * factor, minLr);
                    optimizer.setLearningRate(newLr);
                    LOG.info("Epoch {}: ReduceLROnPlateau reducing learning rate to {}.", epoch + 1, newLr);
                    cooldownCounter = cooldown;
                    wait = 0;
                }
            }
        }
    }

    private boolean inCooldown() {
        return cooldownCounter > 0;
    }
}
