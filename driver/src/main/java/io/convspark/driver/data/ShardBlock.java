package io.convspark.driver.data;

import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.random.SplitMix64;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * One shard of a data set as the element of a Spark RDD: its index, whether it holds training or
 * validation samples, and its compact uint8 pixels and labels (an {@link ImageDataset}) as a broadcast
 * variable, so tasks stay small and each executor fetches only the shards its replica owns, once,
 * through Spark's block manager.
 */
public record ShardBlock(int shard, boolean validation, int size, Broadcast<ImageDataset> data)
        implements Serializable {

    public ImageDataset dataset() {
        return data.value();
    }

    /**
     * The RDD elements, grouped by replica: replica r's training shards (samples assigned by a
     * permutation seeded from {@code seed}), then its contiguous part of the validation set. Every
     * replica gets the same number of elements, so {@code parallelize(list, workers)} puts each group in
     * its own partition (the replicas check it). Release them with {@link #release} after training.
     */
    public static List<ShardBlock> group(JavaSparkContext sc, ImageDataset train, ImageDataset validation,
                                         ShardLayout layout, long seed) {
        int[][] assignment = layout.assign(SplitMix64.permutation(train.size(), SplitMix64.key(seed, 0x5A4D), 0));
        int workers = layout.workers();
        List<ShardBlock> list = new ArrayList<>();
        for (int r = 0; r < workers; r++) {
            for (int s = layout.firstShard(r); s < layout.endShard(r); s++) {
                ImageDataset shard = train.subset(assignment[s]);
                list.add(new ShardBlock(s, false, shard.size(), sc.broadcast(shard)));
            }
            ImageDataset val = validation == null ? train.slice(0, 0)
                    : validation.slice((int) ((long) validation.size() * r / workers),
                    (int) ((long) validation.size() * (r + 1) / workers));
            list.add(new ShardBlock(r, true, val.size(), sc.broadcast(val)));
        }
        return list;
    }

    /** Frees the broadcast data of {@code blocks} on the driver and the executors. */
    public static void release(List<ShardBlock> blocks) {
        for (ShardBlock b : blocks) {
            b.data().destroy();
        }
    }
}
