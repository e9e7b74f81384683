package io.convspark.driver.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.convspark.driver.train.SparkTestContext;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.data.MnistReader;
import io.convspark.kernels.losses.Losses;
import io.convspark.kernels.model.io.SavedModel;
import io.convspark.kernels.optimizers.Optimizers;
import io.convspark.kernels.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline check on real MNIST (skipped when absent; {@code -Dconvspark.datasets}): a Pipeline
 * with {@link ConvNetClassifier} trains {@code mnist-deitel} on 2 workers from DataFrame rows (the first 12,000
 * training images, one epoch), is saved, loaded and transforms the 10,000 test images; every probability
 * equals the single-JVM model's on the same images.
 */
class MnistPipelineTest {
    @TempDir
    Path tmp;

    @Test
    void pipelineOnMnistRowsPredictsAsTheSingleJvmModel() throws Exception {
        Path dir = Paths.get(System.getProperty("convspark.datasets", "../shared/datasets"), "mnist");
        assumeTrue(Files.exists(dir.resolve("train-images-idx3-ubyte.gz")), "MNIST not found in " + dir);
        ImageDataset train = MnistReader.load(dir, true).slice(0, 12_000);
        ImageDataset test = MnistReader.load(dir, false);
        SparkSession spark = SparkSession.builder().sparkContext(SparkTestContext.local(2).sc()).getOrCreate();
        try {
            ConvNetClassifier classifier = new ConvNetClassifier()
                    .setModelDefinitionFile(Paths.get("..", "conf", "models", "mnist-deitel.json"))
                    .setEpochs(1).setBatchSize(64).setSeed(1).setNumWorkers(2);
            PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {classifier})
                    .fit(ImageFrames.fromDataset(spark, train, "mnist-train", 4));
            String saved = tmp.resolve("mnist-pipeline").toString();
            fitted.write().save(saved);
            PipelineModel loaded = PipelineModel.load(saved);
            List<Row> rows = loaded.transform(ImageFrames.fromDataset(spark, test, "mnist-test", 4))
                    .select("index", "probability", "prediction").orderBy("index").collectAsList();

            ConvNetClassificationModel model = (ConvNetClassificationModel) loaded.stages()[0];
            SavedModel net = model.savedModel();
            float[][] expected = new Trainer(net.model(), Losses.parse("mse"), Optimizers.parse("sgd"), List.of())
                    .predict(test, 256, net.normalizer());
            assertEquals(test.size(), rows.size());
            int correct = 0;
            double maxDiff = 0;
            for (int i = 0; i < rows.size(); i++) {
                double[] p = ((Vector) rows.get(i).get(1)).toArray();
                for (int k = 0; k < p.length; k++) {
                    maxDiff = Math.max(maxDiff, Math.abs(p[k] - expected[i][k]));
                }
                if ((int) rows.get(i).getDouble(2) == test.label(i)) {
                    correct++;
                }
            }
            System.out.printf("MNIST pipeline: 12,000 training rows, 1 epoch on 2 workers: test accuracy %.4f, "
                    + "max |p - p_single_jvm| = %.2e%n", correct / (double) rows.size(), maxDiff);
            assertTrue(maxDiff <= 1e-6, "max probability difference to the single-JVM model " + maxDiff);
            assertTrue(correct >= 0.95 * rows.size(), "test accuracy " + correct + "/" + rows.size());
        } finally {
            spark.stop();
        }
    }
}
