package io.convspark.driver.ml;

import io.convspark.driver.progress.TrainingListener;
import io.convspark.driver.train.DistributedTrainer;
import io.convspark.driver.train.TrainingPlan;
import io.convspark.driver.train.TrainingResult;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.data.Normalizer;
import io.convspark.kernels.data.Standardization;
import io.convspark.kernels.model.ModelDefinition;
import io.convspark.kernels.model.io.NormalizerConfig;
import io.convspark.kernels.model.io.SavedModel;
import io.convspark.kernels.tensor.Shape;
import io.convspark.kernels.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a convolutional network on a DataFrame of labelled images with the distributed trainer (one barrier
 * stage, ring all-reduce every step; see {@code io.convspark.driver.train}) and returns a
 * {@link ConvNetClassificationModel}. The network is a Keras-style model definition ({@code modelDefinition},
 * JSON as in {@code conf/models/}); the images are read as for scoring ({@link ConvNetScoringParams}), the
 * labels are class indices {@code 0..K-1} in {@code labelCol}.
 *
 * <p>The features are decoded on the executors into compact uint8 records, which the trainer shards across
 * {@code numWorkers} replicas (as broadcast blocks, cached); the DataFrame's own partitioning does not matter.
 */
public final class ConvNetClassifier extends Estimator<ConvNetClassificationModel>
        implements ConvNetScoringParams<ConvNetClassifier>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ConvNetClassifier.class);

    private final String uid;
    private final ScoringParams scoring;
    private final Param<String> modelDefinition;
    private final Param<String> labelCol;
    private final Param<String> loss;
    private final Param<String> optimizer;
    private final DoubleParam learningRate;
    private final StringArrayParam metrics;
    private final IntParam epochs;
    private final IntParam batchSize;
    private final LongParam seed;
    private final IntParam numWorkers;
    private final IntParam numShards;
    private final Param<String> normalization;
    private final Param<String> checkpointDir;
    private final IntParam maxStepsPerEpoch;

    public ConvNetClassifier() {
        this(Identifiable$.MODULE$.randomUID("convnetClassifier"));
    }

    public ConvNetClassifier(String uid) {
        this.uid = uid;
        this.scoring = new ScoringParams(this);
        modelDefinition = new Param<>(this, "modelDefinition", "the network as a Keras-style model definition (JSON)");
        labelCol = new Param<>(this, "labelCol", "column of class indices 0..K-1");
        loss = new Param<>(this, "loss", "loss name, e.g. sparse_categorical_crossentropy");
        optimizer = new Param<>(this, "optimizer", "optimizer name: sgd, adam, rmsprop, adadelta, adagrad, adamax, nadam");
        learningRate = new DoubleParam(this, "learningRate", "learning rate (0: the optimizer's default)",
                ParamValidators.gtEq(0));
        metrics = new StringArrayParam(this, "metrics", "metrics reported per epoch");
        epochs = new IntParam(this, "epochs", "passes over the training data", ParamValidators.gtEq(1));
        batchSize = new IntParam(this, "batchSize", "global mini-batch size (split across the workers)",
                ParamValidators.gtEq(1));
        seed = new LongParam(this, "seed", "seed of initialization, shuffling, dropout and augmentation");
        numWorkers = new IntParam(this, "numWorkers", "replicas, one Spark task each (0: the default parallelism)",
                ParamValidators.gtEq(0));
        numShards = new IntParam(this, "numShards", "data shards, a multiple of numWorkers (0: numWorkers); the "
                + "same shard count gives the same model on any worker count dividing it", ParamValidators.gtEq(0));
        normalization = new Param<>(this, "normalization", "pixel normalization: scale (x/255), standardize "
                + "(per-channel mean/std of the training data) or none",
                ParamValidators.inArray(new String[] {"scale", "standardize", "none"}));
        checkpointDir = new Param<>(this, "checkpointDir", "Hadoop directory for training checkpoints (empty: none)");
        maxStepsPerEpoch = new IntParam(this, "maxStepsPerEpoch", "cap on steps per epoch (0: the whole data)",
                ParamValidators.gtEq(0));
        setDefault(labelCol, "label");
        setDefault(loss, "sparse_categorical_crossentropy");
        setDefault(optimizer, "adam");
        setDefault(learningRate, 0.0);
        setDefault(metrics, new String[] {"accuracy"});
        setDefault(epochs, 5);
        setDefault(batchSize, 64);
        setDefault(seed, 1L);
        setDefault(numWorkers, 0);
        setDefault(numShards, 0);
        setDefault(normalization, "scale");
        setDefault(checkpointDir, "");
        setDefault(maxStepsPerEpoch, 0);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public ScoringParams scoringParams() {
        return scoring;
    }

    public Param<String> modelDefinition() { return modelDefinition; }
    public Param<String> labelCol() { return labelCol; }
    public Param<String> loss() { return loss; }
    public Param<String> optimizer() { return optimizer; }
    public DoubleParam learningRate() { return learningRate; }
    public StringArrayParam metrics() { return metrics; }
    public IntParam epochs() { return epochs; }
    public IntParam batchSize() { return batchSize; }
    public LongParam seed() { return seed; }
    public IntParam numWorkers() { return numWorkers; }
    public IntParam numShards() { return numShards; }
    public Param<String> normalization() { return normalization; }
    public Param<String> checkpointDir() { return checkpointDir; }
    public IntParam maxStepsPerEpoch() { return maxStepsPerEpoch; }

    public ConvNetClassifier setModelDefinition(String json) { return (ConvNetClassifier) set(modelDefinition, json); }
    public ConvNetClassifier setLabelCol(String v) { return (ConvNetClassifier) set(labelCol, v); }
    public ConvNetClassifier setLoss(String v) { return (ConvNetClassifier) set(loss, v); }
    public ConvNetClassifier setOptimizer(String v) { return (ConvNetClassifier) set(optimizer, v); }
    public ConvNetClassifier setLearningRate(double v) { return (ConvNetClassifier) set(learningRate, v); }
    public ConvNetClassifier setMetrics(String... v) { return (ConvNetClassifier) set(metrics, v); }
    public ConvNetClassifier setEpochs(int v) { return (ConvNetClassifier) set(epochs, v); }
    public ConvNetClassifier setBatchSize(int v) { return (ConvNetClassifier) set(batchSize, v); }
    public ConvNetClassifier setSeed(long v) { return (ConvNetClassifier) set(seed, v); }
    public ConvNetClassifier setNumWorkers(int v) { return (ConvNetClassifier) set(numWorkers, v); }
    public ConvNetClassifier setNumShards(int v) { return (ConvNetClassifier) set(numShards, v); }
    public ConvNetClassifier setNormalization(String v) { return (ConvNetClassifier) set(normalization, v); }
    public ConvNetClassifier setCheckpointDir(String v) { return (ConvNetClassifier) set(checkpointDir, v); }
    public ConvNetClassifier setMaxStepsPerEpoch(int v) { return (ConvNetClassifier) set(maxStepsPerEpoch, v); }

    /** Reads the model definition from a JSON file such as {@code conf/models/mnist-deitel.json}. */
    public ConvNetClassifier setModelDefinitionFile(Path file) {
        return setModelDefinition(ModelDefinition.read(file).json());
    }

    @Override
    public ConvNetClassificationModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        ModelDefinition definition = definition();
        io.convspark.kernels.model.Model probe = definition.build((Long) $(seed));
        Shape shape = probe.inputShape();
        int outputs = probe.outputShape().size();
        int numClasses = outputs == 1 ? 2 : outputs;
        ImageDecoder decoder = new ImageDecoder(ImageColumn.of(dataset.schema(), getFeaturesCol()), shape.channels(),
                shape.height(), shape.width(), ImageDecoder.BinaryFormat.parse(getBinaryFormat()), getResize(),
                getConvertColor());
        boolean withPath = Arrays.asList(dataset.schema().fieldNames()).contains(getPathCol());
        List<Column> cols = new ArrayList<>(List.of(functions.col(getFeaturesCol()), functions.col($(labelCol))));
        if (withPath) {
            cols.add(functions.col(getPathCol()).cast("string"));
        }
        List<DecodedBlock> blocks = dataset.select(cols.toArray(new Column[0])).toJavaRDD()
                .mapPartitions(new PartitionDecoder(decoder, $(labelCol), numClasses, withPath,
                        InvalidImagePolicy.parse(getHandleInvalid())))
                .collect();
        ImageDataset train = DecodedBlock.concat(blocks, shape, numClasses);
        long invalid = DecodedBlock.invalid(blocks);
        if (invalid > 0) {
            LOG.warn("Left out {} invalid training image(s) (handleInvalid={})", invalid, getHandleInvalid());
        }
        if (train.size() == 0) {
            throw new IllegalArgumentException("no training images in column '" + getFeaturesCol() + "'"
                    + (invalid > 0 ? " (all " + invalid + " were invalid)" : ""));
        }
        Normalizer normalizer = switch ($(normalization)) {
            case "standardize" -> Standardization.fit(train);
            case "none" -> Normalizer.raw();
            default -> Normalizer.unitScale();
        };
        double lr = (Double) $(learningRate);
        TrainingPlan plan = TrainingPlan.builder(definition.json()).modelSource("ConvNetClassifier " + uid)
                .loss($(loss)).optimizer($(optimizer), lr > 0 ? Map.of("learning_rate", lr) : null)
                .metrics(List.of($(metrics))).epochs((Integer) $(epochs)).batchSize((Integer) $(batchSize))
                .seed((Long) $(seed)).normalizer(normalizer)
                .checkpointDir($(checkpointDir).isEmpty() ? null : $(checkpointDir))
                .maxStepsPerEpoch((Integer) $(maxStepsPerEpoch)).build();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        int workers = (Integer) $(numWorkers) > 0 ? (Integer) $(numWorkers) : sc.defaultParallelism();
        int shards = (Integer) $(numShards) > 0 ? (Integer) $(numShards) : workers;
        LOG.info("Training {} on {} images with {} worker(s), {} shard(s)", definition.name(), train.size(), workers,
                shards);
        TrainingResult result;
        try {
            result = new DistributedTrainer(sc, plan, workers, shards).fit(train, null, new EpochLog(plan.epochs()), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Trainer trainer = new Trainer(result.model(), plan.buildLoss(), result.optimizer(), plan.buildMetrics());
        trainer.iterations(result.iterations());
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("data", "DataFrame column " + getFeaturesCol());
        training.put("epochs", result.history().size());
        training.put("batch_size", plan.batchSize());
        training.put("seed", plan.seed());
        training.put(SavedModel.NORMALIZER, NormalizerConfig.toConfig(normalizer));
        training.put("history", result.history());
        ConvNetClassificationModel model = new ConvNetClassificationModel(uid, SavedModel.of(trainer, training));
        return copyValues(model, ParamMap.empty()).setParent(this);
    }

    private ModelDefinition definition() {
        if (!isDefined(modelDefinition) || $(modelDefinition).isBlank()) {
            throw new IllegalArgumentException("ConvNetClassifier: set modelDefinition (the network as JSON, e.g. "
                    + "setModelDefinitionFile(Path.of(\"conf/models/mnist-deitel.json\")))");
        }
        return ModelDefinition.parse($(modelDefinition), "param modelDefinition");
    }

    @Override
    public StructType transformSchema(StructType schema) {
        if (!Arrays.asList(schema.fieldNames()).contains($(labelCol))) {
            throw new IllegalArgumentException("label column '" + $(labelCol) + "' not found; the columns are "
                    + Arrays.toString(schema.fieldNames()));
        }
        if (!(schema.apply($(labelCol)).dataType() instanceof NumericType)) {
            throw new IllegalArgumentException("label column '" + $(labelCol) + "' has type "
                    + schema.apply($(labelCol)).dataType().simpleString() + "; expected a numeric class index");
        }
        ImageColumn.of(schema, getFeaturesCol());
        return schema;
    }

    @Override
    public ConvNetClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<ConvNetClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static ConvNetClassifier load(String path) {
        return read().load(path);
    }

    /** Logs each epoch as Keras prints it. */
    private static final class EpochLog implements TrainingListener {
        private final int epochs;

        EpochLog(int epochs) {
            this.epochs = epochs;
        }

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
            LOG.info("Epoch {}/{} - {}", epoch + 1, epochs, logs);
        }

        @Override
        public void onMessage(int rank, String message) {
            LOG.info("replica {}: {}", rank, message);
        }
    }
}
