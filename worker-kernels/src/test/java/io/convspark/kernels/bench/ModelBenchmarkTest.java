package io.convspark.kernels.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A very short end-to-end run on lenet5 at 1 and 2 threads with the plain Java GEMM. */
class ModelBenchmarkTest {
    private static final Path LENET5 = Paths.get("..", "conf", "models", "lenet5.json");

    @Test
    void measuresEveryLayerAndWritesReadableJson(@TempDir Path tmp) throws Exception {
        BenchOptions options = new BenchOptions(List.of(LENET5), List.of(1, 2), "java", 0.05, 0.01, null, 32, 64, 7L);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        BenchReport report = new ModelBenchmark(options, new PrintStream(progress, true, StandardCharsets.UTF_8)).run();

        assertEquals(2, report.sgemmPeak().size());
        assertEquals("java", report.environment().get("gemm"));
        assertTrue(report.sgemmPeak().get(0).gflops() > 0);
        assertEquals(2, report.fmaPeak().size());
        assertTrue(report.fmaPeak().get(1).gflops() > 0 && report.fmaPeak().get(1).vectorBits() >= 64);
        assertEquals(List.of(1, 2), report.memoryBandwidth().stream().map(MemoryBandwidth::threads).toList());
        assertTrue(report.memoryBandwidth().get(0).gbPerSecond() > 0);
        ModelResult lenet = report.models().get(0);
        assertEquals("lenet5", lenet.model());
        assertEquals(61_706, lenet.parameters());
        assertEquals(64, lenet.trainBatch());
        assertEquals(32, lenet.inferenceBatch());
        assertEquals(2, lenet.runs().size());
        for (ModelRun run : lenet.runs()) {
            assertTrue(run.training().imagesPerSecond() > 0 && run.training().steps() >= 3, run.training().toString());
            assertTrue(run.inference().imagesPerSecond() > 0, run.inference().toString());
            assertEquals(8, run.layers().size());
            LayerTiming conv = run.layers().get(0);
            assertEquals("Conv2D/direct-p", conv.type());
            assertEquals(List.of(6, 28, 28), conv.outputShape());
            assertTrue(!conv.inputGradient() && conv.backwardGflop() == conv.forwardGflop(), conv.toString());
            assertTrue(conv.forwardGflops() > 0 && conv.forwardPeakShare() > 0, conv.toString());
            LayerTiming conv1 = run.layers().get(2);
            assertEquals("Conv2D/direct-f", conv1.type());
            assertTrue(conv1.inputGradient() && conv1.backwardGflop() == 2 * conv1.forwardGflop(), conv1.toString());
            LayerTiming pool = run.layers().get(1);
            assertEquals(0.0, pool.forwardGflop());
            assertTrue(pool.forwardMs() > 0 && pool.backwardMs() > 0, pool.toString());
        }
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("lenet5, 2 thread(s): training"));
        // 1 and 2 threads taking turns: both measured, the ratios from the medians
        AlternatingScaling scaling = lenet.scaling();
        assertEquals(2, scaling.threads());
        assertTrue(scaling.trainingOne().steps() >= 12 && scaling.trainingMany().steps() >= 12, scaling.toString());
        assertEquals(scaling.trainingMany().imagesPerSecond() / scaling.trainingOne().imagesPerSecond(),
                scaling.trainingScaling(), 1e-12);
        assertTrue(scaling.inferenceScaling() > 0, scaling.toString());
        assertTrue(BenchTable.render(report).contains("lenet5, 1 and 2 thread(s) taking turns of 10 steps: training "),
                BenchTable.render(report));
        // 2 independent 1-thread copies at once, against one alone and the model at 2 threads
        IndependentCopies copies = lenet.copies();
        assertEquals(2, copies.threads());
        assertEquals(ModelBenchmark.COPIES_ROUNDS, copies.rounds());
        assertTrue(copies.alone() > 0 && copies.copies() > 0 && copies.manyThreads() > 0 && copies.replicas() > 0,
                copies.toString());
        assertEquals(copies.replicas() / copies.alone(), copies.replicaScaling(), 1e-12);
        assertEquals(copies.replicaScaling() / copies.ceiling(), copies.replicaShareOfCeiling(), 1e-12);
        assertEquals(copies.copies() / copies.alone(), copies.ceiling(), 1e-12);
        assertEquals(copies.manyThreads() / copies.alone(), copies.scaling(), 1e-12);
        assertEquals(copies.scaling() / copies.ceiling(), copies.shareOfCeiling(), 1e-12);
        assertTrue(BenchTable.render(report).contains("lenet5, 2 independent 1-thread copies at once (what the host "
                + "allows 2 cores on this model): "), BenchTable.render(report));

        Path json = tmp.resolve("out/ours.json");
        report.writeJson(json);
        BenchReport back = BenchReport.readJson(json);
        assertEquals(report.models(), back.models());
        assertEquals(report.sgemmPeak(), back.sgemmPeak());
        assertEquals(report.fmaPeak(), back.fmaPeak());
        assertEquals(report.memoryBandwidth(), back.memoryBandwidth());
        assertTrue(BenchTable.render(report).contains("memory stream (read + write, own arrays, 2 thread(s))"));
        assertTrue(report.toJson().contains("\"images_per_second\""));
        assertTrue(report.toJson().contains("\"forward_peak_share\""));

        String table = BenchTable.render(report);
        assertTrue(table.contains("lenet5 (61,706 params), 2 thread(s)"), table);
        assertTrue(table.contains("conv2d_1"), table);
    }

    @Test
    void badOptionsNameTheField() {
        IllegalArgumentException gemm = assertThrows(IllegalArgumentException.class,
                () -> new BenchOptions(List.of(LENET5), List.of(1), "mkl", 1, 1, null, 256, 512, 1));
        assertTrue(gemm.getMessage().contains("gemm: expected one of auto, native, vector, java; got 'mkl'"));
        IllegalArgumentException threads = assertThrows(IllegalArgumentException.class,
                () -> new BenchOptions(List.of(LENET5), List.of(0), "java", 1, 1, null, 256, 512, 1));
        assertTrue(threads.getMessage().contains("threads"));
        IllegalArgumentException seconds = assertThrows(IllegalArgumentException.class,
                () -> new BenchOptions(List.of(LENET5), List.of(1), "java", 0, 1, null, 256, 512, 1));
        assertTrue(seconds.getMessage().contains("seconds"));
        assertEquals(50, BenchOptions.defaults(List.of(LENET5), List.of(1)).trainBatchFor("cifar10-alzahrani"));
        assertEquals(64, BenchOptions.defaults(List.of(LENET5), List.of(1)).trainBatchFor("mnist-suo"));
    }
}
