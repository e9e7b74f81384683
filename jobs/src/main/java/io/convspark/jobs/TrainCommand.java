package io.convspark.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.convspark.driver.allreduce.AllReduceSettings;
import io.convspark.driver.train.TrainingPlan;
import io.convspark.driver.train.TrainingResult;
import io.convspark.kernels.compute.Gemms;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.data.Augmentation;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.data.Normalizer;
import io.convspark.kernels.data.Standardization;
import io.convspark.kernels.fs.AtomicFile;
import io.convspark.kernels.losses.Loss;
import io.convspark.kernels.losses.Losses;
import io.convspark.kernels.metrics.Metric;
import io.convspark.kernels.metrics.Metrics;
import io.convspark.kernels.model.Model;
import io.convspark.kernels.model.ModelDefinition;
import io.convspark.kernels.optimizers.Optimizer;
import io.convspark.kernels.optimizers.Optimizers;
import io.convspark.kernels.train.FitOptions;
import io.convspark.kernels.train.History;
import io.convspark.kernels.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code convspark train}: trains a model definition on a data set, evaluates it on the test split
 * and writes a run directory ({@code history.csv}, {@code metrics.json}, {@code summary.txt},
 * {@code model.convspark}).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model (Keras' fit), then evaluate it on the test set.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model definition (JSON), e.g. conf/models/mnist-deitel.json")
    Path model;

    @Option(names = "--data", required = true, description = "FORMAT:DIR, e.g. mnist:../shared/datasets/mnist or cifar10:DIR")
    String data;

    @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Global mini-batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--optimizer", defaultValue = "adam", description = "sgd, adam, rmsprop, adadelta, adagrad, adamax, nadam (default: ${DEFAULT-VALUE})")
    String optimizer;

    @Option(names = "--learning-rate", description = "Learning rate (default: the optimizer's Keras default)")
    Float learningRate;

    @Option(names = "--loss", defaultValue = "sparse_categorical_crossentropy", description = "Keras loss name (default: ${DEFAULT-VALUE})")
    String loss;

    @Option(names = "--metrics", defaultValue = "accuracy", split = ",", description = "Metrics (default: ${DEFAULT-VALUE})")
    List<String> metrics;

    @Option(names = "--validation-split", defaultValue = "0.1", description = "Fraction of the training data held out for validation, taken from the end as Keras does; 0 for none (default: ${DEFAULT-VALUE})")
    double validationSplit;

    @Option(names = "--normalize", defaultValue = "scale", description = "scale (x/255) or standardize (per-channel mean/std of the training data) (default: ${DEFAULT-VALUE})")
    String normalize;

    @Option(names = "--augment", description = "Training-time augmentation, e.g. shift=0.1,flip,rotation=10,zoom=0.1,crop=4 (default: none)")
    String augment;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for initialization, shuffling, dropout (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", description = "Kernel threads (default: all cores)")
    Integer threads;

    @Option(names = "--replicas", defaultValue = "1", description = "Engine local: train N replicas of the model on "
            + "threads of this JVM, each on 1 core and its share of every batch, applying the same mean gradient (data "
            + "parallel, as the Spark replicas are; BatchNormalization then normalizes each share by its own statistics); "
            + "1: one model on --threads kernel threads (default: ${DEFAULT-VALUE})")
    int replicas;

    @Option(names = "--engine", defaultValue = "spark", description = "spark: data-parallel replicas on Spark (embedded local[*] "
            + "unless --master or spark-submit says otherwise); local: the single-JVM trainer, no Spark (default: ${DEFAULT-VALUE})")
    String engine;

    @CommandLine.ArgGroup(exclusive = false, heading = "Spark engine options%n")
    SparkOptions spark = new SparkOptions();

    @Option(names = JobConfig.OPTION, paramLabel = "FILE", description = "Job configuration: these options without the "
            + "dashes as a JSON (.json), YAML (.yaml, .yml) or HOCON (.conf, .hocon) object, e.g. "
            + "conf/jobs/mnist-deitel.yaml; options on the command line override it")
    Path config;

    @Option(names = "--out", description = "Run directory (default: runs/MODEL-TIMESTAMP)")
    Path out;

    @Option(names = "--callbacks", paramLabel = "FILE", description = "Keras callbacks as a JSON list, e.g. [{\"type\": \"EarlyStopping\", \"patience\": 3}, {\"type\": \"ModelCheckpoint\", \"filepath\": \"ckpt-{epoch:02d}.convspark\"}]")
    Path callbacks;

    /** The optimizer the options name, at the learning rate they give. */
    private Optimizer newOptimizer() {
        return learningRate == null ? Optimizers.parse(optimizer)
                : Optimizers.parse(optimizer, Map.of("learning_rate", learningRate));
    }

    /** The metrics the options name, new instances. */
    private List<Metric> newMetrics() {
        List<Metric> list = new ArrayList<>();
        for (String m : metrics) {
            list.add(Metrics.parse(m));
        }
        return list;
    }

    @Override
    public Integer call() throws IOException {
        if (!engine.equals("local") && !engine.equals("spark")) {
            throw new UserError("--engine: expected spark or local, got '" + engine + "'");
        }
        if (epochs < 1 || batchSize < 1) {
            throw new UserError("--epochs and --batch-size must be >= 1");
        }
        if (validationSplit < 0 || validationSplit >= 1) {
            throw new UserError("--validation-split: expected a fraction in [0, 1), got " + validationSplit);
        }
        if (replicas < 1) {
            throw new UserError("--replicas: expected a count >= 1, got " + replicas);
        }
        if (replicas > 1 && !engine.equals("local")) {
            throw new UserError("--replicas is for --engine local; the Spark engine's replicas are its tasks");
        }
        if (replicas > 1 && threads != null) {
            throw new UserError("--replicas and --threads: each replica runs on one thread; give one of them");
        }
        if (threads != null) {
            KernelExecutor.setShared(threads);
        }
        Augmentation augmentation = AugmentSpec.parse(augment, seed);
        CallbacksFile callbacksFile = CallbacksFile.read(callbacks);
        PrintStream console = System.out;
        DataSpec spec = DataSpec.parse(data);
        spec.verify();
        ImageDataset fullTrain = spec.load(true);
        ImageDataset test = spec.load(false);
        Path runDir = out != null ? out : Paths.get("runs", ModelDefinition.read(model).name() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        ImageDataset train = fullTrain;
        ImageDataset validation = null;
        if (validationSplit > 0) {
            ImageDataset.Split split = fullTrain.splitValidation(validationSplit);
            train = split.train();
            validation = split.validation();
        }
        Normalizer normalizer = switch (normalize) {
            case "scale" -> Normalizer.unitScale();
            case "standardize" -> Standardization.fit(train);
            default -> throw new UserError("--normalize: expected scale or standardize, got '" + normalize + "'");
        };

        ModelDefinition definition = ModelDefinition.read(model);
        Model net = definition.build(seed);
        Optimizer opt = newOptimizer();
        Loss lossFn = Losses.parse(loss);
        List<Metric> metricList = newMetrics();
        Map<String, Object> trainingConfig = RunModelFile.trainingConfig(data, epochs, batchSize, seed, normalizer);
        Trainer trainer;
        History history;
        Map<String, Object> engineFacts = new LinkedHashMap<>();
        long start = System.nanoTime();
        if (engine.equals("local")) {
            LocalReplicas local = replicas <= 1 ? null : LocalReplicas.of(replicas, (i, ctx) -> i == 0
                    ? new Trainer(net, lossFn, opt, metricList, ctx)
                    : new Trainer(definition.build(seed), Losses.parse(loss), newOptimizer(), newMetrics(), ctx));
            trainer = local != null ? local.first() : new Trainer(net, lossFn, opt, metricList);
            int cores = local != null ? replicas : trainer.context().executor().parallelism();
            console.print(net.summary());
            console.printf(Locale.ROOT, "Training on %,d images, validating on %,d, testing on %,d; engine local, %s, "
                            + "GEMM %s, batch %d, %s%n", train.size(), validation == null ? 0 : validation.size(),
                    test.size(), local != null ? replicas + " replicas of 1 thread" : cores + " thread(s)",
                    Gemms.get().name(), batchSize, opt.name());
            engineFacts.put("threads", cores);
            engineFacts.put("replicas", replicas);
            FitOptions options = new FitOptions().epochs(epochs).batchSize(batchSize).seed(seed).normalizer(normalizer)
                    .augmentation(augmentation);
            List<io.convspark.kernels.train.Callback> callbackList = callbacksFile.callbacks(trainingConfig);
            callbackList.add(0, new EpochLogger(console, System.console() != null, batchSize));
            try {
                history = trainer.fit(train, validation, options, callbackList);
            } finally {
                if (local != null) {
                    local.close();
                }
            }
            if (local != null) {
                // evaluated on every core again, as after the Spark engine
                Trainer onAllCores = new Trainer(net, lossFn, opt, metricList);
                onAllCores.iterations(trainer.iterations());
                trainer = onAllCores;
            }
        } else {
            console.print(net.summary());
            TrainingPlan plan = TrainingPlan.builder(ModelDefinition.read(model).json()).modelSource(model.toString())
                    .loss(loss).optimizer(optimizer, learningRate == null ? null : Map.of("learning_rate", learningRate))
                    .metrics(metrics).epochs(epochs).batchSize(batchSize).seed(seed).normalizer(normalizer)
                    .augmentation(augmentation).threadsPerReplica(threads == null ? 0 : threads)
                    .checkpointDir(spark.checkpointDir != null ? spark.checkpointDir
                            : runDir.resolve("checkpoints").toAbsolutePath().toUri().toString())
                    .checkpointEverySteps(spark.checkpointEvery).maxStepsPerEpoch(spark.maxStepsPerEpoch)
                    .allReduce(AllReduceSettings.defaults().withBucketFloats(spark.allReduceBucket))
                    .driverCallbacks(callbacks != null).build();
            TrainingResult result = SparkEngine.train(spark, plan, train, validation,
                    new ConsoleProgress(console, System.console() != null, batchSize, epochs),
                    callbacksFile.callbacks(trainingConfig), console, engineFacts);
            trainer = new Trainer(result.model(), lossFn, result.optimizer(), metricList);
            trainer.iterations(result.iterations());
            history = History.of(result.history(), result.stopReason());
        }
        int cores = trainer.context().executor().parallelism();
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        long evalStart = System.nanoTime();
        Map<String, Double> testMetrics = trainer.evaluate(test, 256, normalizer);
        double evalSeconds = (System.nanoTime() - evalStart) / 1e9;

        double[] ips = history.series("images_per_second");
        double[] secs = history.series("seconds");
        double meanIps = mean(ips);
        double meanSecs = mean(secs);
        console.printf(Locale.ROOT, "Test: loss %.4f - accuracy %.4f (%.2f%%) on %,d images%n",
                testMetrics.get("loss"), testMetrics.getOrDefault("accuracy", Double.NaN),
                100 * testMetrics.getOrDefault("accuracy", Double.NaN), test.size());
        console.printf(Locale.ROOT, "Throughput: %.0f training images/s, %.1f s/epoch; inference %.0f images/s; "
                + "wall %.1f s%n", meanIps, meanSecs, test.size() / evalSeconds, trainSeconds + evalSeconds);

        engineFacts.putIfAbsent("threads", cores);
        writeRun(runDir, trainer.model(), history, testMetrics, meanIps, meanSecs, trainSeconds + evalSeconds,
                test.size() / evalSeconds, engineFacts);
        RunModelFile.write(runDir, trainer, trainingConfig, history);
        console.print(Evaluation.run(trainer, normalizer, 256, test, history, runDir).classification().render());
        console.println("Run directory: " + runDir);
        return 0;
    }

    private void writeRun(Path dir, Model net, History history, Map<String, Double> test, double ips, double secs,
                          double wall, double inferenceIps, Map<String, Object> engineFacts) throws IOException {
        Files.createDirectories(dir);
        writeAtomically(dir.resolve("summary.txt"), net.summary());
        StringBuilder csv = new StringBuilder("epoch");
        List<String> keys = new ArrayList<>(history.last().keySet());
        for (String k : keys) {
            csv.append(',').append(k);
        }
        csv.append('\n');
        for (int e = 0; e < history.size(); e++) {
            csv.append(e);
            for (String k : keys) {
                csv.append(',').append(history.epochs().get(e).getOrDefault(k, Double.NaN));
            }
            csv.append('\n');
        }
        writeAtomically(dir.resolve("history.csv"), csv.toString());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("model", net.name());
        metrics.put("data", data);
        metrics.put("engine", engine);
        metrics.putAll(engineFacts);
        metrics.put("gemm", Gemms.get().name());
        metrics.put("epochs", history.size());
        metrics.put("batch_size", batchSize);
        metrics.put("test.loss", test.get("loss"));
        metrics.put("test.accuracy", test.get("accuracy"));
        metrics.put("train.images_per_second", ips);
        metrics.put("train.seconds_per_epoch", secs);
        metrics.put("inference.images_per_second", inferenceIps);
        metrics.put("wall_seconds", wall);
        metrics.put("history", history.epochs());
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        writeAtomically(dir.resolve("metrics.json"), json.writeValueAsString(metrics));
    }

    /** Writes through {@link AtomicFile}: a temporary file beside the target, then a rename. */
    static void writeAtomically(Path target, String content) throws IOException {
        AtomicFile.write(target, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }
}
