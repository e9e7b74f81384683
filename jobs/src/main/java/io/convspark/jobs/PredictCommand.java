package io.convspark.jobs;

import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.data.Normalizer;
import io.convspark.kernels.fs.AtomicFile;
import io.convspark.kernels.losses.Losses;
import io.convspark.kernels.model.io.ModelFile;
import io.convspark.kernels.model.io.SavedModel;
import io.convspark.kernels.optimizers.Optimizers;
import io.convspark.kernels.train.Trainer;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code convspark predict}, two ways:
 * <ul>
 *   <li>{@code --input PATH --output PATH}: batch scoring on Spark of image files or Parquet, written as
 *       Parquet ({@link SparkScoring});</li>
 *   <li>{@code --data FORMAT:DIR --output FILE.csv}: a saved model's outputs for every image of a data set
 *       split (Keras' {@code predict}), in one JVM with all cores, written atomically as CSV: {@code index,
 *       label, prediction, confidence, p0..pK}. Its images/s is the single-JVM reference of scoring.</li>
 * </ul>
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Predict with a saved model.",
            "  --input PATH --output DIR: score image files (PNG/JPEG) or Parquet on Spark, write Parquet.",
            "  --data FORMAT:DIR --output FILE.csv: predict a data set split in this JVM, write CSV."})
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model file written by train, e.g. runs/RUN/model.convspark")
    Path model;

    @Option(names = "--data", description = "FORMAT:DIR (a local directory or a Hadoop URI), e.g. mnist:data/mnist")
    String data;

    @ArgGroup(exclusive = false, heading = "Batch scoring on Spark (--input):%n")
    ScoringOptions scoring;

    @Option(names = "--split", defaultValue = "test", description = "test or train (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--output", required = true, description = "With --input: Parquet directory (any Hadoop URI); "
            + "with --data: CSV file (replaced atomically)")
    String output;

    @Option(names = "--batch-size", defaultValue = "256", description = "Inference batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Override
    public Integer call() throws IOException {
        if ((data == null) == (scoring == null)) {
            throw new UserError("give either --input (batch scoring on Spark) or --data (a data set split in this JVM)");
        }
        if (batchSize < 1) {
            throw new UserError("--batch-size must be >= 1, got " + batchSize);
        }
        if (!Files.isRegularFile(model)) {
            throw new UserError("--model: no such file " + model.toAbsolutePath());
        }
        return scoring != null ? score() : predictSplit(Path.of(output));
    }

    private int score() throws IOException {
        SavedModel saved = ModelFile.load(model);
        SparkScoring.Outcome r = SparkScoring.run(saved, scoring, output, batchSize, System.out);
        System.out.printf(Locale.ROOT, "Scored %,d images in %.1f s (%.0f images/s, %d tasks); %,d invalid (%s); "
                        + "peak heap of this JVM %,d MiB of %,d MiB%s; written to %s%n", r.scored(), r.seconds(),
                r.imagesPerSecond(), r.tasks(), r.invalid(), scoring.handleInvalid, r.peakHeapBytes() >> 20,
                r.maxHeapBytes() >> 20,
                scoring.master == null || scoring.master.startsWith("local[") ? " (driver and executor)" : " (the driver)",
                output);
        return 0;
    }

    private int predictSplit(Path output) throws IOException {
        if (!split.equals("test") && !split.equals("train")) {
            throw new UserError("--split: expected test or train, got '" + split + "'");
        }
        DataSpec spec = DataSpec.parse(data);
        SavedModel saved = ModelFile.load(model);
        spec.verify();
        ImageDataset images = spec.load(split.equals("train"));
        if (!images.sampleShape().equals(saved.model().inputShape())) {
            throw new UserError("--data: images of shape " + images.sampleShape() + " but model '"
                    + saved.model().name() + "' expects " + saved.model().inputShape());
        }
        Normalizer normalizer = saved.normalizer();
        Trainer trainer = new Trainer(saved.model(), Losses.parse("mse"), Optimizers.parse("sgd"), List.of());
        long start = System.nanoTime();
        float[][] out = trainer.predict(images, batchSize, normalizer);
        double seconds = (System.nanoTime() - start) / 1e9;
        int correct = 0;
        if (output.toAbsolutePath().getParent() != null) {
            Files.createDirectories(output.toAbsolutePath().getParent());
        }
        int[] predicted = new int[out.length];
        for (int i = 0; i < out.length; i++) {
            predicted[i] = argmax(out[i]);
            if (predicted[i] == images.label(i)) {
                correct++;
            }
        }
        AtomicFile.write(output, stream -> {
            Writer w = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            StringBuilder header = new StringBuilder("index,label,prediction,confidence");
            for (int k = 0; k < (out.length == 0 ? 0 : out[0].length); k++) {
                header.append(",p").append(k);
            }
            w.write(header.append('\n').toString());
            StringBuilder row = new StringBuilder();
            for (int i = 0; i < out.length; i++) {
                row.setLength(0);
                row.append(i).append(',').append(images.label(i)).append(',').append(predicted[i]).append(',')
                        .append(out[i][predicted[i]]);
                for (float p : out[i]) {
                    row.append(',').append(p);
                }
                w.write(row.append('\n').toString());
            }
            w.flush();
        });
        PrintStream console = System.out;
        console.printf(Locale.ROOT, "Predicted %,d images in %.1f s (%.0f images/s); accuracy against the file's labels "
                + "%.2f%%; written to %s%n", out.length, seconds, out.length / seconds, 100.0 * correct / Math.max(1,
                out.length), output);
        return 0;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int k = 1; k < v.length; k++) {
            if (v[k] > v[best]) {
                best = k;
            }
        }
        return best;
    }
}
