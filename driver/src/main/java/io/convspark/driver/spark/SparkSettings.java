package io.convspark.driver.spark;

import io.convspark.kernels.compute.JitTrapLimits;
import org.apache.spark.SparkConf;

/** The Spark settings convspark needs, applied over whatever the user configured. */
public final class SparkSettings {
    private static final String EXECUTOR_JAVA_OPTIONS = "spark.executor.extraJavaOptions";

    private SparkSettings() {
    }

    /**
     * Kryo with registration required and convspark's registrator; barrier stages retried a few times
     * (an executor lost mid-training is a stage failure that resumes from the last checkpoint);
     * executors' OpenBLAS single-threaded unless configured otherwise; executors' JIT trap limits raised
     * ({@link JitTrapLimits}) unless the user's executor options set them.
     */
    public static SparkConf apply(SparkConf conf) {
        conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.set("spark.kryo.registrationRequired", "true");
        String registrators = conf.get("spark.kryo.registrator", "");
        String ours = ConvsparkKryoRegistrator.class.getName();
        if (!registrators.contains(ours)) {
            conf.set("spark.kryo.registrator", registrators.isEmpty() ? ours : registrators + "," + ours);
        }
        conf.setIfMissing("spark.stage.maxConsecutiveAttempts", "8");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        // A re-run barrier stage waits for enough free slots (a replacement executor): check every second,
        // not every 15 s.
        conf.setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s");
        conf.setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "120");
        // Start once the requested executors have registered (up to a minute), so the barrier stage finds
        // its slots at once.
        conf.setIfMissing("spark.scheduler.minRegisteredResourcesRatio", "1.0");
        conf.setIfMissing("spark.scheduler.maxRegisteredResourcesWaitingTime", "60s");
        // Executors' OpenBLAS (the default GEMM) must not start threads of its own: convspark's kernel
        // threads already use the task's cores.
        conf.setIfMissing("spark.executorEnv.OPENBLAS_NUM_THREADS", "1");
        // Executors' C2 must keep compiling the Vector API kernels to vector instructions in every run.
        String executorOptions = conf.get(EXECUTOR_JAVA_OPTIONS, "").trim();
        for (String flag : JitTrapLimits.FLAGS) {
            if (!executorOptions.contains(flag.substring(0, flag.indexOf('=') + 1))) {
                executorOptions = (executorOptions + " " + flag).trim();
            }
        }
        conf.set(EXECUTOR_JAVA_OPTIONS, executorOptions);
        return conf;
    }
}
