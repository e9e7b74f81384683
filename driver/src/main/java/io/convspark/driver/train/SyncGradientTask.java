package io.convspark.driver.train;

import io.convspark.driver.data.ShardBlock;
import io.convspark.driver.data.ShardLayout;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.metrics.Metric;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * One partition's part of one step in {@code driver} synchronization: sets the broadcast weights,
 * computes the gradient of its slice and returns it weighted by its sample count, followed by its
 * BatchNormalization state, {@code count * loss} and metric sums. Replicas are cached per executor
 * between the per-step jobs (only the latest run's).
 */
final class SyncGradientTask implements FlatMapFunction<Iterator<ShardBlock>, float[]> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Replica> REPLICAS = new ConcurrentHashMap<>();

    private final TrainingPlan plan;
    private final ShardLayout layout;
    private final String runId;
    private final int epoch;
    private final int step;
    private final Broadcast<float[][]> weights;

    SyncGradientTask(TrainingPlan plan, ShardLayout layout, String runId, int epoch, int step,
                     Broadcast<float[][]> weights) {
        this.plan = plan;
        this.layout = layout;
        this.runId = runId;
        this.epoch = epoch;
        this.step = step;
        this.weights = weights;
    }

    @Override
    public Iterator<float[]> call(Iterator<ShardBlock> partition) {
        int rank = TaskContext.getPartitionId();
        String key = runId + "/" + rank;
        REPLICAS.keySet().removeIf(k -> !k.startsWith(runId + "/"));
        Replica replica = REPLICAS.computeIfAbsent(key, k -> {
            List<ShardBlock> blocks = new ArrayList<>();
            partition.forEachRemaining(blocks::add);
            int threads = plan.threadsPerReplica() > 0 ? plan.threadsPerReplica()
                    : Math.max(1, TaskContext.get().cpus());
            return new Replica(plan, layout, rank, blocks, new KernelExecutor(threads));
        });
        float[][] w = weights.value();
        replica.setWeights(w[0], w[1]);
        replica.trainer.iterations(epoch * (long) plan.stepsPerEpoch(layout.stepsPerEpoch()) + step);
        if (step == 0) {
            for (Metric m : replica.metrics()) {
                m.reset();
            }
        }
        int n = replica.prepareStep(epoch, step);
        double loss = replica.computeGradients(step, n);
        float[] grads = replica.parameters().grads();
        float[] state = replica.parameters().state();
        List<Metric> metrics = replica.metrics();
        float[] out = new float[grads.length + state.length + 1 + 2 * metrics.size()];
        for (int i = 0; i < grads.length; i++) {
            out[i] = grads[i] * n;
        }
        System.arraycopy(state, 0, out, grads.length, state.length);
        int a = grads.length + state.length;
        out[a++] = (float) (loss * n);
        for (Metric m : metrics) {
            double[] ms = m.state();
            out[a++] = (float) ms[0];
            out[a++] = (float) ms[1];
        }
        return List.of(out).iterator();
    }
}
