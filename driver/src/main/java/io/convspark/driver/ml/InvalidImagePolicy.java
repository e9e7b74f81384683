package io.convspark.driver.ml;

import java.util.Locale;

/** Spark ML's {@code handleInvalid} for images that cannot be decoded or fitted to the model. */
public enum InvalidImagePolicy {
    /** Fail the task with a message naming the image and why (the default). */
    ERROR,
    /** Leave the row out, counting it (the count is logged and reported). */
    SKIP,
    /** Keep the row with null predictions and the reason in the error column. */
    KEEP;

    public static InvalidImagePolicy parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("handleInvalid: expected error, skip or keep, found '" + s + "'");
        }
    }

    public String param() {
        return name().toLowerCase(Locale.ROOT);
    }
}
