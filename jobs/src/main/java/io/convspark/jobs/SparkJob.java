package io.convspark.jobs;

import io.convspark.driver.spark.LocalCluster;
import io.convspark.driver.spark.SparkSettings;
import java.util.List;
import org.apache.spark.SparkConf;

/**
 * The Spark configuration of a convspark job: {@code --conf KEY=VALUE} pairs, the master (from {@code --master},
 * else the one spark-submit set, else an embedded {@code local[default]}), loopback driver host for local
 * masters, a class path and JVM flags for {@code local-cluster}, and convspark's own settings (Kryo with
 * registration required, barrier checks).
 */
final class SparkJob {
    private SparkJob() {
    }

    static SparkConf conf(String appName, String master, List<String> confPairs, String defaultLocal) {
        SparkConf conf = new SparkConf().setAppName(appName);
        for (String kv : confPairs) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new UserError("--conf: expected KEY=VALUE, got '" + kv + "'");
            }
            conf.set(kv.substring(0, eq), kv.substring(eq + 1));
        }
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster(defaultLocal);
        }
        String m = conf.get("spark.master");
        if (m.startsWith("local")) {
            conf.setIfMissing("spark.driver.host", System.getenv().getOrDefault("SPARK_LOCAL_IP", "127.0.0.1"));
        }
        if (LocalCluster.isLocalCluster(m)) {
            try {
                LocalCluster.configure(conf);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot prepare local-cluster executors: " + e.getMessage(), e);
            }
        }
        return SparkSettings.apply(conf);
    }
}
