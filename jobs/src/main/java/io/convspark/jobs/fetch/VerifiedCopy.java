package io.convspark.jobs.fetch;

import io.convspark.kernels.data.Checksums;
import io.convspark.kernels.data.DatasetFormatException;
import io.convspark.kernels.fs.AtomicFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Copies a stream to a file only if its SHA-256 is the expected one: the bytes go to a temporary
 * file beside the target while being hashed; on a match the temporary file is renamed over the
 * target, otherwise (or on any error) it is deleted and the target is left untouched.
 */
final class VerifiedCopy {
    private VerifiedCopy() {
    }

    /** True if {@code file} exists and has SHA-256 {@code sha256}. */
    static boolean isPresentAndValid(Path file, String sha256) throws IOException {
        return Files.isRegularFile(file) && Checksums.sha256(file).equals(sha256);
    }

    /** Copies {@code in} to {@code target} if it hashes to {@code sha256}; {@code source} names it in errors. */
    static void copy(InputStream in, Path target, String sha256, String source) throws IOException {
        Path tmp = AtomicFile.temporarySibling(target);
        boolean moved = false;
        try {
            MessageDigest digest = sha256Digest();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW),
                    digest)) {
                in.transferTo(out);
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(sha256)) {
                throw new DatasetFormatException("SHA-256 mismatch for " + target.getFileName() + " from " + source
                        + ": expected " + sha256 + " (pinned), found " + actual + "; nothing was written to "
                        + target.toAbsolutePath().getParent());
            }
            AtomicFile.replace(tmp, target);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM provides no SHA-256", e);
        }
    }
}
