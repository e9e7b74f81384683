package io.convspark.driver.data;

import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.random.SplitMix64;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One shard of a data set as the element of a Spark RDD: compact uint8 pixels and labels (an
 * {@link ImageDataset}), tagged with its shard index and whether it holds training or validation
 * samples.
 */
public record ShardBlock(int shard, boolean validation, ImageDataset data) implements Serializable {

    /**
     * The RDD elements, grouped by replica: replica r's training shards (samples assigned by a
     * permutation seeded from {@code seed}), then its contiguous part of the validation set. Every
     * replica gets the same number of elements, so {@code parallelize(list, workers)} puts each group in
     * its own partition (the replicas check it).
     */
    public static List<ShardBlock> group(ImageDataset train, ImageDataset validation, ShardLayout layout, long seed) {
        int[][] assignment = layout.assign(SplitMix64.permutation(train.size(), SplitMix64.key(seed, 0x5A4D), 0));
        int workers = layout.workers();
        List<ShardBlock> list = new ArrayList<>();
        for (int r = 0; r < workers; r++) {
            for (int s = layout.firstShard(r); s < layout.endShard(r); s++) {
                list.add(new ShardBlock(s, false, train.subset(assignment[s])));
            }
            ImageDataset val = validation == null ? train.slice(0, 0)
                    : validation.slice((int) ((long) validation.size() * r / workers),
                    (int) ((long) validation.size() * (r + 1) / workers));
            list.add(new ShardBlock(r, true, val));
        }
        return list;
    }
}
