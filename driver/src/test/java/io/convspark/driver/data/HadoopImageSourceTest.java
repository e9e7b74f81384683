package io.convspark.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.kernels.data.Cifar10Reader;
import io.convspark.kernels.data.DatasetFormatException;
import io.convspark.kernels.data.ImageDataset;
import java.io.DataOutputStream;
import java.io.FileNotFoundException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MNIST and CIFAR-10 files read through the Hadoop FileSystem API, with data generated in those formats. */
class HadoopImageSourceTest {
    @TempDir
    Path tmp;

    private static ImageDataset cifarBatch(int n, long seed) {
        Random rng = new Random(seed);
        byte[] px = new byte[n * Cifar10Reader.IMAGE_BYTES];
        rng.nextBytes(px);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(10);
        }
        return new ImageDataset(px, labels, 3, 32, 32, 10, Cifar10Reader.CLASS_NAMES);
    }

    @Test
    void readsCifar10BatchesFromAHadoopUri() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cifar").resolve(Cifar10Reader.ARCHIVE_DIR));
        ImageDataset[] parts = new ImageDataset[5];
        for (int b = 0; b < 5; b++) {
            parts[b] = cifarBatch(20, b);
            try (OutputStream out = Files.newOutputStream(dir.resolve(Cifar10Reader.TRAIN_FILES.get(b)))) {
                Cifar10Reader.write(parts[b], out);
            }
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve(Cifar10Reader.TEST_FILE))) {
            Cifar10Reader.write(cifarBatch(7, 9), out);
        }
        HadoopImageSource src = HadoopImageSource.parse("cifar10:" + tmp.resolve("cifar").toUri());
        ImageDataset train = src.load(true, new Configuration());
        assertEquals(100, train.size());
        assertEquals(3, train.channels());
        assertEquals(parts[3].label(5), train.label(65));
        assertEquals(parts[4].pixel(19, 2, 31, 31), train.pixel(99, 2, 31, 31));
        assertEquals(7, src.load(false, new Configuration()).size());
    }

    @Test
    void readsGzippedMnistAndNamesMissingOrCorruptFiles() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mnist"));
        writeIdx(dir.resolve("train-images-idx3-ubyte.gz"), 2051, 3, new byte[3 * 784]);
        writeIdx(dir.resolve("train-labels-idx1-ubyte.gz"), 2049, 3, new byte[] {1, 2, 3});
        HadoopImageSource src = HadoopImageSource.parse("mnist:" + dir.toUri());
        ImageDataset train = src.load(true, new Configuration());
        assertEquals(3, train.size());
        assertEquals(2, train.label(1));
        FileNotFoundException missing = assertThrows(FileNotFoundException.class,
                () -> src.load(false, new Configuration()));
        assertTrue(missing.getMessage().contains("t10k-images-idx3-ubyte"), missing.getMessage());
        writeIdx(dir.resolve("t10k-images-idx3-ubyte.gz"), 2051, 5, new byte[2 * 784]);
        writeIdx(dir.resolve("t10k-labels-idx1-ubyte.gz"), 2049, 5, new byte[5]);
        DatasetFormatException truncated = assertThrows(DatasetFormatException.class,
                () -> src.load(false, new Configuration()));
        assertTrue(truncated.getMessage().contains("t10k-images-idx3-ubyte.gz"), truncated.getMessage());
        FileNotFoundException noDir = assertThrows(FileNotFoundException.class,
                () -> HadoopImageSource.parse("mnist:" + tmp.resolve("nowhere").toUri()).load(true, new Configuration()));
        assertTrue(noDir.getMessage().contains("nowhere"), noDir.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HadoopImageSource.parse("svhn:/data"));
    }

    private static void writeIdx(Path file, int magic, int count, byte[] body) throws Exception {
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(magic);
            out.writeInt(count);
            if (magic == 2051) {
                out.writeInt(28);
                out.writeInt(28);
            }
            out.write(body);
        }
    }
}
