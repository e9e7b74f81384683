package io.convspark.jobs.fetch;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal reader of (ustar / GNU) tar streams, enough for the CIFAR-10 archive: regular files
 * with their names and contents, other entries skipped. Each entry is a 512-byte header (name at
 * 0, octal size at 124, type flag at 156, ustar name prefix at 345) followed by the content padded
 * to 512 bytes; the archive ends with a zero block.
 */
final class TarReader {
    private static final int BLOCK = 512;

    /** One regular file of the archive; {@link #content()} is valid until the next {@link #next()}. */
    record Entry(String name, long size, InputStream content) {
    }

    private final InputStream in;
    private final String source;
    private long remaining;
    private long padding;

    TarReader(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /** The next regular file, or {@code null} at the end of the archive. */
    Entry next() throws IOException {
        skipFully(remaining + padding);
        remaining = 0;
        padding = 0;
        while (true) {
            byte[] header = new byte[BLOCK];
            if (!readBlock(header)) {
                return null;
            }
            if (isZero(header)) {
                return null;
            }
            String name = text(header, 0, 100);
            long size = octal(header, 124, 12, name);
            char type = (char) header[156];
            String magic = text(header, 257, 6);
            if (magic.startsWith("ustar")) {
                String prefix = text(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
            if (type == '0' || type == '\0') {
                remaining = size;
                padding = padded - size;
                return new Entry(name, size, new EntryStream());
            }
            skipFully(padded);
        }
    }

    private boolean readBlock(byte[] block) throws IOException {
        int read = in.readNBytes(block, 0, BLOCK);
        if (read == 0) {
            return false;
        }
        if (read < BLOCK) {
            throw new EOFException(source + ": truncated tar archive (a header of " + read + " bytes)");
        }
        return true;
    }

    private void skipFully(long n) throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException(source + ": truncated tar archive (" + left + " bytes missing)");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] b, int from, int length) {
        int end = from;
        while (end < from + length && b[end] != 0) {
            end++;
        }
        return new String(b, from, end - from, StandardCharsets.UTF_8);
    }

    private long octal(byte[] b, int from, int length, String name) throws IOException {
        String s = text(b, from, length).trim();
        try {
            return s.isEmpty() ? 0 : Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IOException(source + ": tar entry '" + name + "': expected an octal size, found '" + s + "'");
        }
    }

    /** The content of the current entry. */
    private final class EntryStream extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException(source + ": truncated tar archive (" + remaining + " bytes of an entry missing)");
            }
            remaining -= n;
            return n;
        }
    }
}
