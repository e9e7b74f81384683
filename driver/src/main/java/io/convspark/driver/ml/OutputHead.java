package io.convspark.driver.ml;

import io.convspark.kernels.layers.Activation;
import io.convspark.kernels.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Turns the network's output for one image into Spark's classifier columns, as its probabilistic
 * classifiers do:
 * <ul>
 *   <li>{@code probability}: the class probabilities. A softmax head's outputs as they are; a one-unit sigmoid
 *       head gives {@code [1 - p, p]}; any other head is passed through a softmax.</li>
 *   <li>{@code rawPrediction}: the natural log of the probabilities (for a softmax head, the logits up to a
 *       per-image constant), floored at {@code ln(Float.MIN_VALUE)} so it stays finite.</li>
 *   <li>{@code prediction}: the index of the largest probability, as a double.</li>
 *   <li>{@code topK} (optional): the k most probable classes as {@code (index, probability)}, best first.</li>
 * </ul>
 */
final class OutputHead {
    private static final double LOG_FLOOR = Math.log(Float.MIN_VALUE);

    private final boolean softmax;
    private final boolean sigmoid;
    private final int topK;

    OutputHead(Activation activation, int topK) {
        String name = activation == null ? "linear" : activation.name();
        this.softmax = name.equals("softmax");
        this.sigmoid = name.equals("sigmoid");
        this.topK = topK;
    }

    /** The struct of one top-k entry. */
    static StructType topKEntry() {
        return new StructType().add("index", org.apache.spark.sql.types.DataTypes.IntegerType, false)
                .add("probability", org.apache.spark.sql.types.DataTypes.DoubleType, false);
    }

    /** The fields {@link #columns} appends, with the names the spec's params gave them. */
    static List<StructField> fields(ScoringSpec spec, String rawCol, String probabilityCol, String predictionCol,
                                    String topKCol) {
        List<StructField> f = new ArrayList<>();
        if (spec.rawPrediction()) {
            f.add(new StructField(rawCol, SQLDataTypes.VectorType(), true, Metadata.empty()));
        }
        if (spec.probability()) {
            f.add(new StructField(probabilityCol, SQLDataTypes.VectorType(), true, Metadata.empty()));
        }
        if (spec.prediction()) {
            f.add(new StructField(predictionCol, org.apache.spark.sql.types.DataTypes.DoubleType, true,
                    Metadata.empty()));
        }
        if (spec.topK() > 0) {
            f.add(new StructField(topKCol, new ArrayType(topKEntry(), false), true, Metadata.empty()));
        }
        return f;
    }

    /** The probabilities of image {@code n} of {@code out}. */
    double[] probabilities(Tensor out, int n) {
        float[] d = out.data();
        int base = out.offset(n);
        int k = out.sampleSize();
        if (sigmoid && k == 1) {
            double p = d[base];
            return new double[] {1 - p, p};
        }
        double[] p = new double[k];
        if (softmax || sigmoid) {
            for (int i = 0; i < k; i++) {
                p[i] = d[base + i];
            }
            return p;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            max = Math.max(max, d[base + i]);
        }
        double sum = 0;
        for (int i = 0; i < k; i++) {
            p[i] = Math.exp(d[base + i] - max);
            sum += p[i];
        }
        for (int i = 0; i < k; i++) {
            p[i] /= sum;
        }
        return p;
    }

    Object[] columns(Tensor out, int n, ScoringSpec spec) {
        double[] p = probabilities(out, n);
        List<Object> c = new ArrayList<>(4);
        if (spec.rawPrediction()) {
            double[] raw = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                raw[i] = p[i] > 0 ? Math.max(LOG_FLOOR, Math.log(p[i])) : LOG_FLOOR;
            }
            c.add(Vectors.dense(raw));
        }
        if (spec.probability()) {
            c.add(Vectors.dense(p));
        }
        if (spec.prediction()) {
            c.add((double) argmax(p));
        }
        if (spec.topK() > 0) {
            c.add(top(p, Math.min(topK, p.length)));
        }
        return c.toArray();
    }

    Object[] nullColumns(ScoringSpec spec) {
        int n = (spec.rawPrediction() ? 1 : 0) + (spec.probability() ? 1 : 0) + (spec.prediction() ? 1 : 0)
                + (spec.topK() > 0 ? 1 : 0);
        return new Object[n];
    }

    static int argmax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    private static scala.collection.Seq<org.apache.spark.sql.Row> top(double[] p, int k) {
        boolean[] taken = new boolean[p.length];
        List<org.apache.spark.sql.Row> result = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int i = 0; i < p.length; i++) {
                if (!taken[i] && (best < 0 || p[i] > p[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            result.add(RowFactory.create(best, p[best]));
        }
        return scala.jdk.javaapi.CollectionConverters.asScala(result);
    }
}
