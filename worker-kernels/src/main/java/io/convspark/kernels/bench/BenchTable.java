package io.convspark.kernels.bench;

import java.util.List;
import java.util.Locale;

/** Renders a {@link BenchReport} as plain-text tables. */
public final class BenchTable {
    private BenchTable() {
    }

    public static String render(BenchReport report) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s benchmark: %s, %s core(s), GEMM %s; %.1f s per measurement "
                        + "after %.1f s warm-up (then until the JIT is quiet); throughput = batch / median step time%n",
                report.engine(), report.environment().getOrDefault("cpu", "unknown CPU"),
                report.environment().getOrDefault("cores", "?"), report.environment().getOrDefault("gemm", "?"),
                report.seconds(), report.warmupSeconds()));
        for (SgemmPeak p : report.sgemmPeak()) {
            sb.append(String.format(Locale.ROOT, "sgemm peak (%s, %dx%dx%d, %d thread(s)): %.1f GFLOP/s (%.1f per thread)%n",
                    p.gemm(), p.size(), p.size(), p.size(), p.threads(), p.gflops(), p.perThreadGflops()));
        }
        for (FmaPeak p : report.fmaPeak()) {
            sb.append(String.format(Locale.ROOT, "FMA peak (%d-bit vectors, %d thread(s)): %.1f GFLOP/s (%.1f per thread)%n",
                    p.vectorBits(), p.threads(), p.gflops(), p.perThreadGflops()));
        }
        for (MemoryBandwidth b : report.memoryBandwidth()) {
            sb.append(String.format(Locale.ROOT, "memory stream (read + write, own arrays, %d thread(s)): %.1f GB/s (%.1f per thread)%n",
                    b.threads(), b.gbPerSecond(), b.perThreadGbPerSecond()));
        }
        Object coretype = report.environment().get("openblas_coretype");
        if (coretype != null && !"null".equals(coretype)) {
            sb.append("note: OPENBLAS_CORETYPE=").append(coretype).append(" forces OpenBLAS' kernels for that CPU type; "
                    + "the sgemm peak may be below what the cores can do (compare with the FMA peak)\n");
        }
        for (ModelResult m : report.models()) {
            for (ModelRun r : m.runs()) {
                sb.append(String.format(Locale.ROOT, "%n%s (%,d params), %d thread(s)%n", m.model(), m.parameters(),
                        r.threads()));
                sb.append(throughputLine("training ", r.training()));
                sb.append(throughputLine("inference", r.inference()));
                sb.append(layerTable(r.layers()));
            }
            AlternatingScaling sc = m.scaling();
            if (sc != null) {
                sb.append(String.format(Locale.ROOT, "%n%s, 1 and %d thread(s) taking turns of %d steps: training "
                                + "%.2fx (median step %.2f / %.2f ms), inference %.2fx (%.2f / %.2f ms)%n", m.model(),
                        sc.threads(), ModelBenchmark.TURN_STEPS, sc.trainingScaling(), sc.trainingOne().medianMs(),
                        sc.trainingMany().medianMs(), sc.inferenceScaling(), sc.inferenceOne().medianMs(),
                        sc.inferenceMany().medianMs()));
            }
            IndependentCopies ic = m.copies();
            if (ic != null) {
                sb.append(String.format(Locale.ROOT, "%s, %d independent 1-thread copies at once (what the host allows "
                                + "%d cores on this model): %.2fx the training images/s of one alone; in the same "
                                + "rounds, %d kernel threads: %.2fx (%.0f%% of that), %d replicas sharing each batch: "
                                + "%.2fx (%.0f%%) (wall-clock, %d rounds; alone %,.0f, copies %,.0f, threads %,.0f, "
                                + "replicas %,.0f images/s)%n", m.model(), ic.threads(), ic.threads(), ic.ceiling(),
                        ic.threads(), ic.scaling(), 100 * ic.shareOfCeiling(), ic.threads(), ic.replicaScaling(),
                        100 * ic.replicaShareOfCeiling(), ic.rounds(), ic.alone(), ic.copies(), ic.manyThreads(),
                        ic.replicas()));
            }
        }
        return sb.toString();
    }

    private static String throughputLine(String what, Throughput t) {
        return String.format(Locale.ROOT, "  %s batch %3d: %,9.0f images/s (median step %.2f ms, min %.2f, max %.2f; "
                + "%d steps, mean %,.0f images/s)%n", what, t.batch(), t.imagesPerSecond(), t.medianMs(), t.minMs(),
                t.maxMs(), t.steps(), t.meanImagesPerSecond());
    }

    private static String layerTable(List<LayerTiming> layers) {
        double total = 0;
        for (LayerTiming l : layers) {
            total += l.forwardMs() + l.backwardMs();
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "  %-22s %-24s %-16s %9s %8s %6s %9s %9s %8s %6s %6s%n", "layer", "type", "output", "fwd ms", "GFLOP/s",
                "%peak", "infer ms", "bwd ms", "GFLOP/s", "%peak", "%time"));
        for (LayerTiming l : layers) {
            sb.append(String.format(Locale.ROOT, "  %-22s %-24s %-16s %9.3f %8s %6s %9.3f %9.3f %8s %6s %5.1f%%%n",
                    l.name(), l.type(), shape(l.outputShape()),
                    l.forwardMs(), gflops(l.forwardGflop(), l.forwardGflops()), share(l.forwardGflop(), l.forwardPeakShare()),
                    l.inferenceMs(), l.backwardMs(), gflops(l.backwardGflop(), l.backwardGflops()),
                    share(l.backwardGflop(), l.backwardPeakShare()),
                    100 * (l.forwardMs() + l.backwardMs()) / total));
        }
        return sb.toString();
    }

    private static String shape(List<Integer> dims) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(dims.get(i));
        }
        return sb.append(')').toString();
    }

    private static String gflops(double gflop, double gflops) {
        return gflop == 0 ? "-" : String.format(Locale.ROOT, "%.1f", gflops);
    }

    private static String share(double gflop, double share) {
        return gflop == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * share);
    }
}
