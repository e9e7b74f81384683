package io.convspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded application jar under plain {@code spark-submit}, as on a cluster: {@code java <Spark's JDK 17
 * flags> -cp 'SPARK_JARS/*' org.apache.spark.deploy.SparkSubmit --master local[2] --class ... convspark-app.jar
 * COMMAND ...}, where SPARK_JARS is Spark and its dependencies without the application's bundled ones
 * ({@code target/lib} less {@code convspark.bundled}), for each entry point: train (with a YAML job
 * configuration and a {@code --conf} passthrough), evaluate, predict, summary, and a HOCON configuration.
 * Runs after {@code package} (failsafe, {@code mvn verify}).
 */
class SparkSubmitIT {
    private static final Path APP_JAR = Path.of(System.getProperty("convspark.app.jar", "target/convspark-app.jar"));
    private static final Path LIB = Path.of(System.getProperty("convspark.lib", "target/lib"));
    /** The artifacts the application jar bundles: the property convspark.bundled of jobs/pom.xml. */
    private static final String BUNDLED = System.getProperty("convspark.bundled", "");
    private static final long TIMEOUT_SECONDS = 180;

    @TempDir
    Path tmp;

    @Test
    void everyEntryPointRunsUnderSparkSubmitWithOnlySparksJars() throws Exception {
        assertTrue(Files.isRegularFile(APP_JAR), "no application jar at " + APP_JAR + " (run after package)");
        assertTrue(!BUNDLED.isEmpty(), "system property convspark.bundled is not set (failsafe sets it, jobs/pom.xml)");
        Path sparkJars = sparkJars();
        Path data = TestMnist.write(tmp.resolve("mnist"), 400, 100);
        Path run = tmp.resolve("run");
        Path small = Files.writeString(tmp.resolve("small.json"), TestMnist.MODEL);
        Path yaml = Files.writeString(tmp.resolve("job.yaml"), "model: " + small + "\ndata: mnist:" + data
                + "\nepochs: 1\nmax-steps-per-epoch: 3\n");

        String train = submit(sparkJars, List.of("--conf", "spark.default.parallelism=1"), "train", "--config",
                yaml.toString(), "--out", run.toString());
        assertTrue(train.contains("engine spark (local[2]), 1 replica(s)"), "spark-submit's master, and its --conf "
                + "spark.default.parallelism=1 as the default replica count: " + train);
        assertTrue(Files.isRegularFile(run.resolve("model.convspark")) && Files.isRegularFile(run.resolve("loss.png")),
                "the run directory, charts included");

        Path model = run.resolve("model.convspark");
        String evaluate = submit(sparkJars, List.of(), "evaluate", "--model", model.toString(), "--data",
                "mnist:" + data, "--out", tmp.resolve("eval").toString());
        assertTrue(evaluate.contains("Test: loss"), evaluate);
        assertTrue(Files.isRegularFile(tmp.resolve("eval/confusion_matrix.png")));

        Path csv = tmp.resolve("predictions.csv");
        String predict = submit(sparkJars, List.of(), "predict", "--model", model.toString(), "--data",
                "mnist:" + data, "--output", csv.toString());
        assertTrue(predict.contains("Predicted 100 images"), predict);
        assertEquals(101, Files.readAllLines(csv).size(), "header and one row per test image");

        String summary = submit(sparkJars, List.of(), "summary", "--model", "../conf/models/mnist-chollet.json");
        assertTrue(summary.contains("Total params: 93,322"), summary);

        Path hocon = Files.writeString(tmp.resolve("job.conf"), "model = \"../conf/models/mnist-chollet.json\"\n"
                + "epochs = 7 # read by the bundled Typesafe Config\n");
        String help = submit(sparkJars, List.of(), "train", "--config", hocon.toString(), "--help");
        assertTrue(help.contains("Epochs (default: 7)"), "the HOCON file's epochs show as the default: " + help);
    }

    /** A folder of links to the jars of {@code target/lib} that are Spark's (all but the bundled ones). */
    private Path sparkJars() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("spark-jars"));
        List<Path> jars;
        try (Stream<Path> s = Files.list(LIB)) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).toList();
        }
        Set<String> bundled = Set.of(BUNDLED.split(","));
        int linked = 0;
        for (Path jar : jars) {
            String name = jar.getFileName().toString();
            String artifact = name.replaceFirst("-[0-9][^-]*(-[A-Za-z0-9.]+)?\\.jar$", "");
            if (!bundled.contains(artifact)) {
                Files.createSymbolicLink(dir.resolve(name), jar.toAbsolutePath());
                linked++;
            }
        }
        assertEquals(jars.size() - bundled.size(), linked, "each bundled artifact is in " + LIB + " once: " + jars);
        return dir;
    }

    /**
     * Runs spark-submit's main class with {@code sparkOptions} before the jar and {@code args} after it; returns
     * stdout and stderr, failing on a time-out or an exit code other than 0.
     */
    private String submit(Path sparkJars, List<String> sparkOptions, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@../conf/jvm/jdk17.options", "-Dlog4j2.configurationFile=../conf/log4j2.properties",
                "-cp", sparkJars + "/*", "org.apache.spark.deploy.SparkSubmit", "--master", "local[2]",
                "--conf", "spark.ui.enabled=false"));
        cmd.addAll(sparkOptions);
        cmd.addAll(List.of("--class", ConvsparkCli.class.getName(), APP_JAR.toString()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(tmp, args[0] + "-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        pb.environment().remove("SPARK_HOME");
        Process p = pb.start();
        boolean done = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly().waitFor();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        String command = String.join(" ", cmd);
        assertTrue(done, "timed out after " + TIMEOUT_SECONDS + " s: " + command + "\n" + tail(out));
        assertEquals(0, p.exitValue(), "exit code of " + command + "\n" + tail(out));
        return out;
    }

    private static String tail(String out) {
        List<String> lines = out.lines().collect(Collectors.toList());
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
