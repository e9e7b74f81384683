package io.convspark.jobs.fetch;

import io.convspark.kernels.data.Checksums;
import io.convspark.kernels.data.DatasetFormatException;
import io.convspark.kernels.fs.AtomicFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Copies a stream to a file only if its SHA-256 is the expected one: the bytes are hashed on their
 * way into an {@linkplain AtomicFile atomic write}, which a mismatch aborts, so the temporary file is
 * deleted and the target is left untouched.
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
        AtomicFile.write(target, out -> {
            MessageDigest digest = Checksums.newSha256();
            in.transferTo(new DigestOutputStream(out, digest));
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(sha256)) {
                throw new DatasetFormatException("SHA-256 mismatch for " + target.getFileName() + " from " + source
                        + ": expected " + sha256 + " (pinned), found " + actual + "; nothing was written to "
                        + target.toAbsolutePath().getParent());
            }
        });
    }
}
