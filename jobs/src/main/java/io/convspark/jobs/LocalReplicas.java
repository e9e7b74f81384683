package io.convspark.jobs;

import io.convspark.kernels.compute.Gemms;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.layers.StepContext;
import io.convspark.kernels.train.ReplicaTrainer;
import io.convspark.kernels.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The local engine's {@code --replicas N}: N trainers of one model, each on a 1-thread kernel executor,
 * whose first one fits on all of them ({@link Trainer#shareSteps}). Closing it stops their threads.
 */
final class LocalReplicas implements AutoCloseable {
    private final List<KernelExecutor> executors;
    private final ReplicaTrainer replicas;

    private LocalReplicas(List<KernelExecutor> executors, ReplicaTrainer replicas) {
        this.executors = executors;
        this.replicas = replicas;
    }

    /** {@code count} trainers made by {@code newTrainer(index, context)}, the first of which fits. */
    static LocalReplicas of(int count, BiFunction<Integer, StepContext, Trainer> newTrainer) {
        List<KernelExecutor> executors = new ArrayList<>();
        List<Trainer> trainers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            KernelExecutor ex = new KernelExecutor(1);
            executors.add(ex);
            trainers.add(newTrainer.apply(i, new StepContext(ex, Gemms.get())));
        }
        ReplicaTrainer replicas = new ReplicaTrainer(trainers);
        trainers.get(0).shareSteps(replicas);
        return new LocalReplicas(executors, replicas);
    }

    /** The trainer that fits (and whose model is the run's). */
    Trainer first() {
        return replicas.replicas().get(0);
    }

    @Override
    public void close() {
        first().shareSteps(null);
        replicas.close();
        executors.forEach(KernelExecutor::close);
    }
}
