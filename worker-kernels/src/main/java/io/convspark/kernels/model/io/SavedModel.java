package io.convspark.kernels.model.io;

import io.convspark.kernels.data.Normalizer;
import io.convspark.kernels.losses.Losses;
import io.convspark.kernels.metrics.Metric;
import io.convspark.kernels.metrics.Metrics;
import io.convspark.kernels.model.Model;
import io.convspark.kernels.optimizers.Optimizer;
import io.convspark.kernels.train.Trainer;
import io.convspark.kernels.train.TrainingControl;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model file holds: the model with its weights, the optimizer with its state (or
 * {@code null} for a weights-only file), the optimizer iteration count and the free-form training
 * configuration ({@code epoch}, {@code loss}, {@code metrics}, {@code batch_size},
 * {@code normalizer}, ...; JSON values).
 */
public record SavedModel(Model model, Optimizer optimizer, long iterations, Map<String, Object> training) {
    /** Training-config key of the loss name. */
    public static final String LOSS = "loss";
    /** Training-config key of the list of metric names. */
    public static final String METRICS = "metrics";
    /** Training-config key of the normalizer ({@link NormalizerConfig}). */
    public static final String NORMALIZER = "normalizer";
    /** Training-config key of the number of epochs completed. */
    public static final String EPOCH = "epoch";

    public SavedModel {
        if (model == null) {
            throw new IllegalArgumentException("a saved model needs a model");
        }
        training = Collections.unmodifiableMap(new LinkedHashMap<>(training == null ? Map.of() : training));
    }

    /** The current state of a trainer; its loss and metric names are added to {@code training}. */
    public static SavedModel of(Trainer trainer, Map<String, Object> training) {
        Map<String, Object> t = new LinkedHashMap<>(training == null ? Map.of() : training);
        t.putIfAbsent(LOSS, trainer.loss().name());
        List<String> metrics = new ArrayList<>();
        for (Metric m : trainer.metrics()) {
            metrics.add(m.name());
        }
        t.putIfAbsent(METRICS, metrics);
        return new SavedModel(trainer.model(), trainer.optimizer(), trainer.iterations(), t);
    }

    /** The current state of a training run seen through its control (what callbacks save). */
    public static SavedModel of(TrainingControl control, Map<String, Object> training) {
        if (control instanceof Trainer trainer) {
            return of(trainer, training);
        }
        return new SavedModel(control.model(), control.optimizer(), control.iterations(), training);
    }

    /** The same state without the optimizer (a weights-only file). */
    public SavedModel withoutOptimizer() {
        return new SavedModel(model, null, iterations, training);
    }

    /**
     * A trainer that continues where the saved run stopped: the saved loss and metrics (from the
     * training config), the restored optimizer and iteration count.
     */
    public Trainer trainer() {
        if (optimizer == null) {
            throw new IllegalStateException("model '" + model.name() + "' was saved without its optimizer; "
                    + "cannot continue training");
        }
        Object loss = training.get(LOSS);
        if (!(loss instanceof String name)) {
            throw new IllegalStateException("the training config of model '" + model.name() + "' has no '" + LOSS
                    + "' name, found " + loss);
        }
        List<Metric> metrics = new ArrayList<>();
        if (training.get(METRICS) instanceof List<?> names) {
            for (Object m : names) {
                metrics.add(Metrics.parse(String.valueOf(m)));
            }
        }
        Trainer t = new Trainer(model, Losses.parse(name), optimizer, metrics);
        t.iterations(iterations);
        return t;
    }

    /** The normalizer training used, or {@code x/255} if the config names none. */
    public Normalizer normalizer() {
        Object n = training.get(NORMALIZER);
        return n == null ? Normalizer.unitScale() : NormalizerConfig.fromConfig(n, "training config '" + NORMALIZER
                + "'");
    }
}
