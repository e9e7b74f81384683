package io.convspark.driver.ml;

import io.convspark.kernels.model.io.ModelFile;
import io.convspark.kernels.model.io.SavedModel;
import io.convspark.kernels.tensor.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * A trained convolutional network as a Spark ML Transformer, in the style of Spark's probabilistic
 * classifiers: {@link #transform} appends {@code rawPrediction}, {@code probability}, {@code prediction}
 * (and optionally {@code topK}, and {@code error} with {@code handleInvalid=keep}) to every row.
 *
 * <p>Scoring ships the model file to each executor once (a broadcast), and each task streams its rows
 * through the fast kernels in mini-batches of {@code inferenceBatchSize} on {@code threadsPerTask} cores;
 * nothing is collected to the driver. Persistence is Spark ML's: {@code write().save(path)} writes the
 * params as Spark's metadata JSON and the network as a convspark model file under {@code path/data/};
 * {@link #load} reads both back.
 */
public final class ConvNetClassificationModel extends Model<ConvNetClassificationModel>
        implements ConvNetScoringParams<ConvNetClassificationModel>, MLWritable {
    private static final long serialVersionUID = 1L;
    /** The network inside a saved model's directory. */
    static final String MODEL_FILE = "data/model" + ModelFile.EXTENSION;

    private final String uid;
    private final ScoringParams scoring;
    private byte[] modelFile;
    private transient SavedModel saved;
    private transient ScoringCounters lastCounters;

    /** For Spark ML's reader and {@code copy}; the network is set by {@link #setSavedModel}. */
    public ConvNetClassificationModel(String uid) {
        this.uid = uid;
        this.scoring = new ScoringParams(this);
    }

    public ConvNetClassificationModel(String uid, SavedModel saved) {
        this(uid);
        setSavedModel(saved);
    }

    /** A scoring model around a model file written by {@code convspark train} (weights and normalizer). */
    public static ConvNetClassificationModel fromModelFile(SavedModel saved) {
        return new ConvNetClassificationModel(Identifiable$.MODULE$.randomUID("convnet"), saved);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public ScoringParams scoringParams() {
        return scoring;
    }

    ConvNetClassificationModel setSavedModel(SavedModel model) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ModelFile.save(bytes, model.withoutOptimizer());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.modelFile = bytes.toByteArray();
        this.saved = model;
        return this;
    }

    /** The network, its normalizer and training config (the optimizer state is not kept for scoring). */
    public SavedModel savedModel() {
        if (saved == null) {
            try {
                saved = ModelFile.load(new java.io.ByteArrayInputStream(modelFile), "model " + uid);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return saved;
    }

    public Shape inputShape() {
        return savedModel().model().inputShape();
    }

    public int numClasses() {
        int outputs = savedModel().model().outputShape().size();
        return outputs == 1 ? 2 : outputs;
    }

    /** The Keras-like summary of the network. */
    public String summary() {
        return savedModel().model().summary();
    }

    /** Images scored and images found invalid by the last action on the last {@link #transform}'s output. */
    public ScoringCounters lastCounters() {
        return lastCounters;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType input = dataset.schema();
        StructType output = transformSchema(input, true);
        SparkSession spark = dataset.sparkSession();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ScoringSpec spec = spec(input, spark.sparkContext().getConf().getInt("spark.task.cpus", 1));
        Broadcast<byte[]> model = jsc.broadcast(modelFile);
        lastCounters = ScoringCounters.register(spark.sparkContext());
        JavaRDD<Row> rows = dataset.toDF().javaRDD().mapPartitions(new PartitionScorer(model, spec, lastCounters));
        return spark.createDataFrame(rows, output);
    }

    ScoringSpec spec(StructType input, int taskCpus) {
        Shape shape = inputShape();
        ImageColumn kind = ImageColumn.of(input, getFeaturesCol());
        ImageDecoder decoder = new ImageDecoder(kind, shape.channels(), shape.height(), shape.width(),
                ImageDecoder.BinaryFormat.parse(getBinaryFormat()), getResize(), getConvertColor());
        List<String> names = Arrays.asList(input.fieldNames());
        int path = names.indexOf(getPathCol());
        if (path >= 0 && !(input.apply(path).dataType() instanceof StringType)) {
            path = -1;
        }
        int threads = getThreadsPerTask() > 0 ? getThreadsPerTask() : taskCpus;
        return new ScoringSpec(names.indexOf(getFeaturesCol()), path, decoder, getInferenceBatchSize(), threads,
                InvalidImagePolicy.parse(getHandleInvalid()), !getRawPredictionCol().isEmpty(),
                !getProbabilityCol().isEmpty(), !getPredictionCol().isEmpty(), getTopK());
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return outputSchema(this, schema, spec(schema, 1));
    }

    /** {@code schema} plus the columns scoring appends, refusing names that already exist. */
    static StructType outputSchema(ConvNetScoringParams<?> p, StructType schema, ScoringSpec spec) {
        List<StructField> added = new java.util.ArrayList<>(OutputHead.fields(spec, p.getRawPredictionCol(),
                p.getProbabilityCol(), p.getPredictionCol(), p.getTopKCol()));
        if (spec.invalid() == InvalidImagePolicy.KEEP) {
            added.add(DataTypes.createStructField(p.getErrorCol(), DataTypes.StringType, true));
        }
        StructType out = schema;
        for (StructField f : added) {
            if (Arrays.asList(out.fieldNames()).contains(f.name())) {
                throw new IllegalArgumentException("output column '" + f.name() + "' already exists in the input; "
                        + "set another name for it");
            }
            out = out.add(f);
        }
        return out;
    }

    @Override
    public ConvNetClassificationModel copy(ParamMap extra) {
        ConvNetClassificationModel copy = new ConvNetClassificationModel(uid);
        copy.modelFile = modelFile;
        copy.saved = saved;
        return copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<ConvNetClassificationModel> read() {
        return new Reader();
    }

    public static ConvNetClassificationModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "ConvNetClassificationModel: uid=" + uid + ", network=" + savedModel().model().name() + ", input="
                + inputShape() + ", classes=" + numClasses();
    }

    /** Spark ML metadata (params) plus the model file under {@code data/}. */
    private static final class Writer extends MLWriter {
        private final ConvNetClassificationModel instance;

        Writer(ConvNetClassificationModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sparkSession());
            Path file = new Path(path, MODEL_FILE);
            try {
                FileSystem fs = file.getFileSystem(sparkSession().sparkContext().hadoopConfiguration());
                try (OutputStream out = fs.create(file, true)) {
                    out.write(instance.modelFile);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the model file " + file, e);
            }
        }
    }

    private static final class Reader extends MLReader<ConvNetClassificationModel> {
        @Override
        public ConvNetClassificationModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(),
                    ConvNetClassificationModel.class.getName());
            Path file = new Path(path, MODEL_FILE);
            SavedModel saved;
            try {
                FileSystem fs = file.getFileSystem(sparkSession().sparkContext().hadoopConfiguration());
                try (InputStream in = fs.open(file)) {
                    saved = ModelFile.load(in, file.toString());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the model file " + file + ": " + e.getMessage(), e);
            }
            ConvNetClassificationModel model = new ConvNetClassificationModel(metadata.uid(), saved);
            metadata.getAndSetParams(model, Option.empty());
            return model;
        }
    }
}
