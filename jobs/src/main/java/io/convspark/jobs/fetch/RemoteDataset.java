package io.convspark.jobs.fetch;

import java.util.List;

/**
 * A data set that {@code fetch-data} knows: its files, the base URLs to download them from (tried
 * in order), the name of its pinned checksum list in {@code conf/datasets/}, and the archive
 * directory to extract from a tar.gz (or {@code null} when the files are used as they are).
 */
public record RemoteDataset(String name, List<String> files, List<String> baseUrls, String checksumsFile,
                            String extractDir) {
    /** The four canonical MNIST files (the readers take the .gz files directly). */
    public static final RemoteDataset MNIST = new RemoteDataset("mnist",
            List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                    "t10k-labels-idx1-ubyte.gz"),
            List.of("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"),
            "mnist.sha256", null);

    /** The CIFAR-10 binary version, extracted to {@code cifar-10-batches-bin/}. */
    public static final RemoteDataset CIFAR10 = new RemoteDataset("cifar10", List.of("cifar-10-binary.tar.gz"),
            List.of("https://www.cs.toronto.edu/~kriz/"), "cifar10.sha256", "cifar-10-batches-bin");

    public static final List<RemoteDataset> ALL = List.of(MNIST, CIFAR10);

    /** The data set named {@code name}; errors list the known ones. */
    public static RemoteDataset named(String name) {
        for (RemoteDataset d : ALL) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown data set '" + name + "'; expected mnist or cifar10");
    }
}
