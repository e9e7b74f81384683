package io.convspark.kernels.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-epoch logs of a training run, as Keras' {@code History.history}. */
public final class History {
    private final List<Map<String, Double>> epochs = new ArrayList<>();
    private String stopReason;

    /** A history of the given per-epoch logs and stop reason (null: all epochs ran), e.g. of a Spark run. */
    public static History of(List<Map<String, Double>> epochLogs, String stopReason) {
        History h = new History();
        epochLogs.forEach(h::add);
        h.stopReason(stopReason);
        return h;
    }

    public void add(Map<String, Double> logs) {
        epochs.add(Collections.unmodifiableMap(new LinkedHashMap<>(logs)));
    }

    public List<Map<String, Double>> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    public int size() {
        return epochs.size();
    }

    /** The values of one metric, epoch by epoch ({@code NaN} where absent). */
    public double[] series(String metric) {
        double[] v = new double[epochs.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = epochs.get(i).getOrDefault(metric, Double.NaN);
        }
        return v;
    }

    public Map<String, Double> last() {
        return epochs.isEmpty() ? Map.of() : epochs.get(epochs.size() - 1);
    }

    /** Why training stopped early, or {@code null} if it ran all epochs. */
    public String stopReason() {
        return stopReason;
    }

    public void stopReason(String reason) {
        this.stopReason = reason;
    }
}
