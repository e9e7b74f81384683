package io.convspark.kernels.data;

/**
 * Converts one uint8 sample (NCHW, {@code channels} planes of {@code planeSize} pixels) into floats.
 * Implementations are per-channel affine maps of the pixel value, evaluated through a 256-entry
 * lookup table per channel, and immutable (safe to share between threads).
 */
public interface Normalizer extends java.io.Serializable {
    /** Writes {@code channels * planeSize} floats at {@code out[outOffset...]}. */
    void normalize(byte[] pixels, int pixelOffset, int channels, int planeSize, float[] out, int outOffset);

    /** The float that pixel value {@code pixel} (0..255) of channel {@code channel} becomes. */
    float value(int channel, int pixel);

    /** Fails with a message naming both counts unless this normalizer can handle {@code channels} channels. */
    void checkChannels(int channels);

    /** Keras' {@code Rescaling(1/255)}: pixels to {@code [0, 1]}. */
    static Normalizer unitScale() {
        return Rescaling.UNIT;
    }

    /** Pixels as floats {@code 0..255}, unchanged. */
    static Normalizer raw() {
        return Rescaling.IDENTITY;
    }
}
