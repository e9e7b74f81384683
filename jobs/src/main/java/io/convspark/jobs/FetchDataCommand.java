package io.convspark.jobs;

import io.convspark.jobs.fetch.DatasetFetcher;
import io.convspark.jobs.fetch.RemoteDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code convspark fetch-data mnist|cifar10}: copies a data set from a mirror directory or
 * downloads it, verified against the SHA-256 sums pinned in {@code conf/datasets/}.
 */
@Command(name = "fetch-data", mixinStandardHelpOptions = true,
        description = "Fetch MNIST or CIFAR-10 from a local mirror or the official locations, verified against "
                + "pinned SHA-256 sums; files already present and valid are skipped.")
final class FetchDataCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DATASET", description = "mnist or cifar10")
    String dataset;

    @Option(names = "--mirror", paramLabel = "DIR", description = "Copy from this directory instead of downloading, e.g. ../shared/datasets/mnist")
    Path mirror;

    @Option(names = "--dest", paramLabel = "DIR", description = "Destination directory (default: data/DATASET)")
    Path dest;

    @Option(names = "--checksums", paramLabel = "FILE", description = "sha256sum-format list of the files (default: conf/datasets/DATASET.sha256 of the convspark installation)")
    Path checksums;

    @Override
    public Integer call() throws IOException {
        RemoteDataset remote;
        try {
            remote = RemoteDataset.named(dataset);
        } catch (IllegalArgumentException e) {
            throw new UserError("DATASET: " + e.getMessage());
        }
        if (mirror != null && !Files.isDirectory(mirror)) {
            throw new UserError("--mirror: " + mirror.toAbsolutePath() + " is not a directory");
        }
        Path list = checksums != null ? checksums
                : Paths.get(System.getProperty("convspark.home", "."), "conf", "datasets", remote.checksumsFile());
        if (!Files.isRegularFile(list)) {
            throw new UserError("--checksums: " + list.toAbsolutePath() + " does not exist; expected the pinned "
                    + "SHA-256 list of " + remote.name() + " (conf/datasets/" + remote.checksumsFile() + ")");
        }
        Path target = dest != null ? dest : Paths.get("data", remote.name());
        new DatasetFetcher(System.out).fetch(remote, mirror, target, list);
        System.out.println(remote.name() + " is ready in " + target + " (train with --data " + remote.name() + ":"
                + target + ")");
        return 0;
    }
}
