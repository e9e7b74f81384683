package io.convspark.kernels.train.callbacks;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A monitored log value ({@code val_loss}, {@code accuracy}, ...), its direction and the smallest
 * change that counts as an improvement ({@code min_delta}, Keras' rule:
 * {@code current < best - min_delta} when minimizing, {@code current > best + min_delta} when
 * maximizing; NaN never improves).
 */
final class Monitor {
    private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);

    private final String key;
    private final boolean maximize;
    private final double minDelta;

    Monitor(String key, Mode mode, double minDelta) {
        this.key = key;
        this.maximize = mode.maximizes(key);
        this.minDelta = Math.abs(minDelta);
    }

    String key() {
        return key;
    }

    boolean maximizes() {
        return maximize;
    }

    /** The worst possible value: every real value improves on it. */
    double worst() {
        return maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    boolean improves(double current, double reference) {
        return maximize ? current - minDelta > reference : current + minDelta < reference;
    }

    /** The value in {@code logs}, or {@code null} (with a warning naming the available keys) if absent. */
    Double read(Map<String, Double> logs, String owner) {
        Double v = logs.get(key);
        if (v == null) {
            LOG.warn("{} is conditioned on metric '{}' which is not available; available metrics are: {}", owner,
                    key, String.join(",", logs.keySet()));
        }
        return v;
    }
}
