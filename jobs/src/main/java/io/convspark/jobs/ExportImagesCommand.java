package io.convspark.jobs;

import io.convspark.driver.ml.ImageFrames;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.random.SplitMix64;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code convspark export-images}: a data set split (MNIST, CIFAR-10) as the files other tools and the
 * scorer read: one PNG per image ({@code INDEX-LABEL.png}, grey or RGB), or Parquet rows {@code (index,
 * label, image)} with the image as raw {@code C*H*W} uint8 bytes or PNG. {@code --count} beyond the split's
 * size generates more images: image {@code i} is image {@code i mod size} shifted by up to 2 pixels
 * (a function of seed and {@code i}), for scoring benchmarks at scale.
 */
@Command(name = "export-images", mixinStandardHelpOptions = true,
        description = "Write a data set split as PNG files or Parquet (optionally many generated images).")
final class ExportImagesCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "FORMAT:DIR, e.g. mnist:data/mnist")
    String data;

    @Option(names = "--split", defaultValue = "test", description = "test or train (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--format", required = true, description = "png (a directory of files) or parquet")
    String format;

    @Option(names = "--encoding", defaultValue = "raw", description = "Parquet image bytes: raw or png (default: ${DEFAULT-VALUE})")
    String encoding;

    @Option(names = "--output", required = true, description = "Directory to create, on any Hadoop file system")
    String output;

    @Option(names = "--count", description = "Images to write (default: the split's size; more are generated)")
    Integer count;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the generated shifts (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--overwrite", description = "Replace an existing output (only once the new one is complete)")
    boolean overwrite;

    @Option(names = "--master", description = "Spark master for Parquet (default: local[*] embedded)")
    String master;

    @Override
    public Integer call() throws IOException {
        if (!format.equals("png") && !format.equals("parquet")) {
            throw new UserError("--format: expected png or parquet, got '" + format + "'");
        }
        if (!encoding.equals("raw") && !encoding.equals("png")) {
            throw new UserError("--encoding: expected raw or png, got '" + encoding + "'");
        }
        if (!split.equals("test") && !split.equals("train")) {
            throw new UserError("--split: expected test or train, got '" + split + "'");
        }
        DataSpec spec = DataSpec.parse(data);
        spec.verify();
        ImageDataset images = spec.load(split.equals("train"));
        int n = count == null ? images.size() : count;
        if (n < 1) {
            throw new UserError("--count must be >= 1, got " + n);
        }
        long start = System.nanoTime();
        if (format.equals("png")) {
            writePngs(images, n, output);
        } else {
            writeParquet(images, n);
        }
        System.out.printf(Locale.ROOT, "Wrote %,d images (%s) to %s in %.1f s%n", n, format, output,
                (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private void writePngs(ImageDataset images, int n, String dir) throws IOException {
        OutputDirectory out = new OutputDirectory(dir, new Configuration());
        FileSystem fs = out.fileSystem();
        fs.setWriteChecksum(false); // no .crc file beside every image on a local disk
        out.write(temp -> {
            fs.mkdirs(temp);
            for (int i = 0; i < n; i++) {
                String name = String.format(Locale.ROOT, "%07d-%d.png", i, images.label(i % images.size()));
                try (FSDataOutputStream file = fs.create(new org.apache.hadoop.fs.Path(temp, name), false)) {
                    file.write(png(images, i, seed));
                }
            }
        }, overwrite);
    }

    private void writeParquet(ImageDataset images, int n) throws IOException {
        SparkSession spark = SparkSession.builder()
                .config(SparkJob.conf("convspark export-images", master, List.of(), "local[*]")).getOrCreate();
        try {
            spark.sparkContext().setLogLevel("WARN");
            OutputDirectory out = new OutputDirectory(output, spark.sparkContext().hadoopConfiguration());
            out.checkWritable(overwrite);
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            Broadcast<ImageDataset> source = jsc.broadcast(images);
            int partitions = Math.max(jsc.defaultParallelism(), (n + 49_999) / 50_000);
            boolean raw = encoding.equals("raw");
            long s = seed;
            JavaRDD<Row> rows = ImageFrames.generate(jsc, n, partitions, i -> {
                ImageDataset d = source.value();
                return RowFactory.create((long) i, d.label(i % d.size()), raw ? pixels(d, i, s) : png(d, i, s));
            });
            StructType schema = new StructType().add("index", "long", false).add("label", "int", false)
                    .add("image", "binary", false);
            Dataset<Row> frame = spark.createDataFrame(rows, schema);
            out.write(dir -> frame.write().parquet(dir.toString()), overwrite);
        } finally {
            spark.stop();
        }
    }

    /** Image {@code i}: the source's {@code i mod size}, shifted when {@code i >= size}. */
    static byte[] pixels(ImageDataset d, int i, long seed) {
        int base = i % d.size();
        int c = d.channels();
        int h = d.height();
        int w = d.width();
        byte[] out = new byte[c * h * w];
        int dx = 0;
        int dy = 0;
        if (i >= d.size()) {
            long key = SplitMix64.key(seed, i);
            dx = SplitMix64.boundedInt(SplitMix64.bits(key, 0), 5) - 2;
            dy = SplitMix64.boundedInt(SplitMix64.bits(key, 1), 5) - 2;
        }
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sy = y - dy;
                    int sx = x - dx;
                    if (sy >= 0 && sy < h && sx >= 0 && sx < w) {
                        out[(ch * h + y) * w + x] = (byte) d.pixel(base, ch, sy, sx);
                    }
                }
            }
        }
        return out;
    }

    /** Image {@code i} as a PNG file (grey for one channel, RGB for three). */
    static byte[] png(ImageDataset d, int i, long seed) {
        byte[] p = pixels(d, i, seed);
        int h = d.height();
        int w = d.width();
        int plane = h * w;
        BufferedImage img = new BufferedImage(w, h, d.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY
                : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int at = y * w + x;
                if (d.channels() == 1) {
                    img.getRaster().setSample(x, y, 0, p[at] & 0xFF);
                } else {
                    img.setRGB(x, y, (p[at] & 0xFF) << 16 | (p[plane + at] & 0xFF) << 8 | (p[2 * plane + at] & 0xFF));
                }
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
