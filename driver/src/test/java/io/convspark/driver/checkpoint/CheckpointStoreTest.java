package io.convspark.driver.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    @TempDir
    Path tmp;

    private static TrainingCheckpoint checkpoint(long step) {
        Map<String, float[]> opt = new LinkedHashMap<>();
        opt.put("m", new float[] {1, 2, 3});
        opt.put("v", new float[] {4, 5, 6});
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", 0.5);
        logs.put("accuracy", 0.9);
        return new TrainingCheckpoint(2, 7, step, new float[] {0.25f, -1f, 3f}, new float[] {9f}, opt, List.of(logs));
    }

    private static byte[] bytes(TrainingCheckpoint c) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.write(out);
        return out.toByteArray();
    }

    @Test
    void roundTripsEveryField() throws Exception {
        TrainingCheckpoint c = checkpoint(42);
        TrainingCheckpoint r = TrainingCheckpoint.read(new ByteArrayInputStream(bytes(c)), "mem");
        assertEquals(2, r.epoch());
        assertEquals(7, r.step());
        assertEquals(42, r.iterations());
        assertArrayEquals(c.values(), r.values());
        assertArrayEquals(c.state(), r.state());
        assertArrayEquals(c.optimizer().get("v"), r.optimizer().get("v"));
        assertEquals(c.history(), r.history());
    }

    @Test
    void corruptTruncatedAndForeignFilesAreRejectedWithTheirName() throws Exception {
        byte[] good = bytes(checkpoint(1));
        byte[] flipped = good.clone();
        flipped[30] ^= 0x10;
        CheckpointException e1 = assertThrows(CheckpointException.class,
                () -> TrainingCheckpoint.read(new ByteArrayInputStream(flipped), "ckpt-a"));
        assertTrue(e1.getMessage().startsWith("ckpt-a: CRC mismatch"), e1.getMessage());
        byte[] cut = Arrays.copyOf(good, good.length / 2);
        CheckpointException e2 = assertThrows(CheckpointException.class,
                () -> TrainingCheckpoint.read(new ByteArrayInputStream(cut), "ckpt-b"));
        assertTrue(e2.getMessage().contains("ckpt-b"), e2.getMessage());
        CheckpointException e3 = assertThrows(CheckpointException.class,
                () -> TrainingCheckpoint.read(new ByteArrayInputStream(new byte[64]), "ckpt-c"));
        assertTrue(e3.getMessage().contains("not a convspark checkpoint"), e3.getMessage());
    }

    @Test
    void keepsTheNewestAndFallsBackPastACorruptOne() throws Exception {
        CheckpointStore store = new CheckpointStore(tmp.toUri().toString(), new Configuration(), 2);
        store.write(checkpoint(10));
        store.write(checkpoint(20));
        store.write(checkpoint(30));
        assertEquals(2, store.newestFirst().size(), "only the newest two are kept");
        assertEquals(30, store.latest().orElseThrow().iterations());
        // a crash left garbage under the newest name: the previous good one is used
        Files.write(tmp.resolve(CheckpointStore.name(40)), new byte[] {1, 2, 3});
        assertEquals(30, store.latest().orElseThrow().iterations());
        try (var files = Files.list(tmp)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith("_tmp")), "no temporary file left");
        }
    }
}
