package io.convspark.driver.spark;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.BufferedFSInputStream;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's raw local file system ({@code file:}, no {@code .crc} side files), fitted to folders of many small
 * images:
 * <ul>
 *   <li>permissions are set through {@code java.nio} instead of a {@code chmod} process. Without Hadoop's
 *       native library (Spark's jars do not bring it), {@link RawLocalFileSystem} forks {@code chmod} for every
 *       directory and file it creates with a permission: a Parquet write of 8 tasks forked about 19 processes,
 *       10-30 ms each, on the tasks' own threads. Permissions with a sticky bit, which {@code java.nio} cannot
 *       set, and file systems without POSIX attributes still go through Hadoop's way;</li>
 *   <li>a regular file is read through one {@link FileChannel} ({@link LocalChannelInputStream}), without the
 *       {@code FileInputStream} cleaner and per-stream IOStatistics of Hadoop's local stream: about 18 us less
 *       per small file (other files, and files that cannot be opened, go through Hadoop's way);</li>
 *   <li>a file is read through a buffer no larger than the file. Spark sets {@code io.file.buffer.size} to
 *       64 KiB, and every stream allocates and zeroes its buffer when opened: 650 MB of garbage for 10,000
 *       MNIST PNGs of about 300 bytes each.</li>
 * </ul>
 */
public class NioLocalFileSystem extends RawLocalFileSystem {
    private static final int MIN_BUFFER = 512;
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        java.nio.file.Path file = pathToFile(f).toPath();
        BasicFileAttributes attributes;
        FileChannel channel;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return super.open(f, bufferSize); // Hadoop names the error (a directory) or opens the device
            }
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException | UnsupportedOperationException e) {
            return super.open(f, bufferSize); // missing or unreadable: Hadoop's open throws its usual exception
        }
        int buffer = (int) Math.max(MIN_BUFFER, Math.min(bufferSize, attributes.size()));
        return new FSDataInputStream(new BufferedFSInputStream(new LocalChannelInputStream(channel, statistics),
                buffer));
    }

    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
        if (!POSIX || permission.getStickyBit()) {
            super.setPermission(p, permission);
            return;
        }
        Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(permission));
    }

    /** The POSIX permission bits of {@code permission}: user, group and other, each read, write, execute. */
    static Set<PosixFilePermission> posix(FsPermission permission) {
        Set<PosixFilePermission> bits = EnumSet.noneOf(PosixFilePermission.class);
        add(bits, permission.getUserAction(), PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE);
        add(bits, permission.getGroupAction(), PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE);
        add(bits, permission.getOtherAction(), PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE);
        return bits;
    }

    private static void add(Set<PosixFilePermission> bits, FsAction action, PosixFilePermission read,
                            PosixFilePermission write, PosixFilePermission execute) {
        if (action.implies(FsAction.READ)) {
            bits.add(read);
        }
        if (action.implies(FsAction.WRITE)) {
            bits.add(write);
        }
        if (action.implies(FsAction.EXECUTE)) {
            bits.add(execute);
        }
    }
}
