package io.convspark.driver.spark;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.hadoop.fs.FSExceptionMessages;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileSystem;

/**
 * A local file read through one {@link FileChannel}, for {@link NioLocalFileSystem#open}: sequential reads at the
 * channel's position, positioned reads without moving it, bytes read counted in the file system's statistics
 * (Spark's input metrics come from them). Hadoop's own local stream builds a {@code FileInputStream} with its
 * cleaner and an IOStatistics store of five counters per open: opening and reading a 300-byte PNG through it took
 * ~26 us, through this ~8 us.
 */
final class LocalChannelInputStream extends FSInputStream {
    private final FileChannel channel;
    private final FileSystem.Statistics statistics;

    LocalChannelInputStream(FileChannel channel, FileSystem.Statistics statistics) {
        this.channel = channel;
        this.statistics = statistics;
    }

    @Override
    public void seek(long pos) throws IOException {
        if (pos < 0) {
            throw new EOFException(FSExceptionMessages.NEGATIVE_SEEK);
        }
        channel.position(pos);
    }

    @Override
    public long getPos() throws IOException {
        return channel.position();
    }

    @Override
    public boolean seekToNewSource(long targetPos) {
        return false;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        return counted(channel.read(ByteBuffer.wrap(b, off, len)));
    }

    @Override
    public int read(long position, byte[] b, int off, int len) throws IOException {
        validatePositionedReadArgs(position, b, off, len);
        if (len == 0) {
            return 0;
        }
        return counted(channel.read(ByteBuffer.wrap(b, off, len), position));
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, channel.size() - channel.position()));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private int counted(int n) {
        if (n > 0 && statistics != null) {
            statistics.incrementBytesRead(n);
        }
        return n;
    }
}
