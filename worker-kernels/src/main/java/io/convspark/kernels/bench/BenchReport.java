package io.convspark.kernels.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one benchmark run measured. Its JSON (snake_case keys) is the format that
 * {@code bench/pytorch_reference.py} also writes and {@code bench/compare.py} reads.
 *
 * @param engine       {@code convspark}
 * @param environment  machine, JVM and back-end facts (CPU model, cores, GEMM, OPENBLAS_NUM_THREADS, time)
 * @param seconds      length of each timed measurement
 * @param warmupSeconds untimed warm-up before each throughput measurement
 * @param sgemmPeak    the measured sgemm peak, one per thread count: what layer GFLOP/s are compared with
 * @param fmaPeak      the measured FMA ceiling of the cores, one per thread count
 * @param memoryBandwidth the measured streaming rate of the memory system, one per thread count
 * @param models       one per model
 */
public record BenchReport(String engine, Map<String, Object> environment, double seconds, double warmupSeconds,
                          List<SgemmPeak> sgemmPeak, List<FmaPeak> fmaPeak, List<MemoryBandwidth> memoryBandwidth,
                          List<ModelResult> models) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public BenchReport {
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        sgemmPeak = List.copyOf(sgemmPeak);
        fmaPeak = List.copyOf(fmaPeak);
        memoryBandwidth = memoryBandwidth == null ? List.of() : List.copyOf(memoryBandwidth);
        models = List.copyOf(models);
    }

    /** The peak measured at {@code threads}, or the single-thread peak times {@code threads} if it was not measured. */
    public double peakGflops(int threads) {
        for (SgemmPeak p : sgemmPeak) {
            if (p.threads() == threads) {
                return p.gflops();
            }
        }
        for (SgemmPeak p : sgemmPeak) {
            if (p.threads() == 1) {
                return p.gflops() * threads;
            }
        }
        throw new IllegalStateException("no sgemm peak was measured");
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@link #toJson()} to {@code file}, creating its directory. */
    public void writeJson(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Files.writeString(file, toJson() + "\n");
    }

    /** Reads a report written by {@link #writeJson}. */
    public static BenchReport readJson(Path file) throws IOException {
        return JSON.readValue(file.toFile(), BenchReport.class);
    }
}
