package io.convspark.driver.progress;

/**
 * What the driver's callbacks decided at an epoch boundary, sent back to the replicas.
 *
 * @param stop         stop training now (every replica stops at the same step)
 * @param reason       why, when stopping
 * @param learningRate the learning rate from now on, or NaN to keep it
 */
public record EpochDecision(boolean stop, String reason, float learningRate) {
    public static final EpochDecision CONTINUE = new EpochDecision(false, "", Float.NaN);
}
