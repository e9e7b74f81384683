package io.convspark.driver.train;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What a replica's task returns when its training stage ends. All replicas hold identical weights, so
 * only rank 0 returns them and the optimizer's slots ({@code values}, {@code state} and
 * {@code optimizerState} are empty elsewhere).
 *
 * @param resumedFromStep the checkpoint step this attempt started from, or -1 for a fresh start
 */
public record ReplicaResult(int rank, long iterations, String stopReason, long resumedFromStep, float[] values,
                            float[] state, Map<String, float[]> optimizerState, List<Map<String, Double>> history,
                            ReplicaTimes times, int rejectedConnections) implements Serializable {
}
