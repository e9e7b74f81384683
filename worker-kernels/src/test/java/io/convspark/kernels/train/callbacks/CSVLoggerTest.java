package io.convspark.kernels.train.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.convspark.kernels.train.History;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSVLogger writes sorted columns, one flushed row per epoch, and appends without a second header. */
class CSVLoggerTest {
    private static Map<String, Double> logs(double loss, double acc, Double valLoss) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", loss);
        m.put("accuracy", acc);
        if (valLoss != null) {
            m.put("val_loss", valLoss);
        }
        return m;
    }

    @Test
    void writesOneFlushedRowPerEpochAndAppends(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub/log.csv");
        FakeControl c = new FakeControl();
        CSVLogger logger = new CSVLogger(file);
        logger.onTrainBegin(c);
        logger.onEpochEnd(0, logs(0.5, 0.75, 0.6), c);
        assertEquals(List.of("epoch,accuracy,loss,val_loss", "0,0.75,0.5,0.6"), Files.readAllLines(file),
                "flushed after the epoch");
        logger.onEpochEnd(1, logs(0.25, 0.875, null), c);
        logger.onTrainEnd(new History(), c);
        assertEquals(List.of("epoch,accuracy,loss,val_loss", "0,0.75,0.5,0.6", "1,0.875,0.25,NA"),
                Files.readAllLines(file));

        CSVLogger again = new CSVLogger(file, ",", true);
        again.onTrainBegin(c);
        again.onEpochEnd(2, logs(0.125, 0.9, 0.2), c);
        again.onTrainEnd(new History(), c);
        assertEquals(4, Files.readAllLines(file).size());
        assertEquals("2,0.9,0.125,0.2", Files.readAllLines(file).get(3));

        CSVLogger fresh = new CSVLogger(file, ";", false);
        fresh.onTrainBegin(c);
        fresh.onEpochEnd(0, logs(1, 0, 1.0), c);
        fresh.onTrainEnd(new History(), c);
        assertEquals(List.of("epoch;accuracy;loss;val_loss", "0;0.0;1.0;1.0"), Files.readAllLines(file));
    }
}
