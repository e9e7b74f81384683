package io.convspark.kernels.train.callbacks;

import java.util.Locale;

/** Whether a monitored quantity should go down ({@code min}) or up ({@code max}); Keras' {@code mode}. */
public enum Mode {
    MIN, MAX, AUTO;

    /** Reads {@code "min"}, {@code "max"} or {@code "auto"}. */
    public static Mode parse(String mode, String owner) {
        try {
            return valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(owner + ": 'mode' must be \"min\", \"max\" or \"auto\", got \"" + mode
                    + "\"");
        }
    }

    /**
     * Resolves {@link #AUTO} as Keras does: accuracy-like names ({@code acc}, {@code auc},
     * {@code fmeasure...}) are maximized, everything else (losses, errors) minimized.
     */
    public boolean maximizes(String monitor) {
        return this == MAX || this == AUTO && (monitor.contains("acc") || monitor.contains("auc")
                || monitor.startsWith("fmeasure"));
    }
}
