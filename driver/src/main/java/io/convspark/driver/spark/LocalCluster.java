package io.convspark.driver.spark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;

/**
 * Makes {@code local-cluster[N,cores,MB]} (real executor JVMs on this machine, started by an embedded
 * standalone master) work without a Spark distribution: the executors get this JVM's class path and
 * its module flags, and {@code SPARK_HOME} must name a folder with a {@code jars/} directory, which is
 * created if missing (its content does not matter: the class path comes along).
 */
public final class LocalCluster {
    private static final String EXECUTOR_JAVA_OPTIONS = "spark.executor.extraJavaOptions";

    private LocalCluster() {
    }

    public static boolean isLocalCluster(String master) {
        return master != null && master.startsWith("local-cluster[");
    }

    /** Sets the executors' class path, JVM flags and environment for a local-cluster master. */
    public static SparkConf configure(SparkConf conf) throws IOException {
        String home = System.getenv("SPARK_HOME");
        if (home == null || home.isBlank()) {
            throw new IllegalStateException("local-cluster masters need SPARK_HOME set to a folder with a jars/ "
                    + "directory (bin/convspark sets it)");
        }
        Files.createDirectories(Path.of(home, "jars"));
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        conf.setIfMissing("spark.executor.extraClassPath", classPath);
        // the module flags are required, so options given by the user come after them rather than instead
        String userOptions = conf.get(EXECUTOR_JAVA_OPTIONS, "").trim();
        conf.set(EXECUTOR_JAVA_OPTIONS, (currentJvmFlags() + " " + userOptions).trim());
        conf.setExecutorEnv("OPENBLAS_NUM_THREADS", "1");
        String localIp = System.getenv("SPARK_LOCAL_IP");
        if (localIp != null) {
            conf.setExecutorEnv("SPARK_LOCAL_IP", localIp);
        }
        return conf;
    }

    /** This JVM's module and Netty flags, which every Spark JVM on JDK 17 needs. */
    public static String currentJvmFlags() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("-XX:+IgnoreUnrecognized")
                        || a.startsWith("--enable-native-access") || a.startsWith("-Dio.netty")
                        || a.startsWith("-Djdk.reflect") || a.startsWith("-Djava.awt.headless")
                        || a.startsWith("-Dconvspark.gemm"))
                .collect(Collectors.joining(" "));
    }
}
