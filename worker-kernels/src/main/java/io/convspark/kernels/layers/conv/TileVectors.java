package io.convspark.kernels.layers.conv;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * How the plane transforms ({@link WinogradPlanes}, {@link Winograd4Planes}) cover a plane's
 * {@code T} tiles with vectors of {@code L} lanes, one lane a tile: {@code ceil(T / L)} vectors, the
 * last one shifted back to end at {@code T}. Its lanes that the vector before it covered are computed
 * twice; where results are accumulated, {@link #keep} zeroes them. Needs {@code T >= L}.
 */
final class TileVectors {
    /** Lanes of the preferred float vector. */
    static final int LANES = FloatVector.SPECIES_PREFERRED.length();
    private static final float[] ALL_LANES = new float[LANES];

    static {
        Arrays.fill(ALL_LANES, 1f);
    }

    private final int tiles;
    private final float[] lastMask;   // 1 for the last vector's lanes no earlier vector covered, else 0

    TileVectors(int tiles) {
        if (!suits(tiles)) {
            throw new IllegalArgumentException("a plane of " + tiles + " tiles does not fill a vector of " + LANES
                    + " lanes");
        }
        this.tiles = tiles;
        this.lastMask = new float[LANES];
        int covered = tiles / LANES * LANES;
        for (int l = 0; l < LANES; l++) {
            lastMask[l] = tiles - LANES + l >= covered ? 1f : 0f;
        }
    }

    /** True if a plane of {@code tiles} tiles fills at least one vector. */
    static boolean suits(int tiles) {
        return tiles >= LANES;
    }

    /** Start of the vector that covers tiles from {@code u} (a multiple of L): the last one ends exactly at T. */
    int start(int u) {
        return Math.min(u, tiles - LANES);
    }

    /** Per lane of the vector at {@link #start}{@code (u)}: 1 where no earlier vector covered the tile, else 0. */
    float[] keep(int u) {
        return start(u) < u ? lastMask : ALL_LANES;
    }
}
