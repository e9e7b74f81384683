package io.convspark.jobs.fetch;

import io.convspark.kernels.data.Checksums;
import io.convspark.kernels.data.Cifar10Reader;
import io.convspark.kernels.data.DatasetFormatException;
import io.convspark.kernels.fs.AtomicFile;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Puts a {@link RemoteDataset} into a directory: each file is skipped if already present with the
 * pinned SHA-256, else copied from a mirror directory or downloaded (base URLs tried in order),
 * and kept only if its SHA-256 matches. A tar.gz data set is then extracted. Finally the
 * directory gets a {@code SHA256SUMS} of the fetched files, so {@code train --data} verifies them.
 */
public final class DatasetFetcher {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final PrintStream log;
    private HttpClient http;

    public DatasetFetcher(PrintStream log) {
        this.log = log;
    }

    /**
     * Fetches {@code dataset} into {@code dest}, from {@code mirror} (a directory holding the files)
     * or, when it is {@code null}, from the official locations; {@code checksums} is the pinned list.
     */
    public void fetch(RemoteDataset dataset, Path mirror, Path dest, Path checksums) throws IOException {
        Map<String, String> pinned = pinned(dataset, checksums);
        Files.createDirectories(dest);
        for (String file : dataset.files()) {
            Path target = dest.resolve(file);
            String sha = pinned.get(file);
            if (VerifiedCopy.isPresentAndValid(target, sha)) {
                log.println(file + ": present and valid, skipped");
                continue;
            }
            if (Files.exists(target)) {
                log.println(file + ": present but its SHA-256 is not the pinned one; fetching it again");
            }
            if (mirror != null) {
                copyFromMirror(mirror.resolve(file), target, sha);
            } else {
                download(dataset, file, target, sha);
            }
            log.println(file + ": fetched and verified (SHA-256 " + sha + ")");
        }
        if (dataset.extractDir() != null) {
            for (String file : dataset.files()) {
                extract(dest.resolve(file), dest.resolve(dataset.extractDir()), dataset.extractDir());
            }
        }
        writeSums(dest, pinned);
    }

    private static Map<String, String> pinned(RemoteDataset dataset, Path checksums) throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        for (Checksums.Listed l : Checksums.read(checksums)) {
            all.put(l.name(), l.sha256());
        }
        Map<String, String> pinned = new LinkedHashMap<>();
        for (String file : dataset.files()) {
            String sha = all.get(file);
            if (sha == null) {
                throw new DatasetFormatException(checksums + ": expected a SHA-256 for " + file + " (data set "
                        + dataset.name() + "), found entries for " + all.keySet());
            }
            pinned.put(file, sha);
        }
        return pinned;
    }

    private static void copyFromMirror(Path source, Path target, String sha) throws IOException {
        if (!Files.isRegularFile(source)) {
            throw new NoSuchFileException(source.toString(), null, "expected in the mirror directory but missing");
        }
        try (InputStream in = Files.newInputStream(source)) {
            VerifiedCopy.copy(in, target, sha, source.toString());
        }
    }

    private void download(RemoteDataset dataset, String file, Path target, String sha) throws IOException {
        List<String> failures = new ArrayList<>();
        for (String base : dataset.baseUrls()) {
            URI uri = URI.create(base + file);
            log.println(file + ": downloading " + uri);
            try {
                HttpResponse<InputStream> response = client().send(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                        .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    if (response.statusCode() != 200) {
                        failures.add(uri + ": HTTP " + response.statusCode());
                        continue;
                    }
                    VerifiedCopy.copy(body, target, sha, uri.toString());
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while downloading " + uri);
            } catch (IOException e) {
                failures.add(uri + ": " + e);
            }
        }
        throw new IOException("cannot fetch " + file + " (" + String.join("; ", failures) + "); download it "
                + "elsewhere and pass its directory with --mirror DIR");
    }

    private HttpClient client() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
        }
        return http;
    }

    /** Extracts the CIFAR-10 batches of a verified archive into {@code dir}, unless they are there. */
    private void extract(Path archive, Path dir, String prefix) throws IOException {
        List<String> wanted = new ArrayList<>(Cifar10Reader.TRAIN_FILES);
        wanted.add(Cifar10Reader.TEST_FILE);
        long batchBytes = 10_000L * Cifar10Reader.RECORD_BYTES;
        boolean present = true;
        for (String f : wanted) {
            present &= Files.isRegularFile(dir.resolve(f)) && Files.size(dir.resolve(f)) == batchBytes;
        }
        if (present) {
            log.println(dir + ": batches present, extraction skipped");
            return;
        }
        wanted.add(Cifar10Reader.META_FILE);
        Set<String> found = new HashSet<>();
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive), 1 << 16))) {
            TarReader tar = new TarReader(in, archive.toString());
            for (TarReader.Entry e; (e = tar.next()) != null; ) {
                String base = e.name().startsWith(prefix + "/") ? e.name().substring(prefix.length() + 1) : null;
                if (base != null && wanted.contains(base)) {
                    TarReader.Entry entry = e;
                    AtomicFile.write(dir.resolve(base), out -> entry.content().transferTo(out));
                    found.add(base);
                }
            }
        }
        List<String> missing = new ArrayList<>(wanted);
        missing.removeAll(found);
        missing.remove(Cifar10Reader.META_FILE);
        if (!missing.isEmpty()) {
            throw new DatasetFormatException(archive + ": expected " + prefix + "/" + missing + " in the archive, "
                    + "found only " + found);
        }
        log.println(dir + ": extracted " + found.size() + " files");
    }

    private static void writeSums(Path dest, Map<String, String> pinned) throws IOException {
        StringBuilder sums = new StringBuilder();
        for (Map.Entry<String, String> e : pinned.entrySet()) {
            sums.append(e.getValue()).append("  ").append(e.getKey()).append('\n');
        }
        Path list = dest.resolve(Checksums.SUMS_FILE);
        if (Files.isRegularFile(list) && Files.readString(list, StandardCharsets.UTF_8).contentEquals(sums)) {
            return;
        }
        byte[] content = sums.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(list, out -> out.write(content));
    }
}
