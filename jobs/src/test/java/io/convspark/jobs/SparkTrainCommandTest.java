package io.convspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.convspark.jobs.ConvsparkCliTest.Result;
import io.convspark.kernels.model.io.ModelFile;
import io.convspark.kernels.model.io.SavedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convspark train} on the embedded Spark: run directory, checkpoints, {@code --resume}, bad options. */
class SparkTrainCommandTest {
    @Test
    void trainsOnTwoReplicasThenResumes(@TempDir Path tmp) throws Exception {
        Path data = TestMnist.write(tmp.resolve("mnist"), 720, 100);
        Path model = Files.writeString(tmp.resolve("small.json"), TestMnist.MODEL);
        Path out = tmp.resolve("run");
        Result r = ConvsparkCliTest.run("train", "--model", model.toString(), "--data", "mnist:" + data,
                "--epochs", "1", "--batch-size", "64", "--master", "local[2]", "--workers", "2",
                "--learning-rate", "0.01", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("engine spark (local[2]), 2 replica(s)"), r.out());
        assertTrue(r.out().contains("Epoch 1/1"), r.out());
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(2, metrics.get("workers").asInt());
        assertEquals("ring", metrics.get("sync").asText());
        assertTrue(metrics.get("test.accuracy").asDouble() > 0.5, metrics.toString());
        assertTrue(Files.isRegularFile(out.resolve("model.convspark")));
        assertTrue(Files.list(out.resolve("checkpoints")).anyMatch(p -> p.toString().endsWith(".ckpt")));

        Result again = ConvsparkCliTest.run("train", "--model", model.toString(), "--data", "mnist:" + data,
                "--epochs", "2", "--batch-size", "64", "--master", "local[2]", "--workers", "2",
                "--learning-rate", "0.01", "--out", out.toString());
        assertEquals(2, again.code(), "checkpoints of an earlier run need --resume");
        assertTrue(again.err().contains("--resume"), again.err());

        Result resumed = ConvsparkCliTest.run("train", "--model", model.toString(), "--data", "mnist:" + data,
                "--epochs", "2", "--batch-size", "64", "--master", "local[2]", "--workers", "2",
                "--learning-rate", "0.01", "--out", out.toString(), "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resuming from checkpoint of step 11"), resumed.out());
        SavedModel saved = ModelFile.load(out.resolve("model.convspark"));
        assertEquals(22, saved.iterations(), "ceil(648 / 64) = 11 steps per epoch, two epochs");
        JsonNode m2 = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(2, m2.get("history").size());
        assertEquals(11, m2.get("resumed_from_step").asInt());

        Path csv = tmp.resolve("pred/predictions.csv");
        Result predict = ConvsparkCliTest.run("predict", "--model", out.resolve("model.convspark").toString(),
                "--data", "mnist:" + data, "--output", csv.toString());
        assertEquals(0, predict.code(), predict.err());
        java.util.List<String> rows = Files.readAllLines(csv);
        assertEquals(101, rows.size(), "header and one row per test image");
        assertTrue(rows.get(0).startsWith("index,label,prediction,confidence,p0,"), rows.get(0));
        assertEquals(14, rows.get(1).split(",").length);
        Result badSplit = ConvsparkCliTest.run("predict", "--model", out.resolve("model.convspark").toString(),
                "--data", "mnist:" + data, "--output", csv.toString(), "--split", "val");
        assertEquals(2, badSplit.code());
        assertTrue(badSplit.err().contains("--split: expected test or train"), badSplit.err());
    }

    @Test
    void kerasCallbacksRunOnTheDriverWithEitherSync(@TempDir Path tmp) throws Exception {
        Path data = TestMnist.write(tmp.resolve("mnist"), 400, 50);
        Path model = Files.writeString(tmp.resolve("small.json"), TestMnist.MODEL);
        for (String sync : new String[] {"ring", "driver"}) {
            Path dir = Files.createDirectories(tmp.resolve(sync));
            Path callbacks = Files.writeString(dir.resolve("callbacks.json"), "[{\"type\": \"CSVLogger\", "
                    + "\"filename\": \"" + dir.resolve("log.csv") + "\"}, {\"type\": \"ModelCheckpoint\", \"filepath\": \""
                    + dir.resolve("ckpt-{epoch:02d}.convspark") + "\"}, {\"type\": \"EarlyStopping\", \"monitor\": "
                    + "\"loss\", \"mode\": \"max\", \"patience\": 1}, {\"type\": \"TerminateOnNaN\"}]");
            Result r = ConvsparkCliTest.run("train", "--model", model.toString(), "--data", "mnist:" + data,
                    "--epochs", "5", "--batch-size", "64", "--master", "local[2]", "--workers", "2", "--sync", sync,
                    "--callbacks", callbacks.toString(), "--out", dir.resolve("run").toString());
            assertEquals(0, r.code(), sync + ": " + r.err());
            assertEquals(3, Files.readAllLines(dir.resolve("log.csv")).size(), sync + ": header and two epochs: "
                    + "EarlyStopping (a falling loss is no improvement in mode max; patience 1) stopped every replica "
                    + "after epoch 2");
            assertTrue(Files.isRegularFile(dir.resolve("ckpt-02.convspark")), sync);
            assertTrue(r.out().contains("Stopped early: EarlyStopping"), sync + ": " + r.out());
            SavedModel saved = ModelFile.load(dir.resolve("run/model.convspark"));
            assertEquals(2, ((Number) saved.training().get(SavedModel.EPOCH)).intValue(), sync + ": epochs run");
        }
    }

    @Test
    void readsDataThroughAHadoopFileSystemUri(@TempDir Path tmp) throws Exception {
        Path data = TestMnist.write(tmp.resolve("mnist"), 200, 30);
        Result r = ConvsparkCliTest.run("train", "--model", "../conf/models/mnist-chollet.json", "--data",
                "mnist:" + data.toUri(), "--epochs", "1", "--max-steps-per-epoch", "2", "--master", "local[2]",
                "--workers", "2", "--out", tmp.resolve("run").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Training on 180 images"), r.out());
        Result missing = ConvsparkCliTest.run("train", "--model", "../conf/models/mnist-chollet.json", "--data",
                "mnist:" + tmp.resolve("absent").toUri(), "--master", "local[1]");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("absent") && missing.err().contains("does not exist"), missing.err());
    }

    @Test
    void jobConfigFilesGiveTheOptionsAndTheCommandLineOverridesThem(@TempDir Path tmp) throws Exception {
        Path data = TestMnist.write(tmp.resolve("mnist"), 200, 30);
        Path config = Files.writeString(tmp.resolve("job.yaml"), "model: ../conf/models/mnist-chollet.json\n"
                + "data: mnist:" + data + "\nepochs: 3\nbatch-size: 32\nmaster: local[2]\nmax-steps-per-epoch: 2\n"
                + "metrics: [accuracy]\n");
        Path out = tmp.resolve("run");
        Result r = ConvsparkCliTest.run("train", "--config", config.toString(), "--epochs", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(1, metrics.get("history").size(), "--epochs 1 on the command line overrides the file's 3");
        assertEquals(32, metrics.get("batch_size").asInt());

        Path bad = Files.writeString(tmp.resolve("bad.conf"), "epoch = 3\n");
        Result unknown = ConvsparkCliTest.run("train", "--config", bad.toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown option 'epoch'") && unknown.err().contains("epochs"), unknown.err());
        Result badExtension = ConvsparkCliTest.run("train", "--config", tmp.resolve("job.ini").toString());
        assertEquals(2, badExtension.code());
        assertTrue(badExtension.err().contains("job.ini: unknown kind of file"), badExtension.err());
    }

    @Test
    void badSparkOptionsAreRefused(@TempDir Path tmp) throws Exception {
        Path data = TestMnist.write(tmp.resolve("mnist"), 100, 20);
        Result sync = ConvsparkCliTest.run("train", "--model", "../conf/models/mnist-chollet.json", "--data",
                "mnist:" + data, "--sync", "gossip", "--master", "local[1]");
        assertEquals(2, sync.code());
        assertTrue(sync.err().contains("--sync: expected ring or driver, got 'gossip'"), sync.err());
        Result conf = ConvsparkCliTest.run("train", "--model", "../conf/models/mnist-chollet.json", "--data",
                "mnist:" + data, "--conf", "novalue", "--master", "local[1]");
        assertEquals(2, conf.code());
        assertTrue(conf.err().contains("--conf: expected KEY=VALUE"), conf.err());
        Result engine = ConvsparkCliTest.run("train", "--model", "../conf/models/mnist-chollet.json", "--data",
                "mnist:" + data, "--engine", "mpi");
        assertEquals(2, engine.code());
        assertTrue(engine.err().contains("--engine: expected spark or local"), engine.err());
    }
}
