package io.convspark.driver.train;

import io.convspark.kernels.data.ImageDataset;
import java.util.List;
import java.util.Random;

/** Small learnable image sets for distributed-training tests: class k has a bright k-th quadrant. */
public final class TestData {
    public static final String MODEL = """
            {"name": "tiny-cnn", "input": {"channels": 1, "height": 8, "width": 8},
             "layers": [
               {"type": "Conv2D", "filters": 4, "kernel_size": 3, "activation": "relu"},
               {"type": "MaxPooling2D", "pool_size": 2},
               {"type": "Flatten"},
               {"type": "Dense", "units": 16, "activation": "relu"},
               {"type": "Dense", "units": 4, "activation": "softmax"}
             ]}""";

    private TestData() {
    }

    public static ImageDataset quadrants(int n, long seed) {
        Random rng = new Random(seed);
        byte[] pixels = new byte[n * 64];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int k = rng.nextInt(4);
            labels[i] = k;
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    int q = (y / 4) * 2 + (x / 4);
                    int v = rng.nextInt(60) + (q == k ? 150 : 0);
                    pixels[i * 64 + y * 8 + x] = (byte) v;
                }
            }
        }
        return new ImageDataset(pixels, labels, 1, 8, 8, 4, List.of("a", "b", "c", "d"));
    }
}
