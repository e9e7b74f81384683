package io.convspark.kernels.bench;

/**
 * Thread scaling measured fairly on a host whose speed drifts: one model at 1 thread and at
 * {@code threads} threads (two executors, two copies of the model), taking turns of
 * {@link ModelBenchmark#TURN_STEPS} steps in one run, so that both see the same spells of the
 * machine's speed; the first {@link ModelBenchmark#SETTLE_STEPS} of each turn are not counted. The per-thread-count runs of
 * {@link ModelRun} are minutes apart, and on a shared host a spell of a neighbour's load can fall on
 * one of them only.
 *
 * @param threads           the larger thread count
 * @param trainingOne       training steps at 1 thread
 * @param trainingMany      training steps at {@code threads} threads
 * @param inferenceOne      inference steps at 1 thread
 * @param inferenceMany     inference steps at {@code threads} threads
 * @param trainingScaling   images/s at {@code threads} threads over images/s at 1 thread, training (medians)
 * @param inferenceScaling  the same for inference
 */
public record AlternatingScaling(int threads, Throughput trainingOne, Throughput trainingMany, Throughput inferenceOne,
                                 Throughput inferenceMany, double trainingScaling, double inferenceScaling) {

    static AlternatingScaling of(int threads, Throughput trainingOne, Throughput trainingMany, Throughput inferenceOne,
                                 Throughput inferenceMany) {
        return new AlternatingScaling(threads, trainingOne, trainingMany, inferenceOne, inferenceMany,
                trainingMany.imagesPerSecond() / trainingOne.imagesPerSecond(),
                inferenceMany.imagesPerSecond() / inferenceOne.imagesPerSecond());
    }
}
