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

/**
 * Measures models the way they train: for each model and thread count, the images/s of a full
 * training step (forward, sparse categorical cross-entropy fused with the softmax, backward, Adam
 * update) on a synthetic random batch, the images/s of inference, and every layer's forward and
 * backward GFLOP/s relative to the sgemm peak measured in the same run ({@link SgemmPeak}).
 *
 * <p>Each thread count gets its own executor and a freshly built model (same seed), so per-slot
 * workspaces are sized for it. The peak is measured with the native back-end when it loads (the
 * fastest GEMM of the machine), otherwise with the back-end under test.
 */
public final class ModelBenchmark {
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
                Trainer trainer = new Trainer(model, new SparseCategoricalCrossentropy(), new Adam(), List.of(), ctx);
                SplittableRandom random = new SplittableRandom(options.seed());
                int classes = model.outputShape().size();

                Tensor trainInputs = randomImages(model, trainBatch, random);
                int[] labels = new int[trainBatch];
                for (int n = 0; n < trainBatch; n++) {
                    labels[n] = random.nextInt(classes);
                }
                Targets targets = Targets.ofLabels(labels, trainBatch, classes);
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
        return new ModelResult(definition.name(), file.toString(), parameters, trainable, trainBatch, inferenceBatch,
                runs);
    }

    /** A batch of {@code n} images with pixels uniform in [0, 1), as a normalized data set delivers them. */
    private static Tensor randomImages(Model model, int n, SplittableRandom random) {
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
