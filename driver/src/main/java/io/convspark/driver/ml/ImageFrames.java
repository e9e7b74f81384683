package io.convspark.driver.ml;

import io.convspark.kernels.data.ImageDataset;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.image.ImageSchema;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * An {@link ImageDataset} (MNIST IDX, CIFAR-10 binary) as a DataFrame in the layout of Spark's image data
 * source: {@code (index long, image struct, label double)}, the image as {@code spark.read.format("image")}
 * gives it (origin {@code SOURCE#index}, BGR bytes for colour), so the same estimator and model serve both.
 * Rows are built on the executors from one broadcast of the dataset.
 */
public final class ImageFrames {
    private ImageFrames() {
    }

    public static StructType schema() {
        return new StructType().add("index", DataTypes.LongType, false)
                .add("image", ImageSchema.columnSchema(), false)
                .add("label", DataTypes.DoubleType, false);
    }

    public static Dataset<Row> fromDataset(SparkSession spark, ImageDataset data, String source, int partitions) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<ImageDataset> images = jsc.broadcast(data);
        return spark.createDataFrame(generate(jsc, data.size(), partitions, i -> row(images.value(), i, source)),
                schema());
    }

    /** Makes row {@code i} on an executor. */
    @FunctionalInterface
    public interface RowMaker extends Serializable {
        Row row(int i);
    }

    /**
     * Rows {@code 0..count-1}, made on the executors one at a time (a partition's rows are never all in memory)
     * in {@code partitions} contiguous, equal ranges, in order.
     */
    public static JavaRDD<Row> generate(JavaSparkContext jsc, int count, int partitions, RowMaker maker) {
        int n = Math.max(1, partitions);
        List<Integer> ids = IntStream.range(0, n).boxed().toList();
        return jsc.parallelize(ids, n).mapPartitions((Iterator<Integer> it) -> {
            int p = it.next();
            int from = (int) ((long) count * p / n);
            int to = (int) ((long) count * (p + 1) / n);
            return IntStream.range(from, to).mapToObj(maker::row).iterator();
        });
    }

    private static Row row(ImageDataset d, int i, String source) {
        int c = d.channels();
        int h = d.height();
        int w = d.width();
        int plane = h * w;
        byte[] pixels = d.pixels();
        int at = d.pixelOffset(i);
        byte[] hwc = new byte[c * plane];
        for (int p = 0; p < plane; p++) {
            for (int ch = 0; ch < c; ch++) {
                // OpenCV order: BGR, so channel ch of the RGB planes lands at position c - 1 - ch
                hwc[p * c + (c == 1 ? 0 : c - 1 - ch)] = pixels[at + ch * plane + p];
            }
        }
        int mode = c == 1 ? 0 : 16;
        Row image = RowFactory.create(source + "#" + i, h, w, c, mode, hwc);
        return RowFactory.create((long) i, image, (double) d.label(i));
    }
}
