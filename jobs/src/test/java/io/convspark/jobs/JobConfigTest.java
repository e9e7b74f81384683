package io.convspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** {@code train --config FILE} in JSON, YAML and HOCON: same options from each, clear errors, the shipped files. */
class JobConfigTest {
    private static final Path SHIPPED = Path.of("../conf/jobs");

    @TempDir
    Path tmp;

    private static CommandSpec train() {
        return new CommandLine(new TrainCommand()).getCommandSpec();
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name), content);
    }

    private static Map<String, String> read(Path file) {
        return JobConfig.read(file, train()).values();
    }

    private static UserError refused(Path file) {
        return assertThrows(UserError.class, () -> JobConfig.read(file, train()));
    }

    @Test
    void theSameSettingsInJsonYamlAndHoconGiveTheSameOptions() throws IOException {
        Path json = write("job.json", """
                {"model": "conf/models/mnist-deitel.json", "data": "mnist:data/mnist", "epochs": 3,
                 "batch-size": 32, "learning-rate": 0.001, "validation-split": 0.1, "resume": true,
                 "metrics": ["accuracy", "top_k_categorical_accuracy"], "master": "local-cluster[2,1,2048]",
                 "conf": ["spark.task.maxFailures=4", "spark.ui.enabled=false"], "augment": null}
                """);
        Path yaml = write("job.yaml", """
                # the same in YAML
                model: conf/models/mnist-deitel.json
                data: mnist:data/mnist
                epochs: 3
                batch-size: 32
                learning-rate: 0.001
                validation-split: 0.1
                resume: true
                metrics:
                  - accuracy
                  - top_k_categorical_accuracy
                master: local-cluster[2,1,2048]
                conf: [spark.task.maxFailures=4, spark.ui.enabled=false]
                augment:
                """);
        Path hocon = write("job.conf", """
                # the same in HOCON
                model = "conf/models/mnist-deitel.json"
                data = "mnist:data/mnist"
                epochs = 3
                batch-size = 32
                learning-rate = 0.001
                validation-split = 0.1
                resume = true
                metrics = [accuracy, top_k_categorical_accuracy]
                master = "local-cluster[2,1,2048]"
                conf = ["spark.task.maxFailures=4", "spark.ui.enabled=false"]
                augment = null
                """);
        Map<String, String> expected = new TreeMap<>(Map.of("model", "conf/models/mnist-deitel.json",
                "data", "mnist:data/mnist", "epochs", "3", "batch-size", "32", "learning-rate", "0.001",
                "validation-split", "0.1", "resume", "true", "metrics", "accuracy,top_k_categorical_accuracy",
                "master", "local-cluster[2,1,2048]", "conf", "spark.task.maxFailures=4,spark.ui.enabled=false"));
        assertEquals(expected, new TreeMap<>(read(json)), "JSON");
        assertEquals(expected, new TreeMap<>(read(yaml)), "YAML");
        assertEquals(expected, new TreeMap<>(read(hocon)), "HOCON");
        assertEquals(expected, new TreeMap<>(read(Files.copy(yaml, tmp.resolve("job.YML")))), ".YML, any case");
        assertEquals(expected, new TreeMap<>(read(Files.copy(hocon, tmp.resolve("job.hocon")))), ".hocon");
    }

    @Test
    void hoconIncludesAndSubstitutions() throws IOException {
        write("base.conf", "epochs = 5\nbatch-size = 64\noptimizer = adam\n");
        Path job = write("job.conf", """
                include "base.conf"
                epochs = 2
                out = "/tmp/runs/deitel"
                checkpoint-dir = ${out}"/checkpoints"
                data = "mnist:"${?HOME}"/mnist"
                model = ${?CONVSPARK_TEST_UNSET_VARIABLE}
                """);
        Map<String, String> v = read(job);
        assertEquals("2", v.get("epochs"), "a later key overrides the included one");
        assertEquals("64", v.get("batch-size"));
        assertEquals("/tmp/runs/deitel/checkpoints", v.get("checkpoint-dir"));
        assertEquals("mnist:" + System.getenv("HOME") + "/mnist", v.get("data"), "environment variables");
        assertFalse(v.containsKey("model"), "an unset optional substitution leaves the option out: " + v);
        UserError helper = refused(write("helper.conf", "dir = /tmp/mnist\ndata = \"mnist:\"${dir}\n"));
        assertTrue(helper.getMessage().contains("unknown option 'dir'"), "every key is an option: "
                + helper.getMessage());
    }

    @Test
    void anUnknownExtensionIsRefusedNamingTheFileAndTheKnownOnes() throws IOException {
        Path toml = write("job.toml", "epochs = 3\n");
        UserError e = refused(toml);
        assertEquals("--config " + toml + ": unknown kind of file; expected a name ending in .json, .yaml, .yml, "
                + ".conf, .hocon, found 'job.toml'", e.getMessage());
        UserError missing = refused(tmp.resolve("absent.yaml"));
        assertEquals("--config " + tmp.resolve("absent.yaml") + ": no such file", missing.getMessage());
    }

    @Test
    void syntaxErrorsNameTheFileTheLanguageAndThePlace() throws IOException {
        Path json = write("bad.json", "{\"epochs\": 3,\n \"batch-size\" 64}");
        UserError j = refused(json);
        assertTrue(j.getMessage().startsWith("--config " + json + ": not valid JSON (chosen by the extension): "),
                j.getMessage());
        assertTrue(j.getMessage().contains("line 2"), j.getMessage());

        Path yaml = write("bad.yaml", "epochs: 3\n  batch-size: 64\n");
        UserError y = refused(yaml);
        assertTrue(y.getMessage().startsWith("--config " + yaml + ": not valid YAML (chosen by the extension): "),
                y.getMessage());
        assertTrue(y.getMessage().contains("line 2"), y.getMessage());

        Path hocon = write("bad.conf", "epochs = 3\nbatch-size = {64\n");
        UserError h = refused(hocon);
        assertTrue(h.getMessage().startsWith("--config " + hocon + ": not valid HOCON (chosen by the extension): "),
                h.getMessage());
        assertTrue(h.getMessage().matches(".*bad\\.conf: \\d+: .*"), "Typesafe Config names the file and line: "
                + h.getMessage());

        UserError unresolved = refused(write("unresolved.conf", "data = ${nowhere}\n"));
        assertTrue(unresolved.getMessage().contains("not valid HOCON") && unresolved.getMessage().contains("nowhere"),
                unresolved.getMessage());

        UserError twice = refused(write("twice.yaml", "epochs: 3\nepochs: 4\n"));
        assertTrue(twice.getMessage().contains("Duplicate field 'epochs'"), twice.getMessage());
        UserError twoDocuments = refused(write("two.yaml", "epochs: 3\n---\nepochs: 4\n"));
        assertTrue(twoDocuments.getMessage().contains("not valid YAML"), twoDocuments.getMessage());
    }

    @Test
    void unknownKeysAndWrongShapesAreRefusedInEveryLanguage() throws IOException {
        for (Path file : List.of(write("typo.json", "{\"epoch\": 3}"), write("typo.yaml", "epoch: 3\n"),
                write("typo.conf", "epoch = 3\n"))) {
            UserError e = refused(file);
            assertTrue(e.getMessage().startsWith("--config " + file + ": unknown option 'epoch' for 'train'; valid: "),
                    e.getMessage());
            assertTrue(e.getMessage().contains("batch-size, callbacks, checkpoint-dir"), e.getMessage());
        }
        UserError list = refused(write("list.yaml", "- epochs: 3\n"));
        assertTrue(list.getMessage().contains("expected a YAML object of option names (e.g. epochs: 5), found ARRAY"),
                list.getMessage());
        UserError empty = refused(write("empty.yaml", "# nothing yet\n"));
        assertTrue(empty.getMessage().contains("found nothing"), empty.getMessage());
        UserError nested = refused(write("nested.conf", "spark { master = yarn }\n"));
        assertTrue(nested.getMessage().contains("unknown option 'spark'"), nested.getMessage());
        UserError object = refused(write("object.yaml", "epochs: {n: 3}\n"));
        assertTrue(object.getMessage().contains("option 'epochs' must be a string, number, boolean or list, found "
                + "OBJECT"), object.getMessage());
    }

    @Test
    void everyShippedJobConfigurationParsesAgainstTrainAndTheMirrorsAgree() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(SHIPPED)) {
            files = s.filter(p -> !p.getFileName().toString().equals("README.md")).sorted().toList();
        }
        assertTrue(files.size() >= 7, "shipped: " + files);
        int mirrors = 0;
        for (Path file : files) {
            Map<String, String> values = read(file);
            assertTrue(values.containsKey("model") && values.containsKey("data"), file + ": " + values);
            assertTrue(Files.isRegularFile(Path.of("..", values.get("model"))), file + ": no model file "
                    + values.get("model"));
            String name = file.getFileName().toString();
            if (!name.endsWith(".json")) {
                Path json = file.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".json");
                assertEquals(read(json), values, file + " gives other options than " + json);
                mirrors++;
            }
        }
        assertEquals(2, mirrors, "mnist-deitel.yaml and cifar10-alzahrani.conf");
    }
}
