package io.convspark.kernels.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CacheLinesTest {
    @Test
    void offsetsLieWithinOneLine() {
        for (int n = 0; n < 200; n++) {
            int offset = CacheLines.floatOffset(new float[n + 1]);
            assertTrue(offset >= 0 && offset < CacheLines.LINE_FLOATS, "offset " + offset);
        }
    }

    @Test
    void hotSpotArraysAreLocated() {
        // the test JVM is HotSpot with compressed references: addresses must be readable here
        assertTrue(CacheLines.known(), "array addresses unreadable on " + System.getProperty("java.vm.name"));
    }

    @Test
    void arraysAllocatedInARowAreLocatedWhereTheirSizesPutThem() {
        // floats of 16 bytes' header + 4 n: arrays of 2 floats take 24 bytes, so consecutive ones (one thread's
        // allocation buffer) begin 24 bytes apart and their offsets cycle through 8 values
        Set<Integer> seen = new HashSet<>();
        int agreeing = 0;
        for (int round = 0; round < 50; round++) {
            float[] first = new float[2];
            float[] second = new float[2];
            int a = CacheLines.floatOffset(first);
            int b = CacheLines.floatOffset(second);
            seen.add(a);
            // second begins 24 bytes (6 floats) after first: its offset is 6 floats less, modulo a line
            if (Math.floorMod(a - 6, CacheLines.LINE_FLOATS) == b) {
                agreeing++;
            }
        }
        assertTrue(agreeing >= 40, agreeing + " of 50 pairs where allocation order predicts");
        assertTrue(seen.size() > 1, "every array at one offset: " + seen);
    }

    @Test
    void unknownAddressesGiveOffsetZero() {
        if (!CacheLines.known()) {
            assertEquals(0, CacheLines.floatOffset(new float[7]));
        }
    }
}
