package io.convspark.jobs;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Writes a small MNIST-format data set (the four gzipped IDX files) for command-line tests. */
final class TestMnist {
    /** A small model for these images (one Conv2D of 4 filters): trains in a few steps, in seconds. */
    static final String MODEL = "{\"name\": \"small\", \"input\": {\"channels\": 1, \"height\": 28, \"width\": 28},"
            + " \"layers\": [{\"type\": \"Conv2D\", \"filters\": 4, \"kernel_size\": 3, \"activation\": \"relu\"},"
            + " {\"type\": \"MaxPooling2D\", \"pool_size\": 2}, {\"type\": \"Flatten\"},"
            + " {\"type\": \"Dense\", \"units\": 10, \"activation\": \"softmax\"}]}";

    private TestMnist() {
    }

    /** {@code train} and {@code test} images of 28x28 with labels 0..9; the label is drawn as a bright row. */
    static Path write(Path dir, int train, int test) throws IOException {
        Files.createDirectories(dir);
        Random rnd = new Random(7);
        split(dir, "train", train, rnd);
        split(dir, "t10k", test, rnd);
        return dir;
    }

    private static void split(Path dir, String prefix, int n, Random rnd) throws IOException {
        byte[] labels = new byte[n];
        byte[] pixels = new byte[n * 784];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) rnd.nextInt(10);
            for (int x = 0; x < 28; x++) {
                pixels[i * 784 + (2 + 2 * labels[i]) * 28 + x] = (byte) 250;
            }
        }
        try (DataOutputStream out = gz(dir.resolve(prefix + "-images-idx3-ubyte.gz"))) {
            out.writeInt(2051);
            out.writeInt(n);
            out.writeInt(28);
            out.writeInt(28);
            out.write(pixels);
        }
        try (DataOutputStream out = gz(dir.resolve(prefix + "-labels-idx1-ubyte.gz"))) {
            out.writeInt(2049);
            out.writeInt(n);
            out.write(labels);
        }
    }

    private static DataOutputStream gz(Path file) throws IOException {
        OutputStream out = Files.newOutputStream(file);
        return new DataOutputStream(new GZIPOutputStream(out));
    }
}
