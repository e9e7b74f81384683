package io.convspark.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.convspark.kernels.train.Callback;
import io.convspark.kernels.train.callbacks.Callbacks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The file of {@code train --callbacks}: a JSON list of Keras callbacks such as
 * {@code [{"type": "EarlyStopping", "monitor": "val_loss", "patience": 3}]} (see {@link Callbacks}).
 * It is read and checked before any data is loaded, so a typo fails in a second. Paths in it
 * ({@code filepath}, {@code filename}) are relative to the working directory, as in Keras.
 */
record CallbacksFile(Path file, List<Map<String, Object>> configs) {
    /** No file: no extra callbacks. */
    static CallbacksFile none() {
        return new CallbacksFile(null, List.of());
    }

    /** Reads and validates {@code file}; errors name it. */
    static CallbacksFile read(Path file) {
        if (file == null) {
            return none();
        }
        List<Map<String, Object>> configs;
        try {
            configs = new ObjectMapper().readValue(Files.readString(file),
                    new TypeReference<List<Map<String, Object>>>() {
                    });
        } catch (JsonProcessingException e) {
            throw new UserError("--callbacks " + file + ": expected a JSON list of objects such as [{\"type\": "
                    + "\"EarlyStopping\", \"patience\": 3}]: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UserError("--callbacks " + file + ": cannot read: " + e);
        }
        if (configs == null) {
            throw new UserError("--callbacks " + file + ": expected a JSON list of callbacks, found null");
        }
        CallbacksFile parsed = new CallbacksFile(file, configs);
        parsed.callbacks(Map.of());
        return parsed;
    }

    /** The callbacks, with {@code training} as the training config their model checkpoints store. */
    List<Callback> callbacks(Map<String, Object> training) {
        try {
            return new ArrayList<>(Callbacks.fromConfig(configs, training));
        } catch (IllegalArgumentException e) {
            throw new UserError("--callbacks " + file + ": " + e.getMessage());
        }
    }
}
