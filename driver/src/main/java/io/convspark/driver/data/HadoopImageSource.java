package io.convspark.driver.data;

import io.convspark.kernels.data.Cifar10Reader;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.data.MnistReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A data set on any Hadoop file system ({@code file://}, {@code hdfs://}, {@code s3a://}, ...), written as
 * {@code FORMAT:URI}: {@code mnist:DIR} (the four IDX files, gzip or raw) or {@code cifar10:DIR} (the
 * binary batches, in DIR or DIR/cifar-10-batches-bin). Files are validated by the readers, and errors
 * name the file.
 */
public record HadoopImageSource(String format, String uri) implements java.io.Serializable {

    public static HadoopImageSource parse(String spec) {
        int colon = spec == null ? -1 : spec.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("data source: expected FORMAT:PATH such as mnist:hdfs:///data/mnist, "
                    + "got '" + spec + "'");
        }
        String format = spec.substring(0, colon);
        if (!format.equals("mnist") && !format.equals("cifar10")) {
            throw new IllegalArgumentException("data source: unknown format '" + format + "', expected mnist or cifar10");
        }
        return new HadoopImageSource(format, spec.substring(colon + 1));
    }

    /** The training ({@code train = true}) or test split. */
    public ImageDataset load(boolean train, Configuration conf) throws IOException {
        Path dir = new Path(uri);
        FileSystem fs = dir.getFileSystem(conf);
        if (!fs.exists(dir)) {
            throw new FileNotFoundException(format + " data directory " + fs.makeQualified(dir) + " does not exist");
        }
        return format.equals("mnist") ? loadMnist(fs, dir, train) : loadCifar(fs, dir, train);
    }

    private static ImageDataset loadMnist(FileSystem fs, Path dir, boolean train) throws IOException {
        String prefix = train ? "train" : "t10k";
        Path images = locate(fs, dir, prefix + "-images-idx3-ubyte");
        Path labels = locate(fs, dir, prefix + "-labels-idx1-ubyte");
        try (InputStream im = fs.open(images); InputStream lb = fs.open(labels)) {
            return MnistReader.read(im, images.toString(), lb, labels.toString());
        }
    }

    private static Path locate(FileSystem fs, Path dir, String baseName) throws IOException {
        Path gz = new Path(dir, baseName + ".gz");
        if (fs.isFile(gz)) {
            return gz;
        }
        Path raw = new Path(dir, baseName);
        if (fs.isFile(raw)) {
            return raw;
        }
        throw new FileNotFoundException("MNIST file not found: tried " + fs.makeQualified(gz) + " and "
                + fs.makeQualified(raw));
    }

    private static ImageDataset loadCifar(FileSystem fs, Path dir, boolean train) throws IOException {
        Path base = dir;
        String first = train ? Cifar10Reader.TRAIN_FILES.get(0) : Cifar10Reader.TEST_FILE;
        if (!fs.isFile(new Path(dir, first)) && fs.isDirectory(new Path(dir, Cifar10Reader.ARCHIVE_DIR))) {
            base = new Path(dir, Cifar10Reader.ARCHIVE_DIR);
        }
        List<ImageDataset> parts = new ArrayList<>();
        for (String name : train ? Cifar10Reader.TRAIN_FILES : List.of(Cifar10Reader.TEST_FILE)) {
            Path f = new Path(base, name);
            if (!fs.isFile(f)) {
                throw new FileNotFoundException("CIFAR-10 batch file not found: " + fs.makeQualified(f));
            }
            try (InputStream in = fs.open(f)) {
                parts.add(Cifar10Reader.read(in, f.toString()));
            }
        }
        return parts.size() == 1 ? parts.get(0) : ImageDataset.concat(parts);
    }
}
