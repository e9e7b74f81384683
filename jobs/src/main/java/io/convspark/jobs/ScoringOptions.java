package io.convspark.jobs;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of {@code convspark predict --input PATH}: batch scoring of image files or Parquet on Spark. */
final class ScoringOptions {
    @Option(names = "--input", required = true, description = "Images to score on any Hadoop file system: a directory "
            + "(searched recursively) or glob of PNG/JPEG files, or Parquet")
    String input;

    @Option(names = "--input-format", defaultValue = "auto", description = "auto (parquet when the path ends in "
            + ".parquet or holds .parquet files, else binaryFile), binaryFile, image (Spark's image source) or "
            + "parquet (default: ${DEFAULT-VALUE})")
    String inputFormat;

    @Option(names = "--features-col", description = "Column holding the images (default: content for binaryFile, "
            + "image for image; for Parquet the one binary, array or image column)")
    String featuresCol;

    @Option(names = "--binary-format", defaultValue = "auto", description = "Binary images: auto, encoded or raw "
            + "(C*H*W uint8, channel-major) (default: ${DEFAULT-VALUE})")
    String binaryFormat;

    @Option(names = "--glob", description = "Only files whose name matches, e.g. '*.png' (binaryFile/image)")
    String glob;

    @Option(names = "--handle-invalid", defaultValue = "error", description = "Unreadable or ill-fitting images: "
            + "error, skip (counted) or keep (null prediction, reason in column error) (default: ${DEFAULT-VALUE})")
    String handleInvalid;

    @Option(names = "--resize", description = "Scale images of another size to the model's (bilinear)")
    boolean resize;

    @Option(names = "--convert-color", description = "Convert colour to grey or grey to colour to match the model")
    boolean convertColor;

    @Option(names = "--top-k", defaultValue = "0", description = "Also write the K most probable classes (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--tasks-per-core", defaultValue = "2", description = "Scoring tasks per core: more show finer "
            + "progress and balance uneven cores, fewer cost less start-up (a Parquet writer and commit each; "
            + "default: ${DEFAULT-VALUE})")
    int tasksPerCore;

    @Option(names = "--repeat", defaultValue = "1", description = "Score the input this many times in one Spark "
            + "application, printing each pass and reporting the last (a benchmark of warm executors: the first pass "
            + "also pays the JVM's compilation of Spark's and convspark's code); the last pass's output is kept "
            + "(default: ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--overwrite", description = "Replace an existing --output (only once the new one is complete)")
    boolean overwrite;

    @Option(names = "--master", description = "Spark master URL (default: the one spark-submit set, else local[*] embedded)")
    String master;

    @Option(names = "--conf", description = "Spark setting KEY=VALUE (repeatable), as spark-submit's --conf")
    List<String> conf = new ArrayList<>();
}
