package io.convspark.kernels.bench;

import io.convspark.kernels.compute.Gemm;
import io.convspark.kernels.compute.Gemms;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.compute.NativeGemm;
import io.convspark.kernels.layers.StepContext;
import io.convspark.kernels.losses.SparseCategoricalCrossentropy;
import io.convspark.kernels.losses.Targets;
import io.convspark.kernels.model.Model;
import io.convspark.kernels.model.ModelDefinition;
import io.convspark.kernels.optimizers.Adam;
import io.convspark.kernels.tensor.Tensor;
import io.convspark.kernels.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Measures models the way they train: for each model and thread count, the images/s of a full
 * training step (forward, sparse categorical cross-entropy fused with the softmax, backward, Adam
 * update) on a synthetic random batch, the images/s of inference, and every layer's forward and
 * backward GFLOP/s relative to the sgemm peak measured in the same run ({@link SgemmPeak}).
 *
 * <p>Each thread count gets its own executor and a freshly built model (same seed), so per-slot
 * workspaces are sized for it. The peak is measured with the native back-end when it loads (the
 * fastest GEMM of the machine), otherwise with the back-end under test.
 *
 * <p>Where the thread counts include 1 and more, the thread scaling is also measured with the two
 * alternating in one run ({@link AlternatingScaling}), twice the measurement time each for training
 * and inference; and, for training, against what the host allows: as many independent 1-thread copies of
 * the model at once as there are threads, and the model's threads as replicas ({@link IndependentCopies}), 6 times
 * the measurement time.
 */
public final class ModelBenchmark {
    /** Steps in a row at one thread count before {@link AlternatingScaling} switches to the other. */
    static final int TURN_STEPS = 10;
    /**
     * Steps at the start of each turn that are not counted: they run on caches the other copy of the
     * model just filled, and the N-thread side's first loops wake its parked threads.
     */
    static final int SETTLE_STEPS = 4;
    /** Rounds of {@link IndependentCopies}' four phases, each half the measurement time. */
    static final int COPIES_ROUNDS = 3;

    private final BenchOptions options;
    private final PrintStream progress;

    /** @param progress where one line per measurement is printed (e.g. {@code System.err}) */
    public ModelBenchmark(BenchOptions options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    public BenchReport run() {
        Gemm gemm = Gemms.choose(options.gemm());
        Gemm peakGemm = peakGemm(gemm);
        if (gemm instanceof NativeGemm && !"1".equals(System.getenv("OPENBLAS_NUM_THREADS"))) {
            progress.println("bench: warning: OPENBLAS_NUM_THREADS is not 1; OpenBLAS threads compete with the "
                    + "kernel threads (export OPENBLAS_NUM_THREADS=1)");
        }
        List<SgemmPeak> peaks = new ArrayList<>();
        List<FmaPeak> fmaPeaks = new ArrayList<>();
        List<MemoryBandwidth> bandwidths = new ArrayList<>();
        for (int t : options.threads()) {
            try (KernelExecutor executor = new KernelExecutor(t)) {
                progress.printf(Locale.ROOT, "bench: sgemm and FMA peaks, memory bandwidth, %d thread(s)...%n", t);
                peaks.add(SgemmPeak.measure(peakGemm, executor, options.peakSize(), options.seconds(), options.seed()));
                fmaPeaks.add(FmaPeak.measure(executor, options.seconds()));
                bandwidths.add(MemoryBandwidth.measure(executor, options.seconds()));
            }
        }
        List<ModelResult> results = new ArrayList<>();
        for (Path file : options.models()) {
            results.add(measureModel(file, gemm, peaks));
        }
        return new BenchReport("convspark", environment(gemm), options.seconds(), options.warmupSeconds(), peaks,
                fmaPeaks, bandwidths, results);
    }

    private ModelResult measureModel(Path file, Gemm gemm, List<SgemmPeak> peaks) {
        ModelDefinition definition = ModelDefinition.read(file);
        int trainBatch = options.trainBatchFor(definition.name());
        int inferenceBatch = options.inferenceBatch();
        List<ModelRun> runs = new ArrayList<>();
        long parameters = 0;
        long trainable = 0;
        for (int i = 0; i < options.threads().size(); i++) {
            int t = options.threads().get(i);
            try (KernelExecutor executor = new KernelExecutor(t)) {
                StepContext ctx = new StepContext(executor, gemm);
                Model model = definition.build(options.seed());
                parameters = model.parameterCount();
                trainable = model.parameters().trainableCount();
                Trainer trainer = trainer(model, ctx);
                SplittableRandom random = new SplittableRandom(options.seed());

                Tensor trainInputs = randomImages(model, trainBatch, random);
                Targets targets = randomTargets(model, trainBatch, random);
                progress.printf(Locale.ROOT, "bench: %s, %d thread(s): training, batch %d...%n", model.name(), t,
                        trainBatch);
                Throughput training = Throughput.of(trainBatch, StepTimes.measure(() -> {
                    trainer.computeGradients(trainInputs, targets, 0);
                    trainer.applyGradients();
                }, options.warmupSeconds(), options.seconds(), 3));

                Tensor inferenceInputs = randomImages(model, inferenceBatch, random);
                progress.printf(Locale.ROOT, "bench: %s, %d thread(s): inference, batch %d...%n", model.name(), t,
                        inferenceBatch);
                Throughput inference = Throughput.of(inferenceBatch, StepTimes.measure(
                        () -> trainer.predictBatch(inferenceInputs), options.warmupSeconds(), options.seconds(), 3));

                progress.printf(Locale.ROOT, "bench: %s, %d thread(s): per-layer forward/backward...%n",
                        model.name(), t);
                List<LayerTiming> layers = new LayerHarness(model, ctx, trainBatch, options.seed())
                        .measure(options.seconds(), peaks.get(i).gflops());
                runs.add(new ModelRun(t, training, inference, layers));
            }
        }
        int most = options.threads().stream().mapToInt(Integer::intValue).max().orElse(1);
        boolean both = options.threads().contains(1) && most > 1;
        AlternatingScaling scaling = both ? measureScaling(definition, most, trainBatch, inferenceBatch, gemm) : null;
        IndependentCopies copies = null;
        if (both) {
            progress.printf(Locale.ROOT, "bench: %s, 1 copy alone, %d copies at once, %d threads, %d replicas: %d rounds...%n",
                    definition.name(), most, most, most, COPIES_ROUNDS);
            copies = CopiesRounds.measure(definition, most, trainBatch, gemm, options.seed(), options.seconds() / 2,
                    COPIES_ROUNDS);
        }
        return new ModelResult(definition.name(), file.toString(), parameters, trainable, trainBatch, inferenceBatch,
                runs, scaling, copies);
    }

    /** {@link AlternatingScaling}: the model at 1 and at {@code threads} threads, taking turns. */
    private AlternatingScaling measureScaling(ModelDefinition definition, int threads, int trainBatch, int inferenceBatch,
                                              Gemm gemm) {
        progress.printf(Locale.ROOT, "bench: %s, 1 and %d thread(s) taking turns of %d steps: training and inference...%n",
                definition.name(), threads, TURN_STEPS);
        try (KernelExecutor one = new KernelExecutor(1);
             KernelExecutor many = new KernelExecutor(threads)) {
            // a model per executor: per-slot workspaces are sized for its thread count
            Model[] models = {definition.build(options.seed()), definition.build(options.seed())};
            StepContext[] contexts = {new StepContext(one, gemm), new StepContext(many, gemm)};
            Trainer[] trainers = new Trainer[2];
            for (int side = 0; side < 2; side++) {
                trainers[side] = trainer(models[side], contexts[side]);
            }
            SplittableRandom random = new SplittableRandom(options.seed());
            Tensor trainInputs = randomImages(models[0], trainBatch, random);
            Targets targets = randomTargets(models[0], trainBatch, random);
            Tensor inferenceInputs = randomImages(models[0], inferenceBatch, random);
            StepTimes[] training = alternate(side -> {
                trainers[side].computeGradients(trainInputs, targets, 0);
                trainers[side].applyGradients();
            });
            StepTimes[] inference = alternate(side -> trainers[side].predictBatch(inferenceInputs));
            return AlternatingScaling.of(threads, Throughput.of(trainBatch, training[0]),
                    Throughput.of(trainBatch, training[1]), Throughput.of(inferenceBatch, inference[0]),
                    Throughput.of(inferenceBatch, inference[1]));
        }
    }

    /**
     * Warms both sides up, then runs {@code step} for side 0 and side 1 in turns of {@link #TURN_STEPS}
     * steps for twice the measurement time (two turns each at least); the first {@link #SETTLE_STEPS}
     * of each turn are not counted.
     */
    private StepTimes[] alternate(IntConsumer step) {
        for (int side = 0; side < 2; side++) {
            final int s = side;
            StepTimes.measure(() -> step.accept(s), options.warmupSeconds(), 0, 1);
        }
        StepTimes[] times = {new StepTimes(), new StepTimes()};
        long end = System.nanoTime() + (long) (2 * options.seconds() * 1e9);
        for (int i = 0; i < 4 * TURN_STEPS || System.nanoTime() < end || i % TURN_STEPS != 0; i++) {
            int side = (i / TURN_STEPS) % 2;
            long start = System.nanoTime();
            step.accept(side);
            if (i % TURN_STEPS >= SETTLE_STEPS) {
                times[side].add(System.nanoTime() - start);
            }
        }
        return times;
    }

    /** A trainer as the benchmark trains: sparse categorical cross-entropy, Adam, no metrics. */
    static Trainer trainer(Model model, StepContext ctx) {
        return new Trainer(model, new SparseCategoricalCrossentropy(), new Adam(), List.of(), ctx);
    }

    /** Uniformly random labels for {@code n} samples. */
    static Targets randomTargets(Model model, int n, SplittableRandom random) {
        int classes = model.outputShape().size();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(classes);
        }
        return Targets.ofLabels(labels, n, classes);
    }

    /** A batch of {@code n} images with pixels uniform in [0, 1), as a normalized data set delivers them. */
    static Tensor randomImages(Model model, int n, SplittableRandom random) {
        Tensor t = new Tensor(model.inputShape(), n);
        float[] d = t.data();
        for (int i = 0; i < t.size(); i++) {
            d[i] = (float) random.nextDouble();
        }
        return t;
    }

    private Gemm peakGemm(Gemm underTest) {
        if (underTest instanceof NativeGemm) {
            return underTest;
        }
        try {
            return NativeGemm.loadNative();
        } catch (Throwable noNative) {
            progress.println("bench: native BLAS not available (" + noNative + "); the peak is measured with "
                    + underTest.name());
            return underTest;
        }
    }

    private static Map<String, Object> environment(Gemm gemm) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("cpu", cpuModel());
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("gemm", gemm.name());
        env.put("openblas_num_threads", String.valueOf(System.getenv("OPENBLAS_NUM_THREADS")));
        env.put("openblas_coretype", String.valueOf(System.getenv("OPENBLAS_CORETYPE")));
        env.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        env.put("time", OffsetDateTime.now().toString());
        return env;
    }

    /** The "model name" line of /proc/cpuinfo, or the JVM's architecture where there is none. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }
}
