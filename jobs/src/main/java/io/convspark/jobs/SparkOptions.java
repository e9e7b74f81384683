package io.convspark.jobs;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --engine spark} options of {@code convspark train}. */
final class SparkOptions {
    @Option(names = "--master", description = "Spark master URL: local[N], local-cluster[N,cores,MB], spark://..., yarn, k8s://... "
            + "(default: the one spark-submit set, else local[WORKERS] embedded)")
    String master;

    @Option(names = "--workers", description = "Replicas, one Spark task each (default: the cluster's default parallelism)")
    Integer workers;

    @Option(names = "--shards", description = "Data shards, a multiple of --workers; the same shard count gives the same model on any "
            + "number of workers that divides it (default: --workers)")
    Integer shards;

    @Option(names = "--sync", defaultValue = "ring", description = "ring: all-reduce between the tasks inside one barrier stage; "
            + "driver: one Spark job per step (the slow baseline, for comparison) (default: ${DEFAULT-VALUE})")
    String sync;

    @Option(names = "--checkpoint-dir", description = "Checkpoint directory on any Hadoop file system (default: RUN_DIR/checkpoints)")
    String checkpointDir;

    @Option(names = "--checkpoint-every", defaultValue = "200", description = "Also checkpoint every N steps; 0: only at epoch ends (default: ${DEFAULT-VALUE})")
    int checkpointEvery;

    @Option(names = "--resume", description = "Continue from the last checkpoint in --checkpoint-dir (or RUN_DIR/checkpoints)")
    boolean resume;

    @Option(names = "--allreduce-bucket", defaultValue = "-1", description = "Ring sync: reduce the gradient "
            + "in buckets of N floats while backward still runs (overlap); 0: one all-reduce after backward; -1 (default):"
            + " 0 when all replicas run on one host (loopback copies compete with backward for the cores), else 131072")
    int allReduceBucket;

    @Option(names = "--max-steps-per-epoch", defaultValue = "0", description = "Cap each epoch at N steps (quick runs, benchmarks); 0: no cap")
    int maxStepsPerEpoch;

    @Option(names = "--conf", description = "Spark setting KEY=VALUE (repeatable), as spark-submit's --conf")
    List<String> conf = new ArrayList<>();
}
