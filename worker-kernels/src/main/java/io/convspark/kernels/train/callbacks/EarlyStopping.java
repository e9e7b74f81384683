package io.convspark.kernels.train.callbacks;

import io.convspark.kernels.train.Callback;
import io.convspark.kernels.train.History;
import io.convspark.kernels.train.TrainingControl;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keras' {@code EarlyStopping}: stops training when {@code monitor} has not improved by more than
 * {@code min_delta} for {@code patience} epochs. Epochs before {@code start_from_epoch} are ignored.
 * With a {@code baseline}, the patience counter restarts only on epochs that beat both the best
 * value and the baseline. With {@code restore_best_weights} the weights of the best epoch are put
 * back when training ends (Keras 3: whether or not it stopped early).
 */
public final class EarlyStopping implements Callback {
    private static final Logger LOG = LoggerFactory.getLogger(EarlyStopping.class);

    private final Monitor monitor;
    private final int patience;
    private final Double baseline;
    private final boolean restoreBestWeights;
    private final int startFromEpoch;
    private int wait;
    private int stoppedEpoch;
    private double best;
    private int bestEpoch;
    private WeightsSnapshot bestWeights;

    /** Keras' defaults: {@code EarlyStopping(monitor="val_loss", min_delta=0, patience=0, mode="auto")}. */
    public EarlyStopping() {
        this("val_loss", 0, 0, Mode.AUTO, null, false, 0);
    }

    public EarlyStopping(String monitor, double minDelta, int patience, Mode mode, Double baseline,
                         boolean restoreBestWeights, int startFromEpoch) {
        if (patience < 0 || startFromEpoch < 0) {
            throw new IllegalArgumentException("EarlyStopping: 'patience' and 'start_from_epoch' must be >= 0, got "
                    + patience + " and " + startFromEpoch);
        }
        this.monitor = new Monitor(monitor, mode, minDelta);
        this.patience = patience;
        this.baseline = baseline;
        this.restoreBestWeights = restoreBestWeights;
        this.startFromEpoch = startFromEpoch;
    }

    @Override
    public void onTrainBegin(TrainingControl control) {
        wait = 0;
        stoppedEpoch = 0;
        best = monitor.worst();
        bestEpoch = 0;
        bestWeights = null;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs, TrainingControl control) {
        Double current = monitor.read(logs, "EarlyStopping");
        if (current == null || epoch < startFromEpoch) {
            return;
        }
        if (restoreBestWeights && bestWeights == null) {
            bestWeights = new WeightsSnapshot(control.model());
            bestEpoch = epoch;
        }
        wait++;
        if (monitor.improves(current, best)) {
            best = current;
            bestEpoch = epoch;
            if (restoreBestWeights) {
                bestWeights = new WeightsSnapshot(control.model());
            }
            if (baseline == null || monitor.improves(current, baseline)) {
                wait = 0;
            }
            return;
        }
        if (wait >= patience && epoch > 0) {
            stoppedEpoch = epoch;
            control.requestStop(String.format(Locale.ROOT, "EarlyStopping: '%s' did not improve on %s (epoch %d) for "
                    + "%d epoch(s)", monitor.key(), best, bestEpoch + 1, wait));
        }
    }

    @Override
    public void onTrainEnd(History history, TrainingControl control) {
        if (restoreBestWeights && bestWeights != null) {
            LOG.info("EarlyStopping: restoring the model weights from the end of the best epoch: {}", bestEpoch + 1);
            bestWeights.restore(control.model());
        }
    }

    /** The epoch (from 0) at which training was stopped, 0 if it was not. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    /** The best monitored value seen. */
    public double best() {
        return best;
    }

    /** The epoch (from 0) of the best value. */
    public int bestEpoch() {
        return bestEpoch;
    }
}
