package io.convspark.jobs;

import io.convspark.kernels.data.Normalizer;
import io.convspark.kernels.model.io.ModelFile;
import io.convspark.kernels.model.io.NormalizerConfig;
import io.convspark.kernels.model.io.SavedModel;
import io.convspark.kernels.train.History;
import io.convspark.kernels.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The model file {@value #NAME} that {@code train} always writes into its run directory: the
 * final weights, the optimizer state and the training config (data, epochs, batch size, seed,
 * normalizer; loss and metrics are added from the trainer).
 */
final class RunModelFile {
    static final String NAME = "model" + ModelFile.EXTENSION;

    private RunModelFile() {
    }

    /** The training config stored in model files of this run (and in its checkpoints). */
    static Map<String, Object> trainingConfig(String data, int epochs, int batchSize, long seed,
                                              Normalizer normalizer) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("data", data);
        t.put("epochs", epochs);
        t.put("batch_size", batchSize);
        t.put("seed", seed);
        t.put(SavedModel.NORMALIZER, NormalizerConfig.toConfig(normalizer));
        return t;
    }

    /** Writes {@code runDir/model.convspark} with {@code epoch} set to the epochs trained. */
    static Path write(Path runDir, Trainer trainer, Map<String, Object> training, History history)
            throws IOException {
        Map<String, Object> t = new LinkedHashMap<>(training);
        t.put(SavedModel.EPOCH, history.size());
        Path file = runDir.resolve(NAME);
        ModelFile.save(file, SavedModel.of(trainer, t));
        return file;
    }
}
