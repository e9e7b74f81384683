package io.convspark.driver.ml;

import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.tensor.Shape;
import java.io.Serializable;
import java.util.List;

/**
 * One partition of a training DataFrame decoded to compact records: uint8 pixels in the model's layout, the
 * labels, and how many rows were left out as invalid.
 */
public record DecodedBlock(byte[] pixels, int[] labels, long invalid) implements Serializable {

    /** The blocks in order as one dataset of {@code shape} images and {@code numClasses} classes. */
    public static ImageDataset concat(List<DecodedBlock> blocks, Shape shape, int numClasses) {
        int n = 0;
        for (DecodedBlock b : blocks) {
            n += b.labels.length;
        }
        int sample = shape.size();
        byte[] pixels = new byte[Math.multiplyExact(n, sample)];
        int[] labels = new int[n];
        int at = 0;
        for (DecodedBlock b : blocks) {
            System.arraycopy(b.pixels, 0, pixels, at * sample, b.labels.length * sample);
            System.arraycopy(b.labels, 0, labels, at, b.labels.length);
            at += b.labels.length;
        }
        return new ImageDataset(pixels, labels, shape.channels(), shape.height(), shape.width(), numClasses);
    }

    public static long invalid(List<DecodedBlock> blocks) {
        return blocks.stream().mapToLong(DecodedBlock::invalid).sum();
    }
}
