package io.convspark.kernels.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed atomic write leaves the old file whole and no temporary file behind. */
class AtomicFileTest {
    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void replacesWholeOrNotAtAll(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("sub/file.bin");
        AtomicFile.write(target, out -> out.write("old".getBytes(StandardCharsets.UTF_8)));
        assertEquals("old", Files.readString(target));
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(target, out -> {
            out.write("new but cut sho".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(target), "the old file is untouched");
        assertEquals(List.of(target), files(target.getParent()), "the temporary file is deleted");
        AtomicFile.write(target, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));
        assertEquals("new", Files.readString(target));
        assertEquals(List.of(target), files(target.getParent()));
    }
}
