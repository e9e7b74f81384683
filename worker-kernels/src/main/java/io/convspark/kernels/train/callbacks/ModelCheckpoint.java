package io.convspark.kernels.train.callbacks;

import io.convspark.kernels.model.io.ModelFile;
import io.convspark.kernels.model.io.SavedModel;
import io.convspark.kernels.train.Callback;
import io.convspark.kernels.train.TrainingControl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keras' {@code ModelCheckpoint} (with {@code save_freq="epoch"}): writes a {@link ModelFile} at the
 * end of every epoch, or with {@code save_best_only} only when {@code monitor} beats the best value
 * so far (strictly; the first value must beat {@code initial_value_threshold} if given). The path
 * is a {@link FilepathTemplate} and must end with {@value ModelFile#EXTENSION}. With
 * {@code save_weights_only} the optimizer is left out of the file.
 *
 * <p>Never writes a model that is not finite: an epoch whose {@code loss} is NaN or infinite, or
 * whose weights are, is skipped with a warning, so the last checkpoint stays the last good one.
 * Files are replaced atomically. The training config given at construction is stored with
 * {@code epoch} (epochs completed) added.
 */
public final class ModelCheckpoint implements Callback {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCheckpoint.class);

    private final FilepathTemplate filepath;
    private final Monitor monitor;
    private final boolean saveBestOnly;
    private final boolean saveWeightsOnly;
    private final Map<String, Object> training;
    private double best;
    private Path lastSaved;

    /** Keras' defaults: {@code monitor="val_loss", save_best_only=False, mode="auto"}, every epoch. */
    public ModelCheckpoint(String filepath, Map<String, Object> training) {
        this(filepath, "val_loss", Mode.AUTO, false, false, null, training);
    }

    public ModelCheckpoint(String filepath, String monitor, Mode mode, boolean saveBestOnly, boolean saveWeightsOnly,
                           Double initialValueThreshold, Map<String, Object> training) {
        if (!filepath.endsWith(ModelFile.EXTENSION)) {
            throw new IllegalArgumentException("ModelCheckpoint: 'filepath' must end with " + ModelFile.EXTENSION
                    + ", got " + filepath);
        }
        this.filepath = new FilepathTemplate(filepath);
        this.monitor = new Monitor(monitor, mode, 0);
        this.saveBestOnly = saveBestOnly;
        this.saveWeightsOnly = saveWeightsOnly;
        this.training = new LinkedHashMap<>(training == null ? Map.of() : training);
        this.best = initialValueThreshold != null ? initialValueThreshold : this.monitor.worst();
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs, TrainingControl control) {
        Path path = Paths.get(filepath.format(epoch, logs));
        Double loss = logs.get("loss");
        if (loss != null && !Double.isFinite(loss) || !finite(control.model().parameters().values())
                || !finite(control.model().parameters().state())) {
            LOG.warn("Epoch {}: ModelCheckpoint skips {}: the loss or the weights are not finite (loss {})", epoch + 1,
                    path, loss);
            return;
        }
        if (saveBestOnly) {
            Double current = monitor.read(logs, "ModelCheckpoint");
            if (current == null) {
                return;
            }
            if (!monitor.improves(current, best)) {
                LOG.debug("Epoch {}: {} did not improve from {}", epoch + 1, monitor.key(), best);
                return;
            }
            LOG.info("Epoch {}: {} improved from {} to {}, saving model to {}", epoch + 1, monitor.key(), best,
                    current, path);
            best = current;
        }
        save(path, epoch, control);
    }

    private void save(Path path, int epoch, TrainingControl control) {
        Map<String, Object> t = new LinkedHashMap<>(training);
        t.put(SavedModel.EPOCH, epoch + 1);
        SavedModel saved = SavedModel.of(control, t);
        try {
            ModelFile.save(path, saveWeightsOnly ? saved.withoutOptimizer() : saved);
        } catch (IOException e) {
            throw new UncheckedIOException("ModelCheckpoint: cannot write " + path + ": " + e.getMessage(), e);
        }
        lastSaved = path;
    }

    private static boolean finite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** The best monitored value so far (with {@code save_best_only}). */
    public double best() {
        return best;
    }

    /** The last file written, or {@code null}. */
    public Path lastSaved() {
        return lastSaved;
    }
}
