package io.convspark.driver.ml;

import java.util.Locale;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Counts kept by one scoring, filled by Spark as actions run its tasks: images scored, images that could not
 * be decoded or fitted to the model (skipped or kept with an error), and where the tasks' time went: reading
 * input rows, decoding images, the network's forward pass, and building output rows.
 */
public record ScoringCounters(LongAccumulator scored, LongAccumulator invalid, LongAccumulator readNanos,
                              LongAccumulator decodeNanos, LongAccumulator forwardNanos,
                              LongAccumulator outputNanos) implements java.io.Serializable {

    static ScoringCounters register(SparkContext sc) {
        return new ScoringCounters(sc.longAccumulator("convspark: images scored"),
                sc.longAccumulator("convspark: invalid images"), sc.longAccumulator("convspark: read ns"),
                sc.longAccumulator("convspark: decode ns"), sc.longAccumulator("convspark: forward ns"),
                sc.longAccumulator("convspark: output ns"));
    }

    public long scoredImages() {
        return scored.value();
    }

    public long invalidImages() {
        return invalid.value();
    }

    /** Task seconds per phase, summed over tasks, e.g. {@code read 1.2 s, decode 3.4 s, forward 20.1 s, ...}. */
    public String taskTimes() {
        return taskTimesSince(new long[4]);
    }

    /** The task nanoseconds of each phase so far (read, decode, forward, output), for {@link #taskTimesSince}. */
    public long[] phaseNanos() {
        return new long[] {readNanos.value(), decodeNanos.value(), forwardNanos.value(), outputNanos.value()};
    }

    /** {@link #taskTimes()} of what ran after {@code before} was taken with {@link #phaseNanos()}. */
    public String taskTimesSince(long[] before) {
        long[] now = phaseNanos();
        return String.format(Locale.ROOT, "read rows %.1f s, decode %.1f s, forward %.1f s, output rows %.1f s",
                (now[0] - before[0]) / 1e9, (now[1] - before[1]) / 1e9, (now[2] - before[2]) / 1e9,
                (now[3] - before[3]) / 1e9);
    }
}
