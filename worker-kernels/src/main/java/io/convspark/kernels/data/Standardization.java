package io.convspark.kernels.data;

import java.util.Arrays;

/**
 * Per-channel standardization {@code y = (x/255 - mean[c]) / std[c]}, with {@code mean} and
 * {@code std} measured on pixels scaled to {@code [0, 1]} (so MNIST's are about 0.1307 and 0.3081).
 * The statistics are {@link #fit fitted} on the TRAINING data only and then applied unchanged to
 * validation, test and inference data; they are two plain float arrays, stored with the model.
 * {@code std} is the population standard deviation (divide by N, like Keras' {@code Normalization}),
 * floored at {@value #MIN_STD} so a constant channel maps to 0 instead of dividing by zero.
 */
public final class Standardization implements Normalizer {
    private static final long serialVersionUID = 1L;

    /** Floor of the standard deviation (Keras' backend epsilon). */
    public static final float MIN_STD = 1e-7f;

    private final float[] mean;
    private final float[] std;
    /** {@code table[c*256 + x]} = the standardized value of pixel x in channel c. */
    private final float[] table;

    private Standardization(float[] mean, float[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("standardization needs one mean and one std per channel, got "
                    + mean.length + " means and " + std.length + " stds");
        }
        for (int c = 0; c < mean.length; c++) {
            if (!Float.isFinite(mean[c])) {
                throw new IllegalArgumentException("mean[" + c + "] must be finite, got " + mean[c]);
            }
            if (!(std[c] > 0) || !Float.isFinite(std[c])) {
                throw new IllegalArgumentException("std[" + c + "] must be finite and > 0, got " + std[c]);
            }
        }
        this.mean = mean;
        this.std = std;
        this.table = new float[256 * mean.length];
        for (int c = 0; c < mean.length; c++) {
            for (int x = 0; x < 256; x++) {
                table[c * 256 + x] = (float) ((x / 255.0 - mean[c]) / std[c]);
            }
        }
    }

    /** Statistics stored earlier (e.g. read from a model file): one mean and one std per channel. */
    public static Standardization of(float[] mean, float[] std) {
        return new Standardization(mean.clone(), std.clone());
    }

    /**
     * Per-channel mean and population standard deviation of {@code train}'s pixels scaled to
     * {@code [0, 1]}, reduced over samples, rows and columns. Exact: computed from a per-channel
     * histogram of the 256 byte values, in double precision.
     */
    public static Standardization fit(ImageDataset train) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("cannot fit standardization statistics on an empty dataset");
        }
        int channels = train.channels();
        int plane = train.height() * train.width();
        long[] histogram = new long[channels * 256];
        byte[] px = train.pixels();
        int p = 0;
        for (int n = 0; n < train.size(); n++) {
            for (int c = 0; c < channels; c++) {
                int base = c * 256;
                for (int i = 0; i < plane; i++) {
                    histogram[base + (px[p++] & 0xFF)]++;
                }
            }
        }
        double count = (double) train.size() * plane;
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int x = 0; x < 256; x++) {
                sum += histogram[c * 256 + x] * (x / 255.0);
            }
            double m = sum / count;
            double squares = 0;
            for (int x = 0; x < 256; x++) {
                double d = x / 255.0 - m;
                squares += histogram[c * 256 + x] * d * d;
            }
            mean[c] = (float) m;
            std[c] = Math.max((float) Math.sqrt(squares / count), MIN_STD);
        }
        return new Standardization(mean, std);
    }

    /** Per-channel means (a copy). */
    public float[] mean() {
        return mean.clone();
    }

    /** Per-channel standard deviations (a copy). */
    public float[] std() {
        return std.clone();
    }

    public int channels() {
        return mean.length;
    }

    @Override
    public void normalize(byte[] pixels, int pixelOffset, int channels, int planeSize, float[] out, int outOffset) {
        for (int c = 0; c < channels; c++) {
            int base = c * 256;
            int from = pixelOffset + c * planeSize;
            int to = outOffset + c * planeSize;
            for (int i = 0; i < planeSize; i++) {
                out[to + i] = table[base + (pixels[from + i] & 0xFF)];
            }
        }
    }

    @Override
    public float value(int channel, int pixel) {
        return table[channel * 256 + pixel];
    }

    @Override
    public void checkChannels(int channels) {
        if (channels != mean.length) {
            throw new IllegalArgumentException("standardization statistics are for " + mean.length
                    + " channel(s) but the data has " + channels);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Standardization s && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Standardization(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
    }
}
