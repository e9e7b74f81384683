package io.convspark.driver.allreduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RingAllReduceTest {

    private static final int[] SIZES = {0, 1, 7, 2, 3, 1001, 65_537, 485_514};

    private static float[] randomData(int rank, int call, int size) {
        Random random = new Random(1000L * rank + call);
        float[] data = new float[size];
        for (int i = 0; i < size; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return data;
    }

    /**
     * Checks the all-reduced arrays of all ranks: bit-identical, and each element within float
     * rounding of {@code (Σ_r weight_r · input_r) / divisor} computed in double.
     */
    private static void assertReduced(List<float[]> inputs, float[] weights, float divisor, List<float[]> outputs) {
        float[] first = outputs.get(0);
        for (int r = 1; r < outputs.size(); r++) {
            assertArrayEquals(first, outputs.get(r), "rank " + r + " differs from rank 0");
        }
        for (int i = 0; i < first.length; i++) {
            double exact = 0;
            double magnitude = 0;
            for (int r = 0; r < inputs.size(); r++) {
                exact += (double) weights[r] * inputs.get(r)[i];
                magnitude += Math.abs((double) weights[r] * inputs.get(r)[i]);
            }
            exact /= divisor;
            magnitude /= divisor;
            double tolerance = 1e-6 * magnitude + Float.MIN_NORMAL;
            assertTrue(Math.abs(first[i] - (float) exact) <= tolerance,
                    "element " + i + ": " + first[i] + " vs exact " + exact);
        }
    }

    private static float[] ones(int world) {
        float[] w = new float[world];
        java.util.Arrays.fill(w, 1f);
        return w;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void sumsExactlyAndBitIdenticallyForAllSizes(int world) throws Exception {
        try (LoopbackRing ring = LoopbackRing.form(world, AllReduceSettings.defaults().withChunkBytes(16 * 1024))) {
            for (int call = 0; call < SIZES.length; call++) {
                int size = SIZES[call];
                int c = call;
                List<float[]> inputs = ring.onAllRanks(rank -> randomData(rank, c, size));
                List<float[]> outputs = ring.onAllRanks(rank -> {
                    float[] data = inputs.get(rank).clone();
                    ring.rings.get(rank).sum(data);
                    return data;
                });
                assertReduced(inputs, ones(world), 1f, outputs);
            }
        }
    }

    @Test
    void manyConsecutiveCallsOnTheSameConnections() throws Exception {
        int world = 3;
        int size = 10_007;
        int calls = 60;
        try (LoopbackRing ring = LoopbackRing.form(world, AllReduceSettings.defaults().withChunkBytes(4096))) {
            for (int call = 0; call < calls; call++) {
                int c = call;
                List<float[]> inputs = ring.onAllRanks(rank -> randomData(rank, c, size));
                List<float[]> outputs = ring.onAllRanks(rank -> {
                    float[] data = inputs.get(rank).clone();
                    ring.rings.get(rank).sum(data);
                    return data;
                });
                assertReduced(inputs, ones(world), 1f, outputs);
            }
            for (RingAllReduce r : ring.rings) {
                AllReduceStats total = r.totalStats();
                assertEquals(calls, total.calls());
                assertEquals((long) calls * size, total.floats());
            }
        }
    }

    @Test
    void sameInputsGiveTheSameBitsOnEveryCall() throws Exception {
        int world = 3;
        int size = 33_333;
        try (LoopbackRing ring = LoopbackRing.form(world, AllReduceSettings.defaults().withChunkBytes(2048))) {
            List<float[]> inputs = ring.onAllRanks(rank -> randomData(rank, 3, size));
            LoopbackRing.RankTask<float[]> sum = rank -> {
                float[] data = inputs.get(rank).clone();
                ring.rings.get(rank).sum(data);
                return data;
            };
            List<float[]> first = ring.onAllRanks(sum);
            List<float[]> second = ring.onAllRanks(sum);
            for (int r = 0; r < world; r++) {
                assertArrayEquals(first.get(0), second.get(r), "rank " + r);
            }
        }
    }

    @Test
    void weightedMeanFusesWeightAndDivisor() throws Exception {
        int world = 3;
        int size = 5003;
        float[] weights = {32f, 17f, 11f};
        float divisor = 60f;
        try (LoopbackRing ring = LoopbackRing.form(world, AllReduceSettings.defaults().withChunkBytes(1024))) {
            List<float[]> inputs = ring.onAllRanks(rank -> randomData(rank, 7, size));
            List<float[]> outputs = ring.onAllRanks(rank -> {
                float[] data = inputs.get(rank).clone();
                ring.rings.get(rank).allReduce(data, 0, size, weights[rank], divisor);
                return data;
            });
            assertReduced(inputs, weights, divisor, outputs);

            List<float[]> averaged = ring.onAllRanks(rank -> {
                float[] data = inputs.get(rank).clone();
                ring.rings.get(rank).average(data);
                return data;
            });
            assertReduced(inputs, ones(world), world, averaged);
        }
    }

    @Test
    void reducesOnlyTheGivenRange() throws Exception {
        int world = 2;
        try (LoopbackRing ring = LoopbackRing.form(world, AllReduceSettings.defaults())) {
            List<float[]> outputs = ring.onAllRanks(rank -> {
                float[] data = {-1f, 1f + rank, 2f + rank, 3f + rank, -1f};
                ring.rings.get(rank).allReduce(data, 1, 3, 1f, 1f);
                return data;
            });
            assertArrayEquals(new float[] {-1f, 3f, 5f, 7f, -1f}, outputs.get(0));
            assertArrayEquals(outputs.get(0), outputs.get(1));
        }
    }

    @Test
    void reportsBytesAndTimePerCall() throws Exception {
        int size = 1000;
        try (LoopbackRing ring = LoopbackRing.form(2, AllReduceSettings.defaults())) {
            ring.onAllRanks(rank -> {
                ring.rings.get(rank).sum(new float[size]);
                return null;
            });
            for (RingAllReduce r : ring.rings) {
                AllReduceStats last = r.lastCallStats();
                // 16-byte header, then half the array in each of the 2 phases
                assertEquals(16 + 4L * size, last.bytesSent());
                assertEquals(16 + 4L * size, last.bytesReceived());
                assertEquals(size, last.floats());
                assertTrue(last.totalNanos() > 0 && last.waitNanos() >= 0 && last.transferNanos() >= 0, last::toString);
                assertEquals(last, r.totalStats());
            }
        }
    }

    @Test
    void worldOfOneOnlyScales() throws Exception {
        JobCredentials credentials = JobCredentials.generate("solo");
        PeerServer server = PeerServer.bind(LoopbackRing.HOST, credentials, AllReduceSettings.defaults());
        try (RingAllReduce ring = RingAllReduce.connect(server, 0, List.of(server.address()))) {
            float[] data = {1f, 2f, 3f};
            ring.sum(data);
            assertArrayEquals(new float[] {1f, 2f, 3f}, data);
            ring.allReduce(data, 0, 3, 2f, 4f);
            assertArrayEquals(new float[] {0.5f, 1f, 1.5f}, data);
            assertEquals(2, ring.totalStats().calls());
        }
    }

    @Test
    void rejectsBadArguments() throws Exception {
        try (LoopbackRing ring = LoopbackRing.form(2, AllReduceSettings.defaults())) {
            RingAllReduce r = ring.rings.get(0);
            float[] data = new float[4];
            assertThrows(IllegalArgumentException.class, () -> r.allReduce(data, 2, 3, 1f, 1f));
            IllegalArgumentException divisor =
                    assertThrows(IllegalArgumentException.class, () -> r.allReduce(data, 0, 4, 1f, 0f));
            assertTrue(divisor.getMessage().contains("divisor"), divisor.getMessage());
            assertThrows(IllegalArgumentException.class, () -> r.allReduce(data, 0, 4, Float.NaN, 1f));
            assertThrows(IllegalArgumentException.class, () -> r.sum(null));
        }
    }

    @Test
    void closedRingRefusesCalls() throws Exception {
        LoopbackRing ring = LoopbackRing.form(2, AllReduceSettings.defaults());
        ring.close();
        assertThrows(IllegalStateException.class, () -> ring.rings.get(0).sum(new float[3]));
    }
}
