package io.convspark.driver.ml;

/** One image that cannot be turned into the model's input: unreadable, or of the wrong size or channels. */
public final class InvalidImageException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidImageException(String message) {
        super(message);
    }

    public InvalidImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
