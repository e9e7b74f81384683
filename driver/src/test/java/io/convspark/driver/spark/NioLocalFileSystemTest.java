package io.convspark.driver.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NioLocalFileSystemTest {
    @TempDir
    java.nio.file.Path tmp;

    private FileSystem fileSystem() throws Exception {
        Configuration conf = new Configuration(false);
        conf.set("fs.file.impl", NioLocalFileSystem.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        conf.setInt("io.file.buffer.size", 65536);
        FileSystem fs = FileSystem.get(tmp.toUri(), conf);
        assertTrue(fs instanceof NioLocalFileSystem, fs.getClass().getName());
        return fs;
    }

    @Test
    void permissionsOfCreatedFilesAndDirectoriesAreSetAsHadoopWould() throws Exception {
        FileSystem fs = fileSystem();
        Path dir = new Path(tmp.resolve("a/b").toUri());
        assertTrue(fs.mkdirs(dir, new FsPermission((short) 0750)));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("a/b"))));
        Path file = new Path(dir, "part-0.parquet");
        try (FSDataOutputStream out = fs.create(file, new FsPermission((short) 0640), false, 4096, (short) 1,
                1 << 20, null)) {
            out.write(new byte[] {1, 2, 3});
        }
        assertEquals("rw-r-----", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(tmp.resolve("a/b/part-0.parquet"))));
        fs.setPermission(file, new FsPermission((short) 0604));
        assertEquals((short) 0604, fs.getFileStatus(file).getPermission().toShort());
        for (short mode : new short[] {0, 0777, 0421, 0135}) {
            assertEquals(PosixFilePermissions.fromString(new FsPermission(mode).toString()),
                    NioLocalFileSystem.posix(new FsPermission(mode)), Integer.toOctalString(mode));
        }
    }

    @Test
    void smallAndLargeFilesReadBackWholeAndAMissingOneIsNamed() throws Exception {
        FileSystem fs = fileSystem();
        Random random = new Random(3);
        for (int size : new int[] {0, 1, 300, 4096, 200_000}) {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            java.nio.file.Path f = tmp.resolve("f" + size + ".png");
            Files.write(f, bytes);
            try (FSDataInputStream in = fs.open(new Path(f.toUri()))) {
                assertArrayEquals(bytes, in.readAllBytes(), "size " + size);
            }
        }
        Path missing = new Path(tmp.resolve("missing.png").toUri());
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> fs.open(missing));
        assertTrue(e.getMessage().contains("missing.png"), e.getMessage());
    }

    @Test
    void streamsSeekReadAtPositionsAndCountTheBytesRead() throws Exception {
        FileSystem fs = fileSystem();
        byte[] bytes = new byte[5000];
        new Random(9).nextBytes(bytes);
        java.nio.file.Path f = tmp.resolve("s.bin");
        Files.write(f, bytes);
        Path path = new Path(f.toUri());
        FileSystem.Statistics stats = FileSystem.getStatistics("file", NioLocalFileSystem.class);
        long before = stats.getBytesRead();
        try (FSDataInputStream in = fs.open(path, 1024)) {
            assertEquals(bytes[0] & 0xFF, in.read());
            in.seek(4000);
            assertEquals(4000, in.getPos());
            byte[] tail = in.readAllBytes();
            assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 4000, 5000), tail);
            assertEquals(-1, in.read());
            byte[] middle = new byte[300];
            in.readFully(1234, middle);
            assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 1234, 1534), middle);
            assertEquals(5000, in.getPos(), "a positioned read leaves the position");
            in.seek(10);
            assertEquals(4990, in.available());
            assertThrows(java.io.EOFException.class, () -> in.seek(-1));
            assertThrows(java.io.EOFException.class, () -> in.readFully(4900, new byte[200]));
        }
        assertTrue(stats.getBytesRead() - before >= 1 + 1000 + 300, "bytes read " + (stats.getBytesRead() - before));
        Path dir = new Path(tmp.toUri());
        assertThrows(java.io.IOException.class, () -> fs.open(dir).read());
    }
}
