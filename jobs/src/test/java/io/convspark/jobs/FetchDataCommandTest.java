package io.convspark.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.convspark.jobs.ConvsparkCliTest.Result;
import io.convspark.kernels.data.Checksums;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fetch-data} through the mirror path (the network is not reachable in tests) and its refusals. */
class FetchDataCommandTest {
    private static final Path SHARED_MNIST = Paths.get("../../shared/datasets/mnist");
    private static final List<String> MNIST_FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A mirror of small stand-in files and the checksum list that pins them. */
    private static Path fakeMirror(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder sums = new StringBuilder("# test sums\n");
        for (String f : MNIST_FILES) {
            Files.writeString(dir.resolve(f), "contents of " + f);
            sums.append(Checksums.sha256(dir.resolve(f))).append("  ").append(f).append('\n');
        }
        return Files.writeString(dir.resolve("pinned.sha256"), sums);
    }

    @Test
    void copiesTheRealMirrorVerifiedWithThePinnedSumsThenSkips(@TempDir Path tmp) throws IOException {
        assumeTrue(Files.isDirectory(SHARED_MNIST), "the shared MNIST mirror is not here");
        Path dest = tmp.resolve("mnist");
        Result r = ConvsparkCliTest.run("fetch-data", "mnist", "--mirror", SHARED_MNIST.toString(), "--dest",
                dest.toString(), "--checksums", "../conf/datasets/mnist.sha256");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("train-images-idx3-ubyte.gz: fetched and verified"), r.out());
        assertEquals(List.of("SHA256SUMS", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
                "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"), names(dest));
        assertEquals(4, Checksums.verify(dest).size());

        Result again = ConvsparkCliTest.run("fetch-data", "mnist", "--mirror", SHARED_MNIST.toString(), "--dest",
                dest.toString(), "--checksums", "../conf/datasets/mnist.sha256");
        assertEquals(0, again.code(), again.err());
        assertEquals(4, again.out().split("present and valid, skipped", -1).length - 1, again.out());
    }

    @Test
    void aCorruptedMirrorFileIsRefusedAndNothingPartialIsLeft(@TempDir Path tmp) throws IOException {
        Path mirror = tmp.resolve("mirror");
        Path pinned = fakeMirror(mirror);
        Files.writeString(mirror.resolve("train-labels-idx1-ubyte.gz"), "contents of train-labels-idx1-ubyte.gZ");
        Path dest = tmp.resolve("dest");
        Result r = ConvsparkCliTest.run("fetch-data", "mnist", "--mirror", mirror.toString(), "--dest",
                dest.toString(), "--checksums", pinned.toString());
        assertEquals(2, r.code(), r.out());
        assertTrue(r.err().contains("SHA-256 mismatch for train-labels-idx1-ubyte.gz from " + mirror), r.err());
        assertEquals(List.of("train-images-idx3-ubyte.gz"), names(dest), "only the verified file, no temporary one");

        Files.writeString(mirror.resolve("train-labels-idx1-ubyte.gz"), "contents of train-labels-idx1-ubyte.gz");
        Files.writeString(dest.resolve("t10k-images-idx3-ubyte.gz"), "stale");
        Result fixed = ConvsparkCliTest.run("fetch-data", "mnist", "--mirror", mirror.toString(), "--dest",
                dest.toString(), "--checksums", pinned.toString());
        assertEquals(0, fixed.code(), fixed.err());
        assertTrue(fixed.out().contains("train-images-idx3-ubyte.gz: present and valid, skipped"), fixed.out());
        assertTrue(fixed.out().contains("t10k-images-idx3-ubyte.gz: present but its SHA-256 is not the pinned one"),
                fixed.out());
        assertEquals(4, Checksums.verify(dest).size());
    }

    @Test
    void cifar10ArchiveIsVerifiedAndExtracted(@TempDir Path tmp) throws IOException {
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        String[] batches = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                "data_batch_5.bin", "test_batch.bin", "batches.meta.txt"};
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tarEntry(tar, "cifar-10-batches-bin/", new byte[0], '5');
        for (int i = 0; i < batches.length; i++) {
            tarEntry(tar, "cifar-10-batches-bin/" + batches[i], new byte[700 + i], '0');
        }
        tarEntry(tar, "cifar-10-batches-bin/readme.html", "<html>".getBytes(StandardCharsets.UTF_8), '0');
        tar.write(new byte[1024]);
        Path archive = mirror.resolve("cifar-10-binary.tar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(archive))) {
            out.write(tar.toByteArray());
        }
        Path pinned = Files.writeString(tmp.resolve("cifar10.sha256"), Checksums.sha256(archive)
                + "  cifar-10-binary.tar.gz\n");
        Path dest = tmp.resolve("cifar");
        Result r = ConvsparkCliTest.run("fetch-data", "cifar10", "--mirror", mirror.toString(), "--dest",
                dest.toString(), "--checksums", pinned.toString());
        assertEquals(0, r.code(), r.err());
        Path extracted = dest.resolve("cifar-10-batches-bin");
        assertEquals(List.of(batches).stream().sorted().toList(), names(extracted));
        assertArrayEquals(new byte[705], Files.readAllBytes(extracted.resolve("test_batch.bin")));
        assertEquals(List.of("SHA256SUMS", "cifar-10-batches-bin", "cifar-10-binary.tar.gz"), names(dest));
    }

    /** One ustar header block plus the content padded to 512 bytes. */
    private static void tarEntry(ByteArrayOutputStream tar, String name, byte[] content, char type)
            throws IOException {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", content.length));
        put(h, 136, "00000000000");
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xFF;
        }
        put(h, 148, String.format("%06o", sum));
        tar.write(h);
        tar.write(content);
        tar.write(new byte[(512 - content.length % 512) % 512]);
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    @Test
    void badArgumentsGiveOneClearLine(@TempDir Path tmp) throws IOException {
        Result unknown = ConvsparkCliTest.run("fetch-data", "imagenet");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown data set 'imagenet'; expected mnist or cifar10"), unknown.err());

        Result missing = ConvsparkCliTest.run("fetch-data");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("DATASET"), missing.err());

        Result noMirror = ConvsparkCliTest.run("fetch-data", "mnist", "--mirror", tmp.resolve("nope").toString());
        assertEquals(2, noMirror.code());
        assertTrue(noMirror.err().contains("--mirror: ") && noMirror.err().contains("is not a directory"),
                noMirror.err());

        Result noSums = ConvsparkCliTest.run("fetch-data", "mnist", "--mirror", tmp.toString(), "--checksums",
                tmp.resolve("x.sha256").toString());
        assertEquals(2, noSums.code());
        assertTrue(noSums.err().contains("x.sha256 does not exist"), noSums.err());

        Path mirror = tmp.resolve("partial");
        Path pinned = fakeMirror(mirror);
        Files.delete(mirror.resolve("t10k-labels-idx1-ubyte.gz"));
        Result lacking = ConvsparkCliTest.run("fetch-data", "mnist", "--mirror", mirror.toString(), "--dest",
                tmp.resolve("d").toString(), "--checksums", pinned.toString());
        assertEquals(2, lacking.code());
        assertTrue(lacking.err().contains("t10k-labels-idx1-ubyte.gz") && lacking.err().contains("mirror"),
                lacking.err());
        assertFalse(Files.exists(tmp.resolve("d/t10k-labels-idx1-ubyte.gz")));
    }
}
