package io.convspark.jobs;

import io.convspark.kernels.bench.BenchOptions;
import io.convspark.kernels.bench.BenchReport;
import io.convspark.kernels.bench.BenchTable;
import io.convspark.kernels.bench.CourseModels;
import io.convspark.kernels.bench.ModelBenchmark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code convspark bench}: training and inference images/s of the course models, per-layer
 * GFLOP/s and share of the measured sgemm peak, at each thread count; a table on stdout and all
 * figures as JSON. {@code bench/run} puts it side by side with PyTorch.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the CPU kernels: training/inference images/s, per-layer GFLOP/s, sgemm peak.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--models", split = ",", description = "Model names in conf/models or JSON files "
            + "(default: mnist-deitel,mnist-suo,lenet5,cifar10-alzahrani)")
    List<String> models;

    @Option(names = "--threads", defaultValue = "1,all", description = "Thread counts, 'all' = every core (default: ${DEFAULT-VALUE}); with 1 and more, the scaling is also measured with the two taking turns, and against as many independent 1-thread copies of the model at once")
    String threads;

    @Option(names = "--gemm", defaultValue = "auto", description = "GEMM back-end: auto, native, vector, java (default: ${DEFAULT-VALUE})")
    String gemm;

    @Option(names = "--seconds", defaultValue = "5", description = "Seconds per timed measurement (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--warmup", defaultValue = "2", description = "Warm-up seconds before each throughput measurement, then on until the JIT is quiet (default: ${DEFAULT-VALUE})")
    double warmup;

    @Option(names = "--batch-size", description = "Training batch for every model (default: 64; 50 for cifar10-alzahrani)")
    Integer batchSize;

    @Option(names = "--inference-batch", defaultValue = "" + CourseModels.INFERENCE_BATCH, description = "Inference batch (default: ${DEFAULT-VALUE})")
    int inferenceBatch;

    @Option(names = "--peak-size", defaultValue = "512", description = "m = n = k of the sgemm measuring the peak (default: ${DEFAULT-VALUE})")
    int peakSize;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of weights and synthetic data (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", description = "JSON file with all figures (default: runs/bench-TIMESTAMP.json)")
    Path out;

    @Override
    public Integer call() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String m : models == null ? CourseModels.NAMES : models) {
            files.add(resolveModel(m.trim()));
        }
        BenchOptions options = new BenchOptions(files, parseThreads(threads), gemm, seconds, warmup, batchSize,
                inferenceBatch, peakSize, seed);
        BenchReport report = new ModelBenchmark(options, System.err).run();
        System.out.print(BenchTable.render(report));
        Path json = out != null ? out : Paths.get("runs", "bench-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".json");
        report.writeJson(json);
        System.out.println("JSON: " + json);
        return 0;
    }

    /** A name in conf/models (under -Dconvspark.home, else the working directory) or a path to a JSON file. */
    static Path resolveModel(String m) {
        if (m.endsWith(".json") || m.contains("/")) {
            Path p = Paths.get(m);
            if (!Files.isRegularFile(p)) {
                throw new UserError("--models: no model definition file " + p);
            }
            return p;
        }
        Path dir = Paths.get(System.getProperty("convspark.home", "."), "conf", "models");
        Path p = dir.resolve(m + ".json");
        if (!Files.isRegularFile(p)) {
            throw new UserError("--models: no model '" + m + "' (looked for " + p + "); give a name of a file in "
                    + dir + " or a path to a JSON definition");
        }
        return p;
    }

    /** "1,all" -> [1, cores]; duplicates are dropped, order kept. */
    static List<Integer> parseThreads(String spec) {
        Set<Integer> result = new LinkedHashSet<>();
        for (String item : spec.split(",")) {
            String s = item.trim();
            if (s.equals("all")) {
                result.add(Runtime.getRuntime().availableProcessors());
                continue;
            }
            try {
                int t = Integer.parseInt(s);
                if (t < 1) {
                    throw new NumberFormatException();
                }
                result.add(t);
            } catch (NumberFormatException e) {
                throw new UserError("--threads: expected positive integers or 'all', separated by commas; got '"
                        + s + "' in '" + spec + "'");
            }
        }
        return new ArrayList<>(result);
    }
}
