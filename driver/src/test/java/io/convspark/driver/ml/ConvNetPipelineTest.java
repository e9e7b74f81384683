package io.convspark.driver.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.driver.train.SparkTestContext;
import io.convspark.driver.train.TestData;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.losses.Losses;
import io.convspark.kernels.model.io.SavedModel;
import io.convspark.kernels.optimizers.Optimizers;
import io.convspark.kernels.train.Trainer;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark ML API on an embedded local[2] Spark: pipeline fit/save/load/transform and every input source. */
class ConvNetPipelineTest {
    private static SparkSession spark;
    private static ImageDataset train;
    private static ImageDataset test;
    private static ConvNetClassificationModel model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        JavaSparkContext sc = SparkTestContext.local(2);
        spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        ImageDataset all = TestData.quadrants(800, 3);
        train = all.slice(0, 640);
        test = all.slice(640, 800);
        model = classifier().fit(ImageFrames.fromDataset(spark, train, "train", 3));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static ConvNetClassifier classifier() {
        return new ConvNetClassifier().setModelDefinition(TestData.MODEL).setEpochs(2).setBatchSize(64)
                .setLearningRate(0.01).setSeed(7).setNumWorkers(2);
    }

    /** The single-JVM model's probabilities for {@code data}, as {@code convspark predict} computes them. */
    private static float[][] singleJvm(ConvNetClassificationModel m, ImageDataset data) {
        SavedModel saved = m.savedModel();
        return new Trainer(saved.model(), Losses.parse("mse"), Optimizers.parse("sgd"), List.of())
                .predict(data, 256, saved.normalizer());
    }

    private static void assertProbabilitiesEqual(float[][] expected, List<Row> rows, String probabilityCol) {
        assertEquals(expected.length, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            double[] p = ((Vector) rows.get(i).getAs(probabilityCol)).toArray();
            for (int k = 0; k < p.length; k++) {
                assertEquals(expected[i][k], p[k], 1e-6, "image " + i + " class " + k);
            }
        }
    }

    @Test
    void pipelineTrainsSavesLoadsAndPredictsAsTheSingleJvmModel() throws Exception {
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {classifier().setTopK(2)});
        PipelineModel fitted = pipeline.fit(ImageFrames.fromDataset(spark, train, "train", 2));
        String dir = tmp.resolve("pipeline").toUri().toString();
        fitted.write().overwrite().save(dir);
        PipelineModel loaded = PipelineModel.load(dir);
        ConvNetClassificationModel stage = (ConvNetClassificationModel) loaded.stages()[0];
        assertEquals(2, stage.getTopK());
        List<Row> rows = loaded.transform(ImageFrames.fromDataset(spark, test, "test", 2)).orderBy("index")
                .collectAsList();
        float[][] expected = singleJvm(stage, test);
        assertProbabilitiesEqual(expected, rows, "probability");
        int correct = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            double prediction = r.getAs("prediction");
            assertEquals(OutputHead.argmax(((Vector) r.getAs("probability")).toArray()), (int) prediction);
            double[] raw = ((Vector) r.getAs("rawPrediction")).toArray();
            assertEquals(Math.log(expected[i][(int) prediction]), raw[(int) prediction], 1e-5);
            List<Row> top = r.getList(r.fieldIndex("topK"));
            assertEquals(2, top.size());
            assertEquals((int) prediction, top.get(0).getInt(0));
            assertTrue(top.get(0).getDouble(1) >= top.get(1).getDouble(1));
            if ((int) prediction == test.label(i)) {
                correct++;
            }
        }
        assertTrue(correct >= 0.9 * rows.size(), "accuracy " + correct + "/" + rows.size());
        // the fitted stage and the reloaded one are the same network
        float[] a = ((ConvNetClassificationModel) fitted.stages()[0]).savedModel().model().parameters().values();
        assertArrayEquals(a, stage.savedModel().model().parameters().values());
    }

    @Test
    void tasksOfOneExecutorReuseItsReplicasAndNeverMixUpTwoModels() {
        // 8 partitions on local[2]: 8 tasks, at most 2 at a time, so at most 2 replicas are ever built
        ConvNetClassificationModel a = model.copy(new org.apache.spark.ml.param.ParamMap()).setInferenceBatchSize(16);
        List<Row> first = a.transform(ImageFrames.fromDataset(spark, test, "test", 8)).orderBy("index")
                .collectAsList();
        ScoringReplicaPool<ScoringReplica> pool = ScoringReplicaPool.executorWide();
        assertTrue(pool.builtCount() >= 1 && pool.builtCount() <= 2, "built " + pool.builtCount());
        assertEquals(pool.builtCount(), pool.idleCount(), "every replica came back");
        String keyOfA = pool.currentKey();
        a.transform(ImageFrames.fromDataset(spark, test, "test", 8)).collectAsList();
        assertTrue(pool.builtCount() <= 2, "a second scoring reuses the replicas: built " + pool.builtCount());

        // another network with the same settings gets its own replicas, and its own answers
        ConvNetClassificationModel b = classifier().setSeed(8).setEpochs(1)
                .fit(ImageFrames.fromDataset(spark, train, "train", 2)).setInferenceBatchSize(16);
        List<Row> second = b.transform(ImageFrames.fromDataset(spark, test, "test", 8)).orderBy("index")
                .collectAsList();
        assertTrue(!keyOfA.equals(pool.currentKey()), "the pool moved to the second model");
        assertProbabilitiesEqual(singleJvm(model, test), first, "probability");
        assertProbabilitiesEqual(singleJvm(b, test), second, "probability");
    }

    @Test
    void modelRoundTripsThroughMlPersistenceAndRejectsACorruptFile() throws Exception {
        String dir = tmp.resolve("model").toString();
        model.copy(new org.apache.spark.ml.param.ParamMap()).setProbabilityCol("p").setInferenceBatchSize(7)
                .write().save(dir);
        ConvNetClassificationModel loaded = ConvNetClassificationModel.load(dir);
        assertEquals(model.uid(), loaded.uid());
        assertEquals("p", loaded.getProbabilityCol());
        assertEquals(7, loaded.getInferenceBatchSize());
        List<Row> rows = loaded.transform(ImageFrames.fromDataset(spark, test, "test", 2)).orderBy("index")
                .collectAsList();
        assertProbabilitiesEqual(singleJvm(model, test), rows, "p");

        Path file = Path.of(dir).resolve(ConvNetClassificationModel.MODEL_FILE);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        RuntimeException e = assertThrows(RuntimeException.class, () -> ConvNetClassificationModel.load(dir));
        assertTrue(e.getMessage().contains("model.convspark"), e.getMessage());
    }

    /** Writes test images 0..n-1 as 8-bit grey PNG files named img-INDEX.png. */
    private Path writePngs(ImageDataset data, int n) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("png"));
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(data.width(), data.height(), BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < data.height(); y++) {
                for (int x = 0; x < data.width(); x++) {
                    img.getRaster().setSample(x, y, 0, data.pixel(i, 0, y, x));
                }
            }
            ImageIO.write(img, "png", dir.resolve(String.format("img-%03d.png", i)).toFile());
        }
        return dir;
    }

    private static int index(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return Integer.parseInt(name.substring(4, 7));
    }

    @Test
    void scoresPngFilesFromBinaryFileAndTheImageSourceAsTheSingleJvmModel() throws Exception {
        Path dir = writePngs(test, 40);
        float[][] expected = singleJvm(model, test);
        for (String format : List.of("binaryFile", "image")) {
            Dataset<Row> frame = spark.read().format(format).load(dir.toString());
            String features = format.equals("binaryFile") ? "content" : "image";
            List<Row> rows = model.copy(new org.apache.spark.ml.param.ParamMap()).setFeaturesCol(features)
                    .transform(frame).collectAsList();
            assertEquals(40, rows.size(), format);
            for (Row r : rows) {
                String path = format.equals("binaryFile") ? r.getAs("path") : r.<Row>getAs("image").getString(0);
                double[] p = ((Vector) r.getAs("probability")).toArray();
                float[] want = expected[index(path)];
                for (int k = 0; k < p.length; k++) {
                    assertEquals(want[k], p[k], 1e-6, format + " " + path);
                }
            }
        }
    }

    @Test
    void invalidImagesFailNamingTheFileOrAreSkippedCountedOrKeptWithTheReason() throws Exception {
        Path dir = writePngs(test, 10);
        Files.write(dir.resolve("img-900.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 1});
        BufferedImage big = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        ImageIO.write(big, "png", dir.resolve("img-901.png").toFile());
        BufferedImage rgb = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(rgb, "png", dir.resolve("img-902.png").toFile());
        Dataset<Row> frame = spark.read().format("binaryFile").load(dir.toString());
        ConvNetClassificationModel m = model.copy(new org.apache.spark.ml.param.ParamMap()).setFeaturesCol("content");

        Exception failed = assertThrows(Exception.class, () -> m.transform(frame).collectAsList());
        assertTrue(rootMessage(failed).contains("img-90") && rootMessage(failed).contains("handleInvalid"),
                rootMessage(failed));

        Dataset<Row> skipped = m.copy(new org.apache.spark.ml.param.ParamMap()).setHandleInvalid("skip")
                .transform(frame);
        assertEquals(10, skipped.count());

        ConvNetClassificationModel keeper = m.copy(new org.apache.spark.ml.param.ParamMap()).setHandleInvalid("keep");
        Map<Integer, Row> kept = new HashMap<>();
        for (Row r : keeper.transform(frame).collectAsList()) {
            kept.put(index(r.getAs("path")), r);
        }
        assertEquals(13, kept.size());
        assertEquals(3, keeper.lastCounters().invalidImages());
        assertEquals(10, keeper.lastCounters().scoredImages());
        assertNull(kept.get(3).getAs("error"));
        assertNull(kept.get(900).getAs("prediction"));
        assertTrue(error(kept.get(900)).contains("img-900.png"), error(kept.get(900)));
        assertTrue(error(kept.get(901)).contains("1x16x16")
                && error(kept.get(901)).contains("resize=true"), error(kept.get(901)));
        assertTrue(error(kept.get(902)).contains("3x8x8")
                && error(kept.get(902)).contains("colorMode=convert"), error(kept.get(902)));

        // configured conversions score them
        Map<Integer, Row> converted = new HashMap<>();
        for (Row r : keeper.copy(new org.apache.spark.ml.param.ParamMap()).setResize(true).setConvertColor(true)
                .transform(frame).collectAsList()) {
            converted.put(index(r.getAs("path")), r);
        }
        assertNotNull(converted.get(901).getAs("prediction"));
        assertNotNull(converted.get(902).getAs("prediction"));
        assertNotNull(converted.get(900).getAs("error"));
    }

    private static String error(Row r) {
        return r.getAs("error");
    }

    private static String rootMessage(Throwable t) {
        StringBuilder s = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            s.append(c.getMessage()).append(" | ");
        }
        return s.toString();
    }

    @Test
    void scoresParquetBinaryAndArrayColumns() throws Exception {
        int n = test.size();
        List<Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] raw = java.util.Arrays.copyOfRange(test.pixels(), test.pixelOffset(i), test.pixelOffset(i) + 64);
            Integer[] ints = new Integer[64];
            for (int j = 0; j < 64; j++) {
                ints[j] = raw[j] & 0xFF;
            }
            rows.add(org.apache.spark.sql.RowFactory.create((long) i, raw, java.util.Arrays.asList(ints)));
        }
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("index", "long").add("raw", "binary").add("pixels", "array<int>");
        String path = tmp.resolve("images.parquet").toString();
        spark.createDataFrame(rows, schema).repartition(3).write().parquet(path);
        Dataset<Row> frame = spark.read().parquet(path);
        float[][] expected = singleJvm(model, test);
        for (String col : List.of("raw", "pixels")) {
            List<Row> scored = model.copy(new org.apache.spark.ml.param.ParamMap()).setFeaturesCol(col)
                    .transform(frame).orderBy("index").collectAsList();
            assertProbabilitiesEqual(expected, scored, "probability");
        }
    }

    @Test
    void cifarShapedFramesRoundTripThroughTheImageSourceLayout() throws Exception {
        java.util.Random rnd = new java.util.Random(5);
        byte[] pixels = new byte[6 * 3 * 4 * 5];
        rnd.nextBytes(pixels);
        ImageDataset rgb = new ImageDataset(pixels, new int[] {0, 1, 2, 3, 4, 5}, 3, 4, 5, 10);
        // more partitions than images: some are empty, none is lost or repeated
        List<Row> rows = ImageFrames.fromDataset(spark, rgb, "cifar", 8).orderBy("index").collectAsList();
        assertEquals(6, rows.size());
        ImageDecoder decoder = new ImageDecoder(ImageColumn.IMAGE_STRUCT, 3, 4, 5, ImageDecoder.BinaryFormat.AUTO,
                false, false);
        for (int i = 0; i < 6; i++) {
            byte[] out = new byte[60];
            decoder.decode(rows.get(i).get(1), out, 0);
            assertArrayEquals(java.util.Arrays.copyOfRange(pixels, i * 60, i * 60 + 60), out, "image " + i);
            assertEquals(i, rows.get(i).getDouble(2));
            assertEquals("cifar#" + i, rows.get(i).<Row>getAs("image").getString(0));
        }
    }

    @Test
    void estimatorRefusesBadColumnsAndLabels() {
        Dataset<Row> frame = ImageFrames.fromDataset(spark, train.slice(0, 64), "t", 1);
        IllegalArgumentException noLabel = assertThrows(IllegalArgumentException.class,
                () -> classifier().setLabelCol("y").fit(frame));
        assertTrue(noLabel.getMessage().contains("'y' not found"), noLabel.getMessage());
        IllegalArgumentException badColumn = assertThrows(IllegalArgumentException.class,
                () -> classifier().setFeaturesCol("label").fit(frame));
        assertTrue(badColumn.getMessage().contains("has type double"), badColumn.getMessage());
        Dataset<Row> halves = frame.withColumn("label", frame.col("label").plus(0.5));
        Exception badLabel = assertThrows(Exception.class, () -> classifier().fit(halves));
        assertTrue(rootMessage(badLabel).contains("expected a class index 0..3"), rootMessage(badLabel));
        IllegalArgumentException noModel = assertThrows(IllegalArgumentException.class,
                () -> new ConvNetClassifier().fit(frame));
        assertTrue(noModel.getMessage().contains("modelDefinition"), noModel.getMessage());
    }
}
