package io.convspark.kernels.model.io;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The zip container of a model file, read and written as a stream (so it works through Hadoop
 * FileSystem streams as well as local files). Reading is strict: every entry's CRC is checked,
 * duplicate names are rejected, and the stream must end with the zip end-of-central-directory
 * record, so a file cut short anywhere is reported as truncated.
 */
final class ZipEntries {
    /** Signature of the end-of-central-directory record, little-endian {@code 0x06054b50}. */
    private static final int EOCD_SIGNATURE = 0x06054b50;
    /** Size of that record without a comment (this writer adds none). */
    private static final int EOCD_SIZE = 22;

    private ZipEntries() {
    }

    /** Writes the entries in order (deflated); finishes the zip but leaves {@code out} open. */
    static void write(OutputStream out, Map<String, byte[]> entries) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        });
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            zip.putNextEntry(new ZipEntry(e.getKey()));
            zip.write(e.getValue());
            zip.closeEntry();
        }
        zip.finish();
        zip.flush();
    }

    /** Reads every entry into memory, in file order; errors name {@code source} and the entry. */
    static Map<String, byte[]> read(InputStream in, String source) throws ModelFileException {
        TailKeeping raw = new TailKeeping(in);
        ZipInputStream zip = new ZipInputStream(raw);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        String current = null;
        try {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                current = e.getName();
                ByteArrayOutputStream data = new ByteArrayOutputStream();
                zip.transferTo(data);
                if (entries.put(current, data.toByteArray()) != null) {
                    throw ModelFileException.inEntry(source, current, "appears twice in the zip");
                }
                current = null;
            }
            raw.transferTo(OutputStream.nullOutputStream());
        } catch (EOFException e) {
            throw truncated(source, current, e);
        } catch (ZipException e) {
            throw new ModelFileException(source + ": corrupt zip" + (current == null ? "" : " in entry '" + current
                    + "'") + ": " + e.getMessage(), e);
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelFileException(source + ": cannot read" + (current == null ? "" : " entry '" + current
                    + "'") + ": " + e, e);
        }
        if (entries.isEmpty()) {
            throw new ModelFileException(source + ": not a convspark model file: expected a zip archive starting "
                    + "with entry '" + ModelFile.MANIFEST + "', found no zip entries (" + raw.count + " bytes)");
        }
        if (!raw.endsWithEndRecord()) {
            throw truncated(source, null, null);
        }
        return entries;
    }

    private static ModelFileException truncated(String source, String entry, Exception cause) {
        return new ModelFileException(source + ": truncated" + (entry == null ? "" : " in entry '" + entry + "'")
                + ": expected a complete zip ending with its end-of-central-directory record, found the data cut "
                + "short" + (cause == null ? "" : " (" + cause.getMessage() + ")"), cause);
    }

    /** Passes bytes through, counting them and remembering the last {@value #EOCD_SIZE}. */
    private static final class TailKeeping extends FilterInputStream {
        private final byte[] tail = new byte[EOCD_SIZE];
        private long count;

        TailKeeping(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                keep(new byte[] {(byte) b}, 0, 1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                keep(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = 0;
            byte[] buf = new byte[8192];
            while (skipped < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        private void keep(byte[] b, int off, int n) {
            if (n >= EOCD_SIZE) {
                System.arraycopy(b, off + n - EOCD_SIZE, tail, 0, EOCD_SIZE);
            } else {
                System.arraycopy(tail, n, tail, 0, EOCD_SIZE - n);
                System.arraycopy(b, off, tail, EOCD_SIZE - n, n);
            }
            count += n;
        }

        boolean endsWithEndRecord() {
            int signature = (tail[0] & 0xFF) | (tail[1] & 0xFF) << 8 | (tail[2] & 0xFF) << 16 | (tail[3] & 0xFF) << 24;
            return count >= EOCD_SIZE && signature == EOCD_SIGNATURE;
        }
    }
}
