package io.convspark.kernels.layers.conv;

import io.convspark.kernels.compute.ElementwiseKernels;
import io.convspark.kernels.compute.KernelExecutor;
import java.util.Arrays;

/**
 * Per-slot partial sums of a gradient that every slot of a parallel loop accumulates over its own
 * samples, reduced in slot order afterwards, so the result does not depend on thread timing. A slot
 * that got no work is skipped. Allocated once, reallocated only when the slot count or length changes.
 */
final class SlotPartials {
    private float[][] partial = new float[0][];
    private boolean[] used = new boolean[0];
    private int length = -1;

    /** Makes room for {@code slots} partials of {@code len} floats and marks every slot unused. */
    void reset(int slots, int len) {
        if (partial.length != slots || length != len) {
            partial = new float[slots][len];
            used = new boolean[slots];
            length = len;
        }
        Arrays.fill(used, false);
    }

    /** Slot {@code slot}'s partial, which the caller overwrites or accumulates into. */
    float[] of(int slot) {
        return partial[slot];
    }

    /**
     * {@code partial[slot][f] += sum over samples n0 .. n0+size-1 and positions p of y[n, f, p]}, for
     * {@code y} laid out as samples of {@code planes} planes of {@code planeSize} floats (a bias gradient).
     */
    void addPlaneSums(int slot, float[] y, int n0, int size, int planes, int planeSize) {
        ElementwiseKernels sums = ElementwiseKernels.get();
        float[] ps = partial[slot];
        for (int n = n0; n < n0 + size; n++) {
            int sample = n * planes * planeSize;
            for (int f = 0; f < planes; f++) {
                ps[f] += sums.sum(y, sample + f * planeSize, sample + (f + 1) * planeSize);
            }
        }
    }

    /** Marks {@code slot}'s partial as holding a sum to reduce. */
    void markUsed(int slot) {
        used[slot] = true;
    }

    /** {@code out[outOff + i] = sum over used slots, in slot order, of partial[slot][i]} (zero if no slot ran). */
    void reduceInto(float[] out, int outOff, KernelExecutor ex) {
        ex.parallelFor(length, 4096, (s, from, to) -> {
            Arrays.fill(out, outOff + from, outOff + to, 0f);
            for (int slot = 0; slot < partial.length; slot++) {
                if (!used[slot]) {
                    continue;
                }
                float[] ps = partial[slot];
                for (int i = from; i < to; i++) {
                    out[outOff + i] += ps[i];
                }
            }
        });
    }
}
