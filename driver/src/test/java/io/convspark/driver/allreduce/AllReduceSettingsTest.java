package io.convspark.driver.allreduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The gradient buckets a ring uses: configured, or chosen by where its replicas run. */
class AllReduceSettingsTest {
    @Test
    void autoOverlapsOnlyAcrossHosts() {
        AllReduceSettings auto = AllReduceSettings.defaults();
        assertEquals(AllReduceSettings.AUTO_BUCKET, auto.bucketFloats());
        assertEquals(0, auto.bucketFloatsFor(List.of("10.0.0.5", "10.0.0.5")), "one host: one all-reduce after backward");
        assertEquals(0, auto.bucketFloatsFor(List.of("10.0.0.5")));
        assertEquals(AllReduceSettings.DEFAULT_BUCKET_FLOATS, auto.bucketFloatsFor(List.of("10.0.0.5", "10.0.0.6")));
    }

    @Test
    void aConfiguredBucketIsKeptWherever() {
        assertEquals(50, AllReduceSettings.defaults().withBucketFloats(50).bucketFloatsFor(List.of("a", "a")));
        assertEquals(0, AllReduceSettings.defaults().withBucketFloats(0).bucketFloatsFor(List.of("a", "b")));
    }

    @Test
    void rejectsBucketsBelowAuto() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AllReduceSettings.defaults().withBucketFloats(-2));
        assertTrue(e.getMessage().contains("bucketFloats") && e.getMessage().contains("-2"), e.getMessage());
    }
}
