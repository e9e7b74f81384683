package io.convspark.kernels.layers.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.convspark.kernels.compute.CacheLines;
import org.junit.jupiter.api.Test;

class ColumnBuffersTest {
    @Test
    void eachSlotBeginsAtItsLineWithOnesInTheBiasRowAndZerosElsewhere() {
        ColumnBuffers buffers = new ColumnBuffers(4, 32, 2);
        buffers.ensure(3);
        for (int slot = 0; slot < 3; slot++) {
            float[] c = buffers.of(slot);
            int at = buffers.align(slot);
            assertEquals(CacheLines.floatOffset(c), at);
            assertEquals(4 * 32 + CacheLines.LINE_FLOATS - 1, c.length);
            for (int i = 0; i < c.length; i++) {
                boolean ones = i >= at + 2 * 32 && i < at + 3 * 32;
                assertEquals(ones ? 1f : 0f, c[i], "slot " + slot + ", float " + i);
            }
        }
    }

    @Test
    void aStableArrayKeepsWhatWasWritten() {
        ColumnBuffers buffers = new ColumnBuffers(2, 16, -1);
        buffers.ensure(1);
        int at = buffers.align(0);
        buffers.of(0)[at] = 5f;
        // the array has not moved (or its address is unknown: offset 0 both times), so nothing is laid anew
        if (buffers.align(0) == at) {
            assertEquals(5f, buffers.of(0)[at]);
        }
    }
}
