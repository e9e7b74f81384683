package io.convspark.kernels.bench;

import io.convspark.kernels.compute.Gemm;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.layers.StepContext;
import io.convspark.kernels.losses.Targets;
import io.convspark.kernels.model.ModelDefinition;
import io.convspark.kernels.tensor.Tensor;
import io.convspark.kernels.train.ReplicaTrainer;
import io.convspark.kernels.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures {@link IndependentCopies}: rounds of one copy alone, {@code threads} copies at once, one
 * copy at {@code threads} threads and the copies as the replicas of a {@link ReplicaTrainer} (on the
 * first copy's batch), each phase trained for the same wall-clock time. Every copy has its own
 * model, executor, batch and labels; the copies after the first run on threads of their own, started
 * once.
 */
final class CopiesRounds {
    /** Untimed steps each trainer takes first (workspaces, optimizer state). */
    private static final int WARM_STEPS = 3;

    private final int threads;
    private final double phaseSeconds;
    private final List<Trainer> copies = new ArrayList<>();
    private final List<Tensor> inputs = new ArrayList<>();
    private final List<Targets> targets = new ArrayList<>();
    private final Trainer many;

    private CopiesRounds(ModelDefinition definition, int threads, int batch, Gemm gemm, long seed,
                         double phaseSeconds, List<KernelExecutor> executors) {
        this.threads = threads;
        this.phaseSeconds = phaseSeconds;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < threads; i++) {
            copies.add(trainer(definition, 1, batch, gemm, seed, random, executors));
        }
        this.many = trainer(definition, threads, batch, gemm, seed, random, executors);
    }

    /** A trainer of a new copy at {@code kernelThreads}, with its own batch and labels. */
    private Trainer trainer(ModelDefinition definition, int kernelThreads, int batch, Gemm gemm, long seed,
                            SplittableRandom random, List<KernelExecutor> executors) {
        KernelExecutor ex = new KernelExecutor(kernelThreads);
        executors.add(ex);
        Trainer t = ModelBenchmark.trainer(definition.build(seed), new StepContext(ex, gemm));
        inputs.add(ModelBenchmark.randomImages(t.model(), batch, random));
        targets.add(ModelBenchmark.randomTargets(t.model(), batch, random));
        return t;
    }

    /** {@code rounds} rounds of the four phases, {@code phaseSeconds} each. */
    static IndependentCopies measure(ModelDefinition definition, int threads, int batch, Gemm gemm, long seed,
                                     double phaseSeconds, int rounds) {
        List<KernelExecutor> executors = new ArrayList<>();
        ExecutorService others = Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "convspark-bench-copy");
            t.setDaemon(true);
            return t;
        });
        try {
            CopiesRounds m = new CopiesRounds(definition, threads, batch, gemm, seed, phaseSeconds, executors);
            try (ReplicaTrainer replicas = new ReplicaTrainer(m.copies)) {
                for (int i = 0; i <= threads; i++) {
                    m.train(i, 0);
                }
                m.trainReplicas(replicas, 0);
                double[] alone = new double[2];
                double[] together = new double[2];
                double[] manyThreads = new double[2];
                double[] shared = new double[2];
                for (int r = 0; r < rounds; r++) {
                    add(alone, m.train(0, m.phaseNanos()));
                    add(together, m.trainAllCopies(others));
                    add(manyThreads, m.train(threads, m.phaseNanos()));
                    add(shared, m.trainReplicas(replicas, m.phaseNanos()));
                }
                return IndependentCopies.of(threads, rounds, alone[0] / alone[1], together[0] / together[1],
                        manyThreads[0] / manyThreads[1], shared[0] / shared[1]);
            }
        } finally {
            others.shutdownNow();
            executors.forEach(KernelExecutor::close);
        }
    }

    private long phaseNanos() {
        return (long) (phaseSeconds * 1e9);
    }

    /** Adds {images, seconds} to the totals. */
    private static void add(double[] totals, double[] imagesAndSeconds) {
        totals[0] += imagesAndSeconds[0];
        totals[1] += imagesAndSeconds[1];
    }

    /**
     * Trains trainer {@code i} (a copy, or {@link #many} for {@code i == threads}) for {@code nanos}
     * (just the warm-up steps if 0), returning {images, seconds}.
     */
    private double[] train(int i, long nanos) {
        Trainer t = i < threads ? copies.get(i) : many;
        return timed(() -> {
            t.computeGradients(inputs.get(i), targets.get(i), 0);
            t.applyGradients();
        }, inputs.get(i).batch(), nanos);
    }

    /** The replicas on copy 0's batch for {@code nanos} (the warm-up steps if 0), returning {images, seconds}. */
    private double[] trainReplicas(ReplicaTrainer replicas, long nanos) {
        return timed(() -> replicas.step(inputs.get(0), targets.get(0)), inputs.get(0).batch(), nanos);
    }

    /** Steps of {@code batch} images until {@code nanos} passed ({@link #WARM_STEPS} if 0): {images, seconds}. */
    private static double[] timed(Runnable step, int batch, long nanos) {
        long start = System.nanoTime();
        long deadline = start + nanos;
        int steps = 0;
        do {
            step.run();
            steps++;
        } while (nanos == 0 ? steps < WARM_STEPS : System.nanoTime() < deadline);
        return new double[] {(double) steps * batch, (System.nanoTime() - start) / 1e9};
    }

    /**
     * All copies at once for a phase, copy 0 on this thread: their images/s summed, each over its
     * own time (they end within a step of each other), returned as {images/s, 1}.
     */
    private double[] trainAllCopies(ExecutorService others) {
        List<Future<double[]>> running = new ArrayList<>();
        for (int i = 1; i < threads; i++) {
            final int copy = i;
            running.add(others.submit(() -> train(copy, phaseNanos())));
        }
        double[] first = train(0, phaseNanos());
        double rate = first[0] / first[1];
        for (Future<double[]> f : running) {
            try {
                double[] r = f.get();
                rate += r[0] / r[1];
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the copies trained", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a copy failed to train", e.getCause());
            }
        }
        // a rate over one "second" of weight: summed with the other rounds' as images over seconds
        return new double[] {rate * phaseSeconds, phaseSeconds};
    }
}
