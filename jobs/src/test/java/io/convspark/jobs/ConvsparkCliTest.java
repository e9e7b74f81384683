package io.convspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: help, summary, and one clear line (exit code 2) for each kind of bad argument. */
class ConvsparkCliTest {
    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = ConvsparkCli.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void summaryPrintsKerasTable() {
        Result r = run("summary", "--model", "../conf/models/mnist-chollet.json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Total params: 93,322"), r.out());
    }

    @Test
    void helpForEveryCommand() {
        for (String cmd : new String[] {"train", "evaluate", "summary"}) {
            Result r = run(cmd, "--help");
            assertEquals(0, r.code());
            assertTrue(r.out().contains("--model"), r.out());
        }
    }

    @Test
    void badArgumentsGiveOneClearLine(@TempDir Path tmp) {
        Result missing = run("train", "--data", "mnist:" + tmp);
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--model"), missing.err());

        Result badFormat = run("train", "--model", "../conf/models/mnist-deitel.json", "--data", "imagenet:" + tmp);
        assertEquals(2, badFormat.code());
        assertTrue(badFormat.err().contains("unknown format 'imagenet'"), badFormat.err());

        Result noDir = run("train", "--model", "../conf/models/mnist-deitel.json", "--data", "mnist:/no/such/dir");
        assertEquals(2, noDir.code());
        assertTrue(noDir.err().contains("/no/such/dir"), noDir.err());

        Result noFiles = run("train", "--model", "../conf/models/mnist-deitel.json", "--data", "mnist:" + tmp);
        assertEquals(2, noFiles.code());
        assertTrue(noFiles.err().contains(tmp.toString()), noFiles.err());

        Result badAugment = run("train", "--model", "../conf/models/mnist-deitel.json", "--data", "mnist:" + tmp,
                "--augment", "shift=0.1,blur=2");
        assertEquals(2, badAugment.code());
        assertTrue(badAugment.err().contains("unknown item 'blur'"), badAugment.err());

        Result badRange = run("train", "--model", "../conf/models/mnist-deitel.json", "--data", "mnist:" + tmp,
                "--augment", "zoom=3");
        assertEquals(2, badRange.code());
        assertTrue(badRange.err().contains("zoom"), badRange.err());

        Result badModel = run("summary", "--model", tmp.resolve("nope.json").toString());
        assertEquals(2, badModel.code());
        assertTrue(badModel.err().contains("nope.json"), badModel.err());
    }

    @Test
    void evaluateArgumentsAreChecked(@TempDir Path tmp) throws IOException {
        Result noModel = run("evaluate", "--data", "mnist:" + tmp);
        assertEquals(2, noModel.code());
        assertTrue(noModel.err().contains("--model"), noModel.err());

        Result noFile = run("evaluate", "--model", tmp.resolve("gone.convspark").toString(), "--data", "mnist:" + tmp);
        assertEquals(2, noFile.code());
        assertTrue(noFile.err().contains("evaluate: error: --model: no such file"), noFile.err());

        Path modelFile = Files.writeString(tmp.resolve("model.convspark"), "zip");
        Result badFormat = run("evaluate", "--model", modelFile.toString(), "--data", "imagenet:" + tmp);
        assertEquals(2, badFormat.code());
        assertTrue(badFormat.err().contains("unknown format 'imagenet'"), badFormat.err());

        Result badBatch = run("evaluate", "--model", modelFile.toString(), "--data", "mnist:" + tmp, "--batch-size", "0");
        assertEquals(2, badBatch.code());
        assertTrue(badBatch.err().contains("--batch-size must be >= 1, got 0"), badBatch.err());

        Result corrupt = run("evaluate", "--model", modelFile.toString(), "--data", "mnist:" + tmp,
                "--out", tmp.resolve("out").toString());
        assertEquals(2, corrupt.code());
        assertTrue(corrupt.err().contains(modelFile.toString()), "the error names the corrupt file: " + corrupt.err());
    }
}
