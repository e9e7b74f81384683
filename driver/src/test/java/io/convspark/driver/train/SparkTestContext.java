package io.convspark.driver.train;

import io.convspark.driver.spark.SparkSettings;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** Embedded Spark for tests: Kryo with registration required, as in production. */
public final class SparkTestContext {
    private SparkTestContext() {
    }

    public static JavaSparkContext local(int cores) {
        SparkConf conf = SparkSettings.apply(new SparkConf()
                .setMaster("local[" + cores + "]")
                .setAppName("convspark-test")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.ui.enabled", "false")
                .set("spark.sql.shuffle.partitions", "2"));
        return new JavaSparkContext(conf);
    }
}
