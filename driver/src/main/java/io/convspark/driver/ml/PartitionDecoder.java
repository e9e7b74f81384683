package io.convspark.driver.ml;

import java.io.ByteArrayOutputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes one partition of a training DataFrame, rows of {@code (image, label[, path])}, into one
 * {@link DecodedBlock}. Labels must be whole class indices {@code 0..numClasses-1}; an image that cannot
 * be decoded fails the task, or with {@code skip}/{@code keep} is left out and counted (a row without an
 * image cannot train).
 */
final class PartitionDecoder implements FlatMapFunction<Iterator<Row>, DecodedBlock> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PartitionDecoder.class);

    private final ImageDecoder decoder;
    private final String labelCol;
    private final int numClasses;
    private final boolean withPath;
    private final InvalidImagePolicy invalid;

    PartitionDecoder(ImageDecoder decoder, String labelCol, int numClasses, boolean withPath,
                     InvalidImagePolicy invalid) {
        this.decoder = decoder;
        this.labelCol = labelCol;
        this.numClasses = numClasses;
        this.withPath = withPath;
        this.invalid = invalid;
    }

    @Override
    public Iterator<DecodedBlock> call(Iterator<Row> rows) {
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        IntList labels = new IntList();
        byte[] sample = new byte[decoder.sampleSize()];
        long skipped = 0;
        long row = 0;
        while (rows.hasNext()) {
            Row r = rows.next();
            String name = withPath && !r.isNullAt(2) ? "'" + r.getString(2) + "'" : "at row " + row + " of its partition";
            row++;
            int label = label(r, name);
            try {
                decoder.decode(r.get(0), sample, 0);
            } catch (InvalidImageException | RuntimeException e) {
                if (invalid == InvalidImagePolicy.ERROR) {
                    throw new IllegalArgumentException("cannot train on image " + name + ": " + e.getMessage()
                            + " (set handleInvalid to skip to train without it)", e);
                }
                if (skipped++ < 5) {
                    LOG.warn("Skipping invalid training image {}: {}", name, e.getMessage());
                }
                continue;
            }
            pixels.write(sample, 0, sample.length);
            labels.add(label);
        }
        return List.of(new DecodedBlock(pixels.toByteArray(), labels.toArray(), skipped)).iterator();
    }

    private int label(Row r, String name) {
        if (r.isNullAt(1)) {
            throw new IllegalArgumentException("label column '" + labelCol + "' is null for image " + name);
        }
        double v = ((Number) r.get(1)).doubleValue();
        if (v != Math.rint(v) || v < 0 || v >= numClasses) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "label column '%s' for image %s: expected "
                    + "a class index 0..%d, found %s", labelCol, name, numClasses - 1, v));
        }
        return (int) v;
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] a = new int[1024];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, 2 * n);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
