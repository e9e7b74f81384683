package io.convspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.jobs.ConvsparkCliTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convspark export-images} and {@code convspark predict --input ... --output ...} (batch scoring on the
 * embedded Spark): PNG folders and Parquet give the same predictions as the single-JVM {@code predict --data};
 * outputs are never half-written or silently replaced; invalid files are reported.
 */
class PredictScoringTest {
    static final String MODEL = "{\"name\": \"small\", \"input\": {\"channels\": 1, \"height\": 28, \"width\": 28},"
            + " \"layers\": [{\"type\": \"Conv2D\", \"filters\": 4, \"kernel_size\": 3, \"activation\": \"relu\"},"
            + " {\"type\": \"MaxPooling2D\", \"pool_size\": 2}, {\"type\": \"Flatten\"},"
            + " {\"type\": \"Dense\", \"units\": 10, \"activation\": \"softmax\"}]}";

    @TempDir
    Path tmp;

    private static Map<Long, Integer> predictions(String parquet) {
        SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
        try {
            Map<Long, Integer> out = new HashMap<>();
            List<Row> rows = spark.read().parquet(parquet).collectAsList();
            for (Row r : rows) {
                long index = r.schema().getFieldIndex("index").isDefined() ? r.getLong(r.fieldIndex("index"))
                        : Long.parseLong(Path.of(r.<String>getAs("path")).getFileName().toString().substring(0, 7));
                assertEquals(10, r.getList(r.fieldIndex("probabilities")).size());
                out.put(index, r.getInt(r.fieldIndex("prediction")));
            }
            return out;
        } finally {
            spark.stop();
        }
    }

    /** The encodings of each column (dotted path) over the row groups of the Parquet files in {@code dir}. */
    private static Map<String, Set<Encoding>> encodings(Path dir) throws Exception {
        Map<String, Set<Encoding>> out = new TreeMap<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
                try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                        new org.apache.hadoop.fs.Path(f.toUri()), new Configuration()))) {
                    for (BlockMetaData block : reader.getFooter().getBlocks()) {
                        for (ColumnChunkMetaData column : block.getColumns()) {
                            out.computeIfAbsent(column.getPath().toDotString(), k -> new TreeSet<>())
                                    .addAll(column.getEncodings());
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void scoresPngFoldersAndParquetAsTheSingleJvmPredict() throws Exception {
        Path data = TestMnist.write(tmp.resolve("mnist"), 300, 60);
        Path modelJson = Files.writeString(tmp.resolve("small.json"), MODEL);
        Path run = tmp.resolve("run");
        Result train = ConvsparkCliTest.run("train", "--engine", "local", "--model", modelJson.toString(), "--data",
                "mnist:" + data, "--epochs", "1", "--batch-size", "32", "--learning-rate", "0.01", "--out",
                run.toString());
        assertEquals(0, train.code(), train.err());
        String model = run.resolve("model.convspark").toString();
        Path csv = tmp.resolve("single.csv");
        assertEquals(0, ConvsparkCliTest.run("predict", "--model", model, "--data", "mnist:" + data, "--output",
                csv.toString()).code());
        Map<Long, Integer> expected = new HashMap<>();
        for (String line : Files.readAllLines(csv).subList(1, 61)) {
            String[] f = line.split(",");
            expected.put(Long.parseLong(f[0]), Integer.parseInt(f[2]));
        }

        Path png = tmp.resolve("png");
        Result export = ConvsparkCliTest.run("export-images", "--data", "mnist:" + data, "--format", "png",
                "--output", png.toString());
        assertEquals(0, export.code(), export.err());
        assertEquals(60, Files.list(png).count());
        String scored = tmp.resolve("scored-png").toString();
        Result predict = ConvsparkCliTest.run("predict", "--model", model, "--input", png.toString(), "--output",
                scored, "--master", "local[2]");
        assertEquals(0, predict.code(), predict.err());
        assertTrue(predict.out().contains("Scored 60 images"), predict.out());
        assertEquals(expected, predictions(scored));

        Result again = ConvsparkCliTest.run("predict", "--model", model, "--input", png.toString(), "--output",
                scored, "--master", "local[2]");
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already exists (use --overwrite"), again.err());
        Result repeated = ConvsparkCliTest.run("predict", "--model", model, "--input", png.toString(), "--output",
                scored, "--master", "local[2]", "--overwrite", "--repeat", "2");
        assertEquals(0, repeated.code(), repeated.err());
        assertTrue(repeated.out().contains("Pass 1 of 2: 60 images") && repeated.out().contains("Pass 2 of 2: 60 images")
                && repeated.out().contains("Scored 60 images"), repeated.out());
        assertEquals(expected, predictions(scored), "the last pass's output is kept, whole");
        Map<String, Set<Encoding>> encodings = encodings(Path.of(scored));
        assertTrue(encodings.get("prediction").contains(Encoding.PLAIN_DICTIONARY)
                || encodings.get("prediction").contains(Encoding.RLE_DICTIONARY), encodings.toString());
        for (String distinct : List.of("path", "probabilities.list.element")) {
            assertFalse(encodings.get(distinct).contains(Encoding.PLAIN_DICTIONARY)
                    || encodings.get(distinct).contains(Encoding.RLE_DICTIONARY), distinct + ": " + encodings);
        }

        String parquet = tmp.resolve("images.parquet").toString();
        Result pq = ConvsparkCliTest.run("export-images", "--data", "mnist:" + data, "--format", "parquet",
                "--count", "150", "--output", parquet, "--master", "local[2]");
        assertEquals(0, pq.code(), pq.err());
        String scoredPq = tmp.resolve("scored-pq").toString();
        Result predictPq = ConvsparkCliTest.run("predict", "--model", model, "--input", parquet, "--output",
                scoredPq, "--master", "local[2]", "--binary-format", "raw");
        assertEquals(0, predictPq.code(), predictPq.err());
        Map<Long, Integer> got = predictions(scoredPq);
        assertEquals(150, got.size(), "60 exported images and 90 generated (shifted) ones");
        for (long i = 0; i < 60; i++) {
            assertEquals(expected.get(i), got.get(i), "image " + i);
        }
    }

    @Test
    void invalidFilesFailNamingThemOrAreKeptWithTheReason() throws Exception {
        Path data = TestMnist.write(tmp.resolve("mnist"), 100, 20);
        Path modelJson = Files.writeString(tmp.resolve("small.json"), MODEL);
        Path run = tmp.resolve("run");
        assertEquals(0, ConvsparkCliTest.run("train", "--engine", "local", "--model", modelJson.toString(), "--data",
                "mnist:" + data, "--epochs", "1", "--out", run.toString()).code());
        String model = run.resolve("model.convspark").toString();
        Path png = tmp.resolve("png");
        assertEquals(0, ConvsparkCliTest.run("export-images", "--data", "mnist:" + data, "--format", "png",
                "--output", png.toString()).code());
        Files.write(png.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3});
        String out = tmp.resolve("scored").toString();
        Result failed = ConvsparkCliTest.run("predict", "--model", model, "--input", png.toString(), "--output", out,
                "--master", "local[1]");
        assertEquals(2, failed.code(), "a broken file fails the job by default");
        assertTrue(failed.err().contains("cannot score image") && failed.err().contains("broken.png")
                && failed.err().contains("handleInvalid"), failed.err());
        assertFalse(Files.exists(Path.of(out)), "no partial output is left");

        Result kept = ConvsparkCliTest.run("predict", "--model", model, "--input", png.toString(), "--output", out,
                "--master", "local[1]", "--handle-invalid", "keep");
        assertEquals(0, kept.code(), kept.err());
        assertTrue(kept.out().contains("1 invalid (keep)"), kept.out());
        SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
        try {
            List<Row> errors = spark.read().parquet(out).where("error IS NOT NULL").collectAsList();
            assertEquals(1, errors.size());
            assertTrue(errors.get(0).<String>getAs("error").contains("broken.png"), errors.get(0).toString());
        } finally {
            spark.stop();
        }

        Result both = ConvsparkCliTest.run("predict", "--model", model, "--input", png.toString(), "--data",
                "mnist:" + data, "--output", out);
        assertEquals(2, both.code());
        assertTrue(both.err().contains("either --input"), both.err());
        Result badFormat = ConvsparkCliTest.run("export-images", "--data", "mnist:" + data, "--format", "tiff",
                "--output", tmp.resolve("x").toString());
        assertEquals(2, badFormat.code());
        assertTrue(badFormat.err().contains("--format: expected png or parquet"), badFormat.err());
    }

    /** The number of rows in each partition of {@code binaryFile} over {@code dir}. */
    private static List<Integer> rowsPerPartition(SparkSession spark, Path dir) {
        return spark.read().format("binaryFile").load(dir.toString()).javaRDD().mapPartitions(rows -> {
            int n = 0;
            for (; rows.hasNext(); rows.next()) {
                n++;
            }
            return List.of(n).iterator();
        }).collect();
    }

    @Test
    void foldersOfManySmallFilesSplitIntoEqualCountsOfFiles() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("sizes"));
        for (int i = 0; i < 160; i++) { // 100 to 999 bytes: split by bytes, the partitions' counts would differ by half
            Files.write(dir.resolve(String.format("%04d.bin", i)), new byte[100 + (i * 37) % 900]);
        }
        SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
        try {
            SparkScoring.sizeSplits(spark, dir.toString(), 8);
            List<Integer> counts = rowsPerPartition(spark, dir);
            assertEquals(160, counts.stream().mapToInt(Integer::intValue).sum(), counts.toString());
            assertTrue(counts.size() >= 7 && counts.size() <= 9, counts.toString());
            // the longest task decides a pass: no partition more than 10% above the mean of 20 files
            int max = counts.stream().mapToInt(Integer::intValue).max().orElseThrow();
            assertTrue(max <= 22, "files per partition " + counts);
        } finally {
            spark.stop();
        }
    }

    @Test
    void hiddenSideFilesDoNotSkewTheSplitsOfAFewLargeFiles() throws Exception {
        // 20 equal data files with Hadoop's .crc side files and _SUCCESS, as a checksumming file system writes a
        // Parquet folder: Spark reads only the 20; counted too, they made 3 partitions (7, 7, 6) for 4 tasks
        Path dir = Files.createDirectories(tmp.resolve("large"));
        for (int i = 0; i < 20; i++) {
            String name = String.format("part-%05d.bin", i);
            Files.write(dir.resolve(name), new byte[50_000]);
            Files.write(dir.resolve("." + name + ".crc"), new byte[400]);
        }
        Files.write(dir.resolve("_SUCCESS"), new byte[0]);
        Files.write(dir.resolve("._SUCCESS.crc"), new byte[8]);
        SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
        try {
            SparkScoring.sizeSplits(spark, dir.toString(), 4);
            List<Integer> counts = rowsPerPartition(spark, dir);
            assertEquals(List.of(5, 5, 5, 5), counts);
        } finally {
            spark.stop();
        }
        assertFalse(SparkScoring.readBySpark(new org.apache.hadoop.fs.Path("/in/_tmp/a.png"), 1));
        assertFalse(SparkScoring.readBySpark(new org.apache.hadoop.fs.Path("/in/x/.a.png.crc"), 1));
        assertTrue(SparkScoring.readBySpark(new org.apache.hadoop.fs.Path("/_in/x/a.png"), 1), "above the input");
    }
}
