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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code convspark predict}: a saved model's outputs for every image of a data set split (Keras'
 * {@code predict}), in one JVM with all cores, written atomically as CSV: {@code index, label,
 * prediction, confidence, p0..pK}. Batch scoring of large image sets on Spark is issue 6's scorer.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predict with a saved model on a data set split and write the predictions as CSV.")
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model file written by train, e.g. runs/RUN/model.convspark")
    Path model;

    @Option(names = "--data", required = true, description = "FORMAT:DIR (a local directory or a Hadoop URI), e.g. mnist:data/mnist")
    String data;

    @Option(names = "--split", defaultValue = "test", description = "test or train (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--output", required = true, description = "CSV file to write (replaced atomically)")
    Path output;

    @Option(names = "--batch-size", defaultValue = "256", description = "Inference batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Override
    public Integer call() throws IOException {
        if (!split.equals("test") && !split.equals("train")) {
            throw new UserError("--split: expected test or train, got '" + split + "'");
        }
        if (batchSize < 1) {
            throw new UserError("--batch-size must be >= 1, got " + batchSize);
        }
        if (!Files.isRegularFile(model)) {
            throw new UserError("--model: no such file " + model.toAbsolutePath());
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
