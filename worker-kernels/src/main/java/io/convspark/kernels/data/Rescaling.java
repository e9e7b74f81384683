package io.convspark.kernels.data;

/**
 * {@code y = x * scale + offset} for every channel, as Keras' {@code Rescaling} layer; the usual
 * choice is {@link #UNIT}, {@code x / 255} into {@code [0, 1]}.
 */
public final class Rescaling implements Normalizer {
    private static final long serialVersionUID = 1L;

    /** {@code x / 255}. */
    public static final Rescaling UNIT = new Rescaling(1.0 / 255.0, 0.0);
    /** {@code x} unchanged (0..255). */
    public static final Rescaling IDENTITY = new Rescaling(1.0, 0.0);

    private final double scale;
    private final double offset;
    private final float[] table = new float[256];

    public Rescaling(double scale, double offset) {
        if (!Double.isFinite(scale) || !Double.isFinite(offset)) {
            throw new IllegalArgumentException("rescaling scale and offset must be finite, got scale=" + scale
                    + ", offset=" + offset);
        }
        this.scale = scale;
        this.offset = offset;
        for (int x = 0; x < 256; x++) {
            table[x] = (float) (x * scale + offset);
        }
    }

    public double scale() {
        return scale;
    }

    public double offset() {
        return offset;
    }

    @Override
    public void normalize(byte[] pixels, int pixelOffset, int channels, int planeSize, float[] out, int outOffset) {
        int n = channels * planeSize;
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = table[pixels[pixelOffset + i] & 0xFF];
        }
    }

    @Override
    public float value(int channel, int pixel) {
        return table[pixel];
    }

    @Override
    public void checkChannels(int channels) {
        // the same map for every channel
    }

    @Override
    public String toString() {
        return "Rescaling(scale=" + scale + ", offset=" + offset + ")";
    }
}
