package io.convspark.jobs;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;

/**
 * The driver's view of a scoring job: a bar of finished tasks with the images scored so far and the rate,
 * redrawn in place on a terminal, or a plain line every 10 s in logs. Images are counted as tasks end (Spark
 * merges accumulators then), so the job is cut into several tasks per core.
 */
final class ScoringProgress extends SparkListener {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final LongAccumulator scored;
    private final long start = System.nanoTime();
    private final AtomicInteger tasks = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private long lastPlain;

    ScoringProgress(PrintStream out, boolean terminal, LongAccumulator scored) {
        this.out = out;
        this.terminal = terminal;
        this.scored = scored;
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted stage) {
        tasks.addAndGet(stage.stageInfo().numTasks());
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd task) {
        int d = done.incrementAndGet();
        long now = System.nanoTime();
        if (terminal) {
            out.print("\r" + line(d, now));
            out.flush();
        } else if (now - lastPlain > 10_000_000_000L || d == tasks.get()) {
            lastPlain = now;
            out.println(line(d, now));
        }
    }

    synchronized void finish() {
        if (terminal) {
            out.println();
        }
    }

    private String line(int d, long now) {
        int total = Math.max(d, tasks.get());
        int filled = (int) ((long) WIDTH * d / total);
        double seconds = (now - start) / 1e9;
        long images = scored.value();
        return String.format(Locale.ROOT, "[%s%s] %d/%d tasks - %,d images - %.0f images/s - %.0fs",
                "=".repeat(filled), " ".repeat(WIDTH - filled), d, total, images, images / Math.max(1e-9, seconds),
                seconds);
    }
}
