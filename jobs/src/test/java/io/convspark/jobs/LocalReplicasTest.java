package io.convspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.jobs.ConvsparkCliTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --engine local --replicas N}: trains as N replicas and writes the run; bad settings get one clear line. */
class LocalReplicasTest {
    @TempDir
    Path tmp;

    @Test
    void trainsAsReplicasAndWritesTheRun() throws Exception {
        Path data = TestMnist.write(tmp.resolve("mnist"), 300, 60);
        Path modelJson = Files.writeString(tmp.resolve("small.json"), PredictScoringTest.MODEL);
        Path run = tmp.resolve("run");
        Result train = ConvsparkCliTest.run("train", "--engine", "local", "--replicas", "2", "--model",
                modelJson.toString(), "--data", "mnist:" + data, "--epochs", "2", "--batch-size", "32",
                "--learning-rate", "0.01", "--out", run.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("engine local, 2 replicas of 1 thread"), train.out());
        assertTrue(train.out().contains("Epoch 2/2"), train.out());
        assertTrue(Files.size(run.resolve("model.convspark")) > 0);
        assertTrue(Files.readString(run.resolve("metrics.json")).contains("\"replicas\" : 2"),
                Files.readString(run.resolve("metrics.json")));
    }

    @Test
    void badReplicaSettingsGiveOneClearLine() throws Exception {
        Path data = TestMnist.write(tmp.resolve("mnist"), 100, 20);
        String[] base = {"train", "--model", "../conf/models/mnist-deitel.json", "--data", "mnist:" + data};
        Result zero = ConvsparkCliTest.run(concat(base, "--engine", "local", "--replicas", "0"));
        assertEquals(2, zero.code());
        assertTrue(zero.err().contains("--replicas: expected a count >= 1, got 0"), zero.err());
        Result spark = ConvsparkCliTest.run(concat(base, "--replicas", "2"));
        assertEquals(2, spark.code());
        assertTrue(spark.err().contains("--replicas is for --engine local"), spark.err());
        Result both = ConvsparkCliTest.run(concat(base, "--engine", "local", "--replicas", "2", "--threads", "2"));
        assertEquals(2, both.code());
        assertTrue(both.err().contains("--replicas and --threads"), both.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
