package io.convspark.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ShardLayoutTest {
    @Test
    void splitsSamplesAndBatchesEvenly() {
        ShardLayout l = new ShardLayout(1001, 4, 2, 64);
        assertEquals(251, l.shardSize(0));
        assertEquals(250, l.shardSize(3));
        assertEquals(16, l.sliceSize(0));
        assertEquals(16, l.stepsPerEpoch(), "ceil(251 / 16)");
        assertEquals(64, l.globalCount(0));
        // last step: 251 - 15*16 = 11 from shard 0, 10 from the others
        assertEquals(11 + 10 + 10 + 10, l.globalCount(15));
        assertEquals(0, l.firstShard(0));
        assertEquals(2, l.firstShard(1));
        assertEquals(32, l.offsetInBatch(2, 0));
        assertEquals(251 + 250, l.keyBase(2));
    }

    @Test
    void everySampleGoesToExactlyOneShard() {
        ShardLayout l = new ShardLayout(10, 3, 1, 6);
        int[] perm = {9, 3, 1, 0, 7, 2, 8, 5, 4, 6};
        int[][] a = l.assign(perm);
        int[] all = Arrays.stream(a).flatMapToInt(Arrays::stream).sorted().toArray();
        assertEquals(10, all.length);
        for (int i = 0; i < 10; i++) {
            assertEquals(i, all[i]);
        }
        assertEquals(4, a[0].length);
        assertEquals(9, a[0][0]);
        assertEquals(0, a[0][1]);
    }

    @Test
    void impossibleLayoutsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ShardLayout(100, 3, 2, 64));
        assertTrue(e.getMessage().contains("multiple of the worker count 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ShardLayout(100, 4, 4, 2));
        assertThrows(IllegalArgumentException.class, () -> new ShardLayout(3, 4, 4, 8));
        assertThrows(IllegalArgumentException.class, () -> new ShardLayout(0, 1, 1, 8));
    }
}
