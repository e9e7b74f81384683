package io.convspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.jobs.ConvsparkCliTest.Result;
import io.convspark.kernels.model.io.ModelFile;
import io.convspark.kernels.model.io.SavedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --callbacks FILE} and the model file every run directory gets. */
class TrainCallbacksTest {
    private static final String MODEL = "{\"name\": \"flat\", \"input\": {\"channels\": 1, \"height\": 28, \"width\": 28},"
            + " \"layers\": [{\"type\": \"Flatten\"}, {\"type\": \"Dense\", \"units\": 10, \"activation\": \"softmax\"}]}";

    @Test
    void trainRunsTheCallbacksAndWritesTheModelFile(@TempDir Path tmp) throws Exception {
        Path data = TestMnist.write(tmp.resolve("mnist"), 200, 50);
        Path model = Files.writeString(tmp.resolve("flat.json"), MODEL);
        Path callbacks = Files.writeString(tmp.resolve("callbacks.json"), "[{\"type\": \"CSVLogger\", \"filename\": \""
                + tmp.resolve("log.csv") + "\"}, {\"type\": \"ModelCheckpoint\", \"filepath\": \""
                + tmp.resolve("ckpt-{epoch:02d}.convspark") + "\"}, {\"type\": \"TerminateOnNaN\"}]");
        Path out = tmp.resolve("run");
        Result r = ConvsparkCliTest.run("train", "--model", model.toString(), "--data", "mnist:" + data,
                "--engine", "local", "--epochs", "2", "--batch-size", "32", "--normalize", "standardize", "--threads", "1",
                "--callbacks", callbacks.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(3, Files.readAllLines(tmp.resolve("log.csv")).size(), "header and two epochs");
        assertTrue(Files.isRegularFile(tmp.resolve("ckpt-01.convspark")));
        SavedModel saved = ModelFile.load(out.resolve("model.convspark"));
        assertEquals(2, saved.training().get("epoch"));
        assertEquals(32, saved.training().get("batch_size"));
        assertEquals("sparse_categorical_crossentropy", saved.training().get("loss"));
        assertEquals("Standardization", ((Map<?, ?>) saved.training().get("normalizer")).get("type"));
        assertEquals(2 * 6, saved.iterations(), "ceil(180 / 32) steps per epoch (10% held out for validation)");
        assertEquals(2, ModelFile.load(tmp.resolve("ckpt-02.convspark")).training().get("epoch"));
    }

    @Test
    void badCallbacksFileFailsBeforeLoadingData(@TempDir Path tmp) throws Exception {
        Path bad = Files.writeString(tmp.resolve("cb.json"), "[{\"type\": \"EarlyStopping\", \"patiense\": 3}]");
        Result r = ConvsparkCliTest.run("train", "--model", "../conf/models/mnist-deitel.json", "--data",
                "mnist:" + tmp, "--callbacks", bad.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--callbacks " + bad) && r.err().contains("unknown setting 'patiense'"),
                r.err());

        Path notJson = Files.writeString(tmp.resolve("cb2.json"), "{\"type\": \"EarlyStopping\"}");
        Result r2 = ConvsparkCliTest.run("train", "--model", "../conf/models/mnist-deitel.json", "--data",
                "mnist:" + tmp, "--callbacks", notJson.toString());
        assertEquals(2, r2.code());
        assertTrue(r2.err().contains("expected a JSON list"), r2.err());

        Result missing = ConvsparkCliTest.run("train", "--model", "../conf/models/mnist-deitel.json", "--data",
                "mnist:" + tmp, "--callbacks", tmp.resolve("none.json").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("none.json"), missing.err());
    }
}
