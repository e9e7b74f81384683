package io.convspark.kernels.model.io;

import java.io.IOException;

/** A model file that cannot be read: corrupt, truncated, of another version, or not matching its model. */
public final class ModelFileException extends IOException {
    public ModelFileException(String message) {
        super(message);
    }

    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }

    /** An error in one entry: {@code "SOURCE: entry 'ENTRY': MESSAGE"}. */
    static ModelFileException inEntry(String source, String entry, String message) {
        return new ModelFileException(source + ": entry '" + entry + "': " + message);
    }

    static ModelFileException inEntry(String source, String entry, String message, Throwable cause) {
        return new ModelFileException(source + ": entry '" + entry + "': " + message, cause);
    }
}
