package io.convspark.jobs;

import io.convspark.driver.data.HadoopImageSource;
import io.convspark.kernels.data.Checksums;
import io.convspark.kernels.data.Cifar10Reader;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.data.MnistReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;

/**
 * A data source as given on the command line: {@code mnist:DIR} (the four IDX files, gz or raw)
 * or {@code cifar10:DIR} (the binary batches), DIR a local directory or any Hadoop file system URI
 * ({@code hdfs://}, {@code s3a://}, {@code file://}). When a local directory has a {@code SHA256SUMS}
 * file the files are verified before use.
 */
public record DataSpec(String format, Path dir, String uri) {
    public static DataSpec parse(String spec) {
        int colon = spec.indexOf(':');
        if (colon <= 0) {
            throw new UserError("--data: expected FORMAT:DIR such as mnist:../shared/datasets/mnist, got '" + spec + "'");
        }
        String format = spec.substring(0, colon);
        if (!format.equals("mnist") && !format.equals("cifar10")) {
            throw new UserError("--data: unknown format '" + format + "'; expected mnist or cifar10");
        }
        String location = spec.substring(colon + 1);
        if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            // hdfs://, s3a://, file://...: read through the Hadoop FileSystem API on the driver
            return new DataSpec(format, null, location);
        }
        Path dir = Paths.get(location);
        if (!Files.isDirectory(dir)) {
            throw new UserError("--data: " + dir.toAbsolutePath() + " is not a directory");
        }
        return new DataSpec(format, dir, null);
    }

    /** Verifies checksums if the directory lists them. */
    public void verify() throws IOException {
        if (dir != null && Files.exists(dir.resolve(Checksums.SUMS_FILE))) {
            Checksums.verify(dir);
        }
    }

    public ImageDataset load(boolean train) throws IOException {
        if (uri != null) {
            return new HadoopImageSource(format, uri).load(train, new Configuration());
        }
        return format.equals("mnist") ? MnistReader.load(dir, train) : Cifar10Reader.load(dir, train);
    }
}
