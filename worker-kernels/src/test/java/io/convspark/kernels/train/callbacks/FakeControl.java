package io.convspark.kernels.train.callbacks;

import io.convspark.kernels.model.Model;
import io.convspark.kernels.model.ModelDefinition;
import io.convspark.kernels.optimizers.Optimizer;
import io.convspark.kernels.optimizers.Sgd;
import io.convspark.kernels.train.TrainingControl;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** A training control without training: a tiny model and an SGD optimizer, for hand-worked epoch logs. */
final class FakeControl implements TrainingControl {
    static final String MODEL = "{\"name\": \"fake\", \"input\": {\"features\": 3},"
            + " \"layers\": [{\"type\": \"Dense\", \"units\": 2, \"activation\": \"softmax\"}]}";

    private final Model model = ModelDefinition.parse(MODEL, "fake").build(1);
    private final Optimizer optimizer = new Sgd(1.0f, 0, false);
    String stopReason;
    Integer stoppedAtEpoch;
    private int epoch;

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
            stoppedAtEpoch = epoch;
        }
    }

    @Override
    public boolean stopRequested() {
        return stopReason != null;
    }

    @Override
    public long iterations() {
        return epoch;
    }

    @Override
    public int epochs() {
        return 100;
    }

    @Override
    public int stepsPerEpoch() {
        return 1;
    }

    /** Sets every weight to {@code value}, marking the state of an epoch. */
    void fillWeights(float value) {
        Arrays.fill(model.parameters().values(), value);
    }

    /**
     * Runs {@code callback} over epochs whose {@code key} takes {@code values} in turn, filling the
     * weights with the epoch number, until it asks to stop; returns the learning rate after each epoch.
     */
    double[] run(io.convspark.kernels.train.Callback callback, String key, double... values) {
        callback.onTrainBegin(this);
        double[] lr = new double[values.length];
        for (epoch = 0; epoch < values.length && !stopRequested(); epoch++) {
            callback.onEpochBegin(epoch, this);
            fillWeights(epoch);
            Map<String, Double> logs = new HashMap<>();
            logs.put(key, values[epoch]);
            callback.onEpochEnd(epoch, logs, this);
            lr[epoch] = optimizer.baseLearningRate();
        }
        callback.onTrainEnd(new io.convspark.kernels.train.History(), this);
        return lr;
    }
}
