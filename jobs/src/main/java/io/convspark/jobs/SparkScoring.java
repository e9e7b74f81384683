package io.convspark.jobs;

import io.convspark.driver.ml.ConvNetClassificationModel;
import io.convspark.driver.ml.ImageColumn;
import io.convspark.driver.ml.ScoringCounters;
import io.convspark.driver.spark.NioLocalFileSystem;
import io.convspark.kernels.model.io.SavedModel;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code convspark predict --input PATH --output PATH}: scores image files ({@code binaryFile} or Spark's image
 * source) or Parquet with a saved model on Spark through {@link ConvNetClassificationModel} (the model
 * broadcast once, tasks scoring in mini-batches on their cores, nothing collected to the driver) and writes
 * Parquet: the input's identifying columns (path, or the Parquet input's scalar columns), {@code prediction}
 * and {@code probabilities} (and {@code topK}, {@code error} when asked for).
 */
final class SparkScoring {
    /**
     * Local files ({@code file:}) are read through Hadoop's raw local file system: the default one is a
     * checksum file system that looks for a {@code .crc} side file next to every file it opens, which
     * folders of images never have. With one small file per image that second lookup doubled the
     * read time (10,000 MNIST PNGs on local[2]: 9.1 s of task time to 4.5 s). Parquet written by Spark
     * keeps its own page checksums. {@link NioLocalFileSystem} also sets permissions without forking
     * {@code chmod}. {@code --conf spark.hadoop.fs.file.impl=...} overrides it.
     */
    static final String LOCAL_FILE_SYSTEM_KEY = "spark.hadoop.fs.file.impl";

    /**
     * Parquet dictionary encoding off for the output, except for {@code prediction}: paths and probabilities
     * are (nearly) all distinct, so the writer filled a dictionary per column for every page and then fell
     * back to plain encoding. A JFR profile of 10,000 MNIST PNGs scored on local[2] put 6% of the tasks'
     * samples in that dictionary work (hashing paths and floats).
     */
    static final Map<String, String> OUTPUT_PARQUET_OPTIONS = Map.of(
            "parquet.enable.dictionary", "false",
            "parquet.enable.dictionary#prediction", "true");

    private SparkScoring() {
    }

    /** Figures of one scoring run, for the console and for metrics. */
    record Outcome(long scored, long invalid, double seconds, long peakHeapBytes, long maxHeapBytes, int tasks) {
        double imagesPerSecond() {
            return scored / seconds;
        }
    }

    static Outcome run(SavedModel saved, ScoringOptions o, String output, int batchSize, PrintStream console)
            throws IOException {
        SparkConf conf = SparkJob.conf("convspark predict", o.master, o.conf, "local[*]");
        conf.setIfMissing(LOCAL_FILE_SYSTEM_KEY, NioLocalFileSystem.class.getName());
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            spark.sparkContext().setLogLevel("WARN");
            OutputDirectory out = new OutputDirectory(output, spark.sparkContext().hadoopConfiguration());
            out.checkWritable(o.overwrite);
            String format = format(o, spark);
            int cores = spark.sparkContext().defaultParallelism();
            int wanted = Math.max(1, cores * Math.max(1, o.tasksPerCore));
            sizeSplits(spark, o.input, wanted);
            Dataset<Row> frame = read(spark, format, o);
            String features = o.featuresCol != null ? o.featuresCol : featuresColumn(format, frame.schema());
            int partitions = frame.rdd().getNumPartitions();
            if (partitions > wanted) {
                frame = frame.coalesce(wanted);
            }
            ConvNetClassificationModel model = ConvNetClassificationModel.fromModelFile(saved)
                    .setFeaturesCol(features).setRawPredictionCol("").setInferenceBatchSize(batchSize)
                    .setHandleInvalid(o.handleInvalid).setBinaryFormat(o.binaryFormat).setResize(o.resize)
                    .setConvertColor(o.convertColor).setTopK(o.topK);
            Dataset<Row> scored = model.transform(frame);
            ScoringCounters counters = model.lastCounters();
            Dataset<Row> result = scored.select(outputColumns(format, frame.schema(), features, o));
            console.printf(Locale.ROOT, "Scoring %s (%s, column '%s', %d partition(s)) with '%s' on %s, %d core(s), "
                            + "batch %d%n", o.input, format, features, Math.min(partitions, wanted),
                    saved.model().name(), conf.get("spark.master"), cores, batchSize);
            ScoringProgress progress = new ScoringProgress(console, System.console() != null, counters.scored());
            spark.sparkContext().addSparkListener(progress);
            HeapWatch heap = new HeapWatch();
            int passes = Math.max(1, o.repeat);
            long images = 0;
            long invalid = 0;
            double seconds = 0;
            String taskTimes = "";
            try {
                for (int pass = 1; pass <= passes; pass++) {
                    long scoredBefore = counters.scoredImages();
                    long invalidBefore = counters.invalidImages();
                    long[] timesBefore = counters.phaseNanos();
                    long start = System.nanoTime();
                    out.write(dir -> result.write().options(OUTPUT_PARQUET_OPTIONS).parquet(dir.toString()),
                            o.overwrite || pass > 1);
                    seconds = (System.nanoTime() - start) / 1e9;
                    images = counters.scoredImages() - scoredBefore;
                    invalid = counters.invalidImages() - invalidBefore;
                    taskTimes = counters.taskTimesSince(timesBefore);
                    if (passes > 1) {
                        progress.finish();
                        console.printf(Locale.ROOT, "Pass %d of %d: %,d images in %.2f s (%.0f images/s); task time: "
                                + "%s%n", pass, passes, images, seconds, images / seconds, taskTimes);
                    }
                }
            } catch (UserError e) {
                throw e;
            } catch (Exception e) { // a failed Spark job arrives as an undeclared SparkException
                throw new UserError("scoring failed: " + cause(e));
            } finally {
                heap.stop();
                progress.finish();
                spark.sparkContext().removeSparkListener(progress);
            }
            console.println("Task time" + (passes > 1 ? " (last pass)" : "") + ": " + taskTimes);
            return new Outcome(images, invalid, seconds, heap.peak(), heap.max(), Math.min(partitions, wanted));
        } finally {
            spark.stop();
        }
    }

    private static String format(ScoringOptions o, SparkSession spark) throws IOException {
        switch (o.inputFormat) {
            case "binaryFile", "image", "parquet" -> {
                return o.inputFormat;
            }
            case "auto" -> {
                if (o.input.endsWith(".parquet")) {
                    return "parquet";
                }
                Path p = new Path(o.input);
                FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
                if (fs.exists(p) && fs.getFileStatus(p).isDirectory()) {
                    for (FileStatus f : fs.listStatus(p)) {
                        if (f.getPath().getName().endsWith(".parquet")) {
                            return "parquet";
                        }
                    }
                } else if (!fs.exists(p) && fs.globStatus(p) == null) {
                    throw new UserError("--input: " + o.input + " does not exist");
                }
                return "binaryFile";
            }
            default -> throw new UserError("--input-format: expected auto, binaryFile, image or parquet, got '"
                    + o.inputFormat + "'");
        }
    }

    /**
     * A folder of at least this many files per task is split by file count (see {@link #sizeSplits}); fewer,
     * larger files (Parquet) by bytes.
     */
    static final int FILES_PER_TASK_TO_SPLIT_BY_COUNT = 16;
    /** The cost of opening a file, in average file lengths, when splitting by file count. */
    static final int OPEN_COST_BY_COUNT = 16;

    /**
     * Sizes the file splits so the input becomes about {@code tasks} equal partitions: Spark's defaults (128 MB
     * splits, a 4 MB cost per file) make a few unequal tasks of a Parquet file and hundreds of tiny ones of a
     * folder of small PNGs.
     *
     * <p>A folder of many image files is split into equal numbers of files rather than bytes: every image costs
     * about the same to score (the network's forward pass on the model's input size), whatever its file size,
     * and Spark fills the first partitions with the largest files. Split by bytes, 10,000 MNIST PNGs made 8
     * partitions of 1,127 to 1,470 images, and the last task ran alone for ~10% of each pass. The open cost is
     * set to {@value #OPEN_COST_BY_COUNT} average file lengths, which leaves the lengths a small share of each
     * file's cost.
     */
    static void sizeSplits(SparkSession spark, String input, int tasks) throws IOException {
        Path p = new Path(input);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        FileStatus root;
        try {
            root = fs.getFileStatus(p);
        } catch (java.io.FileNotFoundException glob) {
            return; // a glob: Spark's defaults
        }
        long files = 0;
        long bytes = 0;
        int rootDepth = root.isDirectory() ? p.depth() : p.depth() - 1;
        for (RemoteIterator<LocatedFileStatus> it = fs.listFiles(p, true); it.hasNext(); ) {
            LocatedFileStatus f = it.next();
            if (readBySpark(f.getPath(), rootDepth)) {
                files++;
                bytes += f.getLen();
            }
        }
        files = Math.max(1, files);
        boolean byCount = files >= (long) FILES_PER_TASK_TO_SPLIT_BY_COUNT * tasks;
        long openCost = Math.max(1, bytes / files) * (byCount ? OPEN_COST_BY_COUNT : 1);
        long perTask = (bytes + files * openCost) / tasks + 1;
        spark.conf().set("spark.sql.files.openCostInBytes", openCost);
        spark.conf().set("spark.sql.files.maxPartitionBytes", Math.max(perTask, openCost));
    }

    /**
     * False for the files Spark's file sources skip: a name, or a folder's name below the input, that starts
     * with '.' or '_' (Hadoop's {@code .crc} side files, {@code _SUCCESS}). Counting the 21 side files of a
     * 20-file Parquet folder halved the average file length: its splits took 7, 7 and 6 files, and the third
     * task ran alone on one of the 2 cores for about a quarter of the run.
     */
    static boolean readBySpark(Path file, int rootDepth) {
        for (Path q = file; q != null && q.depth() > rootDepth; q = q.getParent()) {
            String name = q.getName();
            if (name.startsWith(".") || name.startsWith("_")) {
                return false;
            }
        }
        return true;
    }

    private static Dataset<Row> read(SparkSession spark, String format, ScoringOptions o) {
        DataFrameReader reader = spark.read().format(format);
        if (!format.equals("parquet")) {
            reader = reader.option("recursiveFileLookup", "true");
            if (o.glob != null) {
                reader = reader.option("pathGlobFilter", o.glob);
            }
        }
        return reader.load(o.input);
    }

    private static String featuresColumn(String format, StructType schema) {
        if (format.equals("binaryFile")) {
            return "content";
        }
        if (format.equals("image")) {
            return "image";
        }
        List<String> candidates = new ArrayList<>();
        for (StructField f : schema.fields()) {
            try {
                ImageColumn.of(schema, f.name());
                candidates.add(f.name());
            } catch (IllegalArgumentException notImages) {
                // a scalar column: kept as an identifier
            }
        }
        if (candidates.size() != 1) {
            throw new UserError("--features-col: the Parquet input has " + (candidates.isEmpty() ? "no" : "several")
                    + " image-like columns " + candidates + " among " + List.of(schema.fieldNames())
                    + "; name the one to score");
        }
        return candidates.get(0);
    }

    private static Column[] outputColumns(String format, StructType input, String features, ScoringOptions o) {
        List<Column> cols = new ArrayList<>();
        if (format.equals("image")) {
            cols.add(functions.col("image.origin").as("path"));
        }
        for (StructField f : input.fields()) {
            boolean scalar = !(f.dataType() instanceof StructType) && !f.name().equals(features)
                    && !f.name().equals("content") && !f.dataType().typeName().equals("binary")
                    && !f.dataType().typeName().equals("array");
            if (scalar) {
                cols.add(functions.col(f.name()));
            }
        }
        cols.add(functions.col("prediction").cast("int").as("prediction"));
        cols.add(functions.when(functions.col("probability").isNull(), functions.lit(null))
                .otherwise(org.apache.spark.ml.functions.vector_to_array(functions.col("probability"), "float32"))
                .as("probabilities"));
        if (o.topK > 0) {
            cols.add(functions.col("topK"));
        }
        if (o.handleInvalid.equals("keep")) {
            cols.add(functions.col("error"));
        }
        return cols.toArray(new Column[0]);
    }

    /** The message of the first of our own exceptions in the chain (a task's), else the innermost one. */
    private static String cause(Throwable e) {
        Throwable innermost = e;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof IllegalArgumentException && c.getMessage() != null
                    && c.getMessage().startsWith("cannot score image")) {
                return c.getMessage();
            }
            innermost = c;
        }
        return innermost.getMessage();
    }

    /** Samples this JVM's heap use while the job runs (in local mode the driver is the executor). */
    private static final class HeapWatch {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final AtomicLong peak = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        HeapWatch() {
            thread = new Thread(() -> {
                while (running) {
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "convspark-heap-watch");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            running = false;
            thread.interrupt();
        }

        long peak() {
            return peak.get();
        }

        long max() {
            return memory.getHeapMemoryUsage().getMax();
        }
    }
}
