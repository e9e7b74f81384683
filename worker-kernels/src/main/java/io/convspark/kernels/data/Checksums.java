package io.convspark.kernels.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * SHA-256 verification of dataset files against a {@code sha256sum}-format list: one line per file,
 * {@code <64 hex digits><space><space or *><file name>}, names relative to the list's directory.
 */
public final class Checksums {
    /** The conventional name of the list. */
    public static final String SUMS_FILE = "SHA256SUMS";

    private Checksums() {
    }

    /** Verifies every file listed in {@code dir/SHA256SUMS}; returns the verified files in list order. */
    public static List<Path> verify(Path dir) throws IOException {
        return verify(dir, SUMS_FILE);
    }

    /**
     * Verifies every file listed in {@code dir/sumsFile}. Throws a {@link DatasetFormatException}
     * naming the file, the expected and the actual hash on the first mismatch, and a
     * {@link NoSuchFileException} for a listed file that is missing.
     */
    public static List<Path> verify(Path dir, String sumsFile) throws IOException {
        Path list = dir.resolve(sumsFile);
        List<Path> verified = new ArrayList<>();
        for (Listed e : read(list)) {
            Path file = dir.resolve(e.name());
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString(), null, "listed in " + list + " (line " + e.line()
                        + ") but missing");
            }
            String actual = sha256(file);
            if (!actual.equals(e.sha256())) {
                throw new DatasetFormatException("SHA-256 mismatch for " + file + ": expected " + e.sha256()
                        + " (from " + list + "), actual " + actual);
            }
            verified.add(file);
        }
        return verified;
    }

    /** One line of a list: a file name, its lower-case hex SHA-256, and the line number (from 1). */
    public record Listed(String name, String sha256, int line) {
    }

    /**
     * Reads a {@code sha256sum}-format list, in list order. Blank
     * lines and {@code #} comments are skipped; a list naming no file is rejected.
     */
    public static List<Listed> read(Path list) throws IOException {
        List<String> lines = Files.readAllLines(list, StandardCharsets.UTF_8);
        List<Listed> sums = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.indexOf(' ');
            String expected = space < 0 ? line : line.substring(0, space).toLowerCase(Locale.ROOT);
            if (space < 0 || !expected.matches("[0-9a-f]{64}")) {
                throw new DatasetFormatException(list + ": line " + (i + 1)
                        + " is not '<64 hex digits>  <file name>': " + line);
            }
            String name = line.substring(space + 1);
            if (name.startsWith(" ") || name.startsWith("*")) {
                name = name.substring(1);
            }
            if (name.isEmpty()) {
                throw new DatasetFormatException(list + ": line " + (i + 1) + " has no file name: " + line);
            }
            sums.add(new Listed(name, expected, i + 1));
        }
        if (sums.isEmpty()) {
            throw new DatasetFormatException(list + ": lists no files");
        }
        return sums;
    }

    /** Lower-case hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    /** Lower-case hex SHA-256 of everything left in a stream (not closed). */
    public static String sha256(InputStream in) throws IOException {
        MessageDigest digest = newSha256();
        byte[] buf = new byte[1 << 16];
        for (int r; (r = in.read(buf)) >= 0; ) {
            digest.update(buf, 0, r);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Lower-case hex SHA-256 of bytes in memory. */
    public static String sha256(byte[] data) {
        return HexFormat.of().formatHex(newSha256().digest(data));
    }

    /** A fresh SHA-256 digest (every JVM has one). */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM provides no SHA-256", e);
        }
    }
}
