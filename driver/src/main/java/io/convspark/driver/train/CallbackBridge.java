package io.convspark.driver.train;

import io.convspark.driver.progress.EpochDecision;
import io.convspark.driver.progress.TrainingListener;
import io.convspark.kernels.model.Model;
import io.convspark.kernels.optimizers.Optimizer;
import io.convspark.kernels.train.Callback;
import io.convspark.kernels.train.History;
import io.convspark.kernels.train.TrainingControl;
import java.util.List;
import java.util.Map;

/**
 * Runs Keras callbacks (EarlyStopping, ModelCheckpoint, ReduceLROnPlateau, LearningRateScheduler, CSVLogger,
 * ...) on the driver for a Spark training run: at every epoch boundary the replicas hand over the weights
 * and the last epoch's logs, the callbacks see a driver-side copy of the model and optimizer, and what they
 * decide (stop, a new learning rate) goes back to every replica. Use with a plan built with
 * {@code driverCallbacks(true)}: {@link #begin}, train with this as (part of) the listener, then {@link #end}.
 */
public final class CallbackBridge implements TrainingListener, TrainingControl {
    private final List<Callback> callbacks;
    private final Model model;
    private final Optimizer optimizer;
    private final int epochs;
    private final int stepsPerEpoch;
    private volatile String stopReason;
    private volatile long iterations;

    public CallbackBridge(TrainingPlan plan, List<Callback> callbacks, int stepsPerEpoch) {
        this.callbacks = List.copyOf(callbacks);
        this.model = plan.buildModel();
        this.optimizer = plan.buildOptimizer();
        this.epochs = plan.epochs();
        this.stepsPerEpoch = stepsPerEpoch;
    }

    public void begin() {
        for (Callback c : callbacks) {
            c.onTrainBegin(this);
        }
    }

    @Override
    public synchronized EpochDecision atEpochBoundary(int nextEpoch, Map<String, Double> lastLogs, float[] values,
                                                      float[] state) {
        System.arraycopy(values, 0, model.parameters().values(), 0, values.length);
        System.arraycopy(state, 0, model.parameters().state(), 0, state.length);
        iterations = (long) nextEpoch * stepsPerEpoch;
        float before = optimizer.baseLearningRate();
        if (nextEpoch > 0 && !lastLogs.isEmpty()) {
            for (Callback c : callbacks) {
                c.onEpochEnd(nextEpoch - 1, lastLogs, this);
            }
        }
        if (nextEpoch < epochs && stopReason == null) {
            for (Callback c : callbacks) {
                c.onEpochBegin(nextEpoch, this);
            }
        }
        float after = optimizer.baseLearningRate();
        return new EpochDecision(stopReason != null, stopReason == null ? "" : stopReason,
                after != before ? after : Float.NaN);
    }

    /**
     * After training: the final weights into the driver's model, then every callback's {@code onTrainEnd}
     * (EarlyStopping may restore its best weights there). Returns the model to keep.
     */
    public Model end(TrainingResult result, History history) {
        System.arraycopy(result.model().parameters().values(), 0, model.parameters().values(), 0,
                model.parameters().values().length);
        System.arraycopy(result.model().parameters().state(), 0, model.parameters().state(), 0,
                model.parameters().state().length);
        iterations = result.iterations();
        for (Callback c : callbacks) {
            c.onTrainEnd(history, this);
        }
        return model;
    }

    @Override
    public Model model() {
        return model;
    }

    @Override
    public Optimizer optimizer() {
        return optimizer;
    }

    @Override
    public void requestStop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
    }

    @Override
    public boolean stopRequested() {
        return stopReason != null;
    }

    @Override
    public long iterations() {
        return iterations;
    }

    @Override
    public int epochs() {
        return epochs;
    }

    @Override
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }
}
