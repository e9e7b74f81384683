package io.convspark.kernels.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Float arrays equal within rounding: each element's error relative to its own magnitude plus a
 * thousandth of the largest one (so that elements near zero, where sums cancel, are judged against
 * the array's scale).
 */
public final class Closeness {
    private Closeness() {
    }

    /** {@code |e - a| <= tolerance (|e| + 1e-3 max|e|)} for every element; an all-zero {@code expected} fails (it tests nothing). */
    public static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertTrue(scale > 0, what + ": all zero, so the case tests nothing");
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]) / (1e-3 * scale + Math.abs(expected[i]));
            assertTrue(err <= tolerance, what + " [" + i + "]: " + expected[i] + " vs " + actual[i]);
        }
    }
}
