package io.convspark.kernels.train.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.kernels.model.io.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ModelCheckpoint: file name templates, save_best_only, and never a non-finite model. */
class ModelCheckpointTest {
    @TempDir
    Path dir;

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void templateFormatsEpochFromOneAndMetrics() {
        FilepathTemplate t = new FilepathTemplate("ckpt-{epoch:02d}-{val_loss:.2f}-{{x}}.convspark");
        assertEquals("ckpt-05-0.12-{x}.convspark", t.format(4, Map.of("val_loss", 0.12345)));
        assertEquals("e3-0.5.convspark", new FilepathTemplate("e{epoch}-{loss}.convspark").format(2,
                Map.of("loss", 0.5)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FilepathTemplate("{val_acc}.convspark").format(0, Map.of("loss", 1.0)));
        assertTrue(e.getMessage().contains("'{val_acc}' is neither 'epoch' nor a log key"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FilepathTemplate("{epoch.convspark"));
    }

    @Test
    void savesEveryEpochByDefaultWithTheEpochInTheTrainingConfig() throws IOException {
        ModelCheckpoint mc = new ModelCheckpoint(dir + "/m-{epoch}.convspark", Map.of("loss", "mse"));
        new FakeControl().run(mc, "val_loss", 3, 2, 4);
        assertEquals(List.of("m-1.convspark", "m-2.convspark", "m-3.convspark"), files());
        var loaded = ModelFile.load(dir.resolve("m-2.convspark"));
        assertEquals(2, loaded.training().get("epoch"));
        assertEquals(1f, loaded.model().parameters().values()[0], "the weights at the end of epoch 2");
    }

    @Test
    void saveBestOnlyWritesOnStrictImprovement() throws IOException {
        ModelCheckpoint mc = new ModelCheckpoint(dir + "/best-{epoch}.convspark", "val_loss", Mode.AUTO, true,
                false, null, Map.of());
        new FakeControl().run(mc, "val_loss", 3, 2, 2, 4, 1);
        assertEquals(List.of("best-1.convspark", "best-2.convspark", "best-5.convspark"), files());
        assertEquals(1.0, mc.best());

        ModelCheckpoint threshold = new ModelCheckpoint(dir + "/acc.convspark", "val_accuracy", Mode.AUTO, true,
                true, 0.8, Map.of());
        FakeControl c = new FakeControl();
        c.run(threshold, "val_accuracy", 0.5, 0.7, 0.9, 0.85);
        assertEquals(2f, ModelFile.load(dir.resolve("acc.convspark")).model().parameters().values()[0]);
        assertEquals(null, ModelFile.load(dir.resolve("acc.convspark")).optimizer(), "save_weights_only");
    }

    @Test
    void neverWritesANonFiniteModel() throws IOException {
        ModelCheckpoint mc = new ModelCheckpoint(dir + "/last.convspark", Map.of());
        FakeControl c = new FakeControl();
        c.fillWeights(7);
        mc.onEpochEnd(0, Map.of("loss", 0.5), c);
        c.fillWeights(8);
        mc.onEpochEnd(1, Map.of("loss", Double.NaN), c);
        c.model().parameters().values()[0] = Float.POSITIVE_INFINITY;
        mc.onEpochEnd(2, Map.of("loss", 0.4), c);
        assertEquals(7f, ModelFile.load(dir.resolve("last.convspark")).model().parameters().values()[1],
                "the last good checkpoint is kept");
    }

    @Test
    void pathMustBeAModelFile() {
        assertThrows(IllegalArgumentException.class, () -> new ModelCheckpoint(dir + "/m.keras", Map.of()));
    }

    @Test
    void terminateOnNaNStopsOnAnInvalidBatchLoss() {
        FakeControl c = new FakeControl();
        TerminateOnNaN t = new TerminateOnNaN();
        t.onBatchEnd(0, 0, Map.of("loss", 1.0), c);
        assertFalse(c.stopRequested());
        t.onBatchEnd(0, 1, Map.of("loss", Double.POSITIVE_INFINITY), c);
        assertTrue(c.stopRequested());
        assertTrue(c.stopReason.contains("batch 1 of epoch 1: invalid loss Infinity"), c.stopReason);
    }
}
