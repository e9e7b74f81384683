package io.convspark.driver.checkpoint;

import java.io.IOException;

/** A checkpoint that cannot be used: corrupt, truncated, of another format version or another model. */
public final class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }
}
