package io.convspark.kernels.layers.conv;

import io.convspark.kernels.compute.CacheLines;
import java.util.Arrays;

/**
 * One column matrix per slot of a parallel loop ({@code rows} rows of {@code ld} floats), laid out
 * from a cache line's start ({@link CacheLines}) so that every vector read from a row touches one
 * line: a lowering writes its first rows each sample; the others hold zeros, but for a row of ones
 * (the bias's) where asked. Where an array begins is read once per pass ({@link #align}); where it
 * moved (first use, or the collector moved the array), the rows are laid anew.
 */
final class ColumnBuffers {
    private final int rows;
    private final int ld;
    private final int onesRow;
    private float[][] col = new float[0][];
    private int[] at = new int[0];

    /**
     * @param onesRow the row of ones, or -1 for none
     */
    ColumnBuffers(int rows, int ld, int onesRow) {
        this.rows = rows;
        this.ld = ld;
        this.onesRow = onesRow;
    }

    /** Makes one matrix per slot (kept while the slot count stays). */
    void ensure(int slots) {
        if (col.length != slots) {
            col = new float[slots][rows * ld + CacheLines.LINE_FLOATS - 1];
            at = new int[slots];
            Arrays.fill(at, -1);
        }
    }

    /** Slot {@code slot}'s array: its matrix begins at {@link #align}'s offset. */
    float[] of(int slot) {
        return col[slot];
    }

    /**
     * Where slot {@code slot}'s matrix begins for this pass: at a cache line's start as the array lies
     * now (0 where that cannot be known); zeros and the ones row laid anew if that moved.
     */
    int align(int slot) {
        float[] c = col[slot];
        int offset = CacheLines.floatOffset(c);
        if (offset != at[slot]) {
            Arrays.fill(c, 0f);
            if (onesRow >= 0) {
                Arrays.fill(c, offset + onesRow * ld, offset + (onesRow + 1) * ld, 1f);
            }
            at[slot] = offset;
        }
        return offset;
    }
}
