package io.convspark.kernels.layers.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-tiled kernels of direct convolutions with filters in a vector's lanes: output position
 * {@code p} reads window element {@code q} at {@code x[base[p] + off[q]]} (a padded input, see
 * {@link PaddedInput}), and the filters' weights of element {@code q} are a row of {@code Wt}. Rows are
 * {@code ld} floats wide (whole vectors of filters); each kernel works on one or two of those vectors,
 * from lane {@code v0}. Used by {@link FilterLanesConvolution} for its forward, weight gradient and
 * (as the flipped kernel's convolution of the padded output gradient) input gradient.
 */
final class FilterLanes {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Output positions (forward) or window elements (weight gradient) held in registers. */
    static final int POSITIONS = 8;

    private FilterLanes() {
    }

    /**
     * {@code t[(p0 + r) ld + v0 ..] = bias[v0 ..] + sum over q of x[xOff + base[p0 + r] + off[q]] * wt[q ld + v0 ..]}
     * for the {@value #POSITIONS} positions from {@code p0}, one vector of filters: the reduction over
     * the window runs in registers, each input element one broadcast.
     */
    static void sumWindow(float[] x, int xOff, int[] off, int k, float[] wt, int ld, int v0, float[] bias,
                          int[] base, int p0, float[] t) {
        int i0 = xOff + base[p0 + 0];
        int i1 = xOff + base[p0 + 1];
        int i2 = xOff + base[p0 + 2];
        int i3 = xOff + base[p0 + 3];
        int i4 = xOff + base[p0 + 4];
        int i5 = xOff + base[p0 + 5];
        int i6 = xOff + base[p0 + 6];
        int i7 = xOff + base[p0 + 7];
        FloatVector a0 = FloatVector.fromArray(S, bias, v0);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        for (int q = 0; q < k; q++) {
            FloatVector w = FloatVector.fromArray(S, wt, q * ld + v0);
            int o = off[q];
            a0 = FloatVector.broadcast(S, x[i0 + o]).fma(w, a0);
            a1 = FloatVector.broadcast(S, x[i1 + o]).fma(w, a1);
            a2 = FloatVector.broadcast(S, x[i2 + o]).fma(w, a2);
            a3 = FloatVector.broadcast(S, x[i3 + o]).fma(w, a3);
            a4 = FloatVector.broadcast(S, x[i4 + o]).fma(w, a4);
            a5 = FloatVector.broadcast(S, x[i5 + o]).fma(w, a5);
            a6 = FloatVector.broadcast(S, x[i6 + o]).fma(w, a6);
            a7 = FloatVector.broadcast(S, x[i7 + o]).fma(w, a7);
        }
        int at = p0 * ld + v0;
        a0.intoArray(t, at);
        a1.intoArray(t, at + 1 * ld);
        a2.intoArray(t, at + 2 * ld);
        a3.intoArray(t, at + 3 * ld);
        a4.intoArray(t, at + 4 * ld);
        a5.intoArray(t, at + 5 * ld);
        a6.intoArray(t, at + 6 * ld);
        a7.intoArray(t, at + 7 * ld);
    }

    /** {@link #sumWindow} for two vectors of filters, {@code v0} and {@code v0 + L}: 16 accumulators. */
    static void sumWindow2(float[] x, int xOff, int[] off, int k, float[] wt, int ld, int v0, float[] bias,
                           int[] base, int p0, float[] t) {
        int i0 = xOff + base[p0 + 0];
        int i1 = xOff + base[p0 + 1];
        int i2 = xOff + base[p0 + 2];
        int i3 = xOff + base[p0 + 3];
        int i4 = xOff + base[p0 + 4];
        int i5 = xOff + base[p0 + 5];
        int i6 = xOff + base[p0 + 6];
        int i7 = xOff + base[p0 + 7];
        FloatVector a0 = FloatVector.fromArray(S, bias, v0);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        FloatVector b0 = FloatVector.fromArray(S, bias, v0 + L);
        FloatVector b1 = b0;
        FloatVector b2 = b0;
        FloatVector b3 = b0;
        FloatVector b4 = b0;
        FloatVector b5 = b0;
        FloatVector b6 = b0;
        FloatVector b7 = b0;
        for (int q = 0; q < k; q++) {
            FloatVector w = FloatVector.fromArray(S, wt, q * ld + v0);
            FloatVector u = FloatVector.fromArray(S, wt, q * ld + v0 + L);
            int o = off[q];
            FloatVector x0 = FloatVector.broadcast(S, x[i0 + o]);
            a0 = x0.fma(w, a0);
            b0 = x0.fma(u, b0);
            FloatVector x1 = FloatVector.broadcast(S, x[i1 + o]);
            a1 = x1.fma(w, a1);
            b1 = x1.fma(u, b1);
            FloatVector x2 = FloatVector.broadcast(S, x[i2 + o]);
            a2 = x2.fma(w, a2);
            b2 = x2.fma(u, b2);
            FloatVector x3 = FloatVector.broadcast(S, x[i3 + o]);
            a3 = x3.fma(w, a3);
            b3 = x3.fma(u, b3);
            FloatVector x4 = FloatVector.broadcast(S, x[i4 + o]);
            a4 = x4.fma(w, a4);
            b4 = x4.fma(u, b4);
            FloatVector x5 = FloatVector.broadcast(S, x[i5 + o]);
            a5 = x5.fma(w, a5);
            b5 = x5.fma(u, b5);
            FloatVector x6 = FloatVector.broadcast(S, x[i6 + o]);
            a6 = x6.fma(w, a6);
            b6 = x6.fma(u, b6);
            FloatVector x7 = FloatVector.broadcast(S, x[i7 + o]);
            a7 = x7.fma(w, a7);
            b7 = x7.fma(u, b7);
        }
        int at = p0 * ld + v0;
        a0.intoArray(t, at);
        b0.intoArray(t, at + L);
        a1.intoArray(t, at + 1 * ld);
        b1.intoArray(t, at + 1 * ld + L);
        a2.intoArray(t, at + 2 * ld);
        b2.intoArray(t, at + 2 * ld + L);
        a3.intoArray(t, at + 3 * ld);
        b3.intoArray(t, at + 3 * ld + L);
        a4.intoArray(t, at + 4 * ld);
        b4.intoArray(t, at + 4 * ld + L);
        a5.intoArray(t, at + 5 * ld);
        b5.intoArray(t, at + 5 * ld + L);
        a6.intoArray(t, at + 6 * ld);
        b6.intoArray(t, at + 6 * ld + L);
        a7.intoArray(t, at + 7 * ld);
        b7.intoArray(t, at + 7 * ld + L);
    }

    /**
     * {@code dwt[(q0 + r) ld + v0 ..] += sum over positions of x[xOff + base[pos] + off[q0 + r]] * dzT[pos ld + v0 ..]}
     * for the {@value #POSITIONS} window elements from {@code q0}, one vector of filters: the reduction
     * over positions runs in registers.
     */
    static void addWindowRows(float[] x, int xOff, int[] off, int q0, int[] base, int p, float[] dzT, int ld,
                              int v0, float[] dwt) {
        int o0 = xOff + off[q0 + 0];
        int o1 = xOff + off[q0 + 1];
        int o2 = xOff + off[q0 + 2];
        int o3 = xOff + off[q0 + 3];
        int o4 = xOff + off[q0 + 4];
        int o5 = xOff + off[q0 + 5];
        int o6 = xOff + off[q0 + 6];
        int o7 = xOff + off[q0 + 7];
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        for (int pos = 0; pos < p; pos++) {
            FloatVector d = FloatVector.fromArray(S, dzT, pos * ld + v0);
            int bp = base[pos];
            a0 = FloatVector.broadcast(S, x[bp + o0]).fma(d, a0);
            a1 = FloatVector.broadcast(S, x[bp + o1]).fma(d, a1);
            a2 = FloatVector.broadcast(S, x[bp + o2]).fma(d, a2);
            a3 = FloatVector.broadcast(S, x[bp + o3]).fma(d, a3);
            a4 = FloatVector.broadcast(S, x[bp + o4]).fma(d, a4);
            a5 = FloatVector.broadcast(S, x[bp + o5]).fma(d, a5);
            a6 = FloatVector.broadcast(S, x[bp + o6]).fma(d, a6);
            a7 = FloatVector.broadcast(S, x[bp + o7]).fma(d, a7);
        }
        int at = q0 * ld + v0;
        a0.add(FloatVector.fromArray(S, dwt, at)).intoArray(dwt, at);
        a1.add(FloatVector.fromArray(S, dwt, at + 1 * ld)).intoArray(dwt, at + 1 * ld);
        a2.add(FloatVector.fromArray(S, dwt, at + 2 * ld)).intoArray(dwt, at + 2 * ld);
        a3.add(FloatVector.fromArray(S, dwt, at + 3 * ld)).intoArray(dwt, at + 3 * ld);
        a4.add(FloatVector.fromArray(S, dwt, at + 4 * ld)).intoArray(dwt, at + 4 * ld);
        a5.add(FloatVector.fromArray(S, dwt, at + 5 * ld)).intoArray(dwt, at + 5 * ld);
        a6.add(FloatVector.fromArray(S, dwt, at + 6 * ld)).intoArray(dwt, at + 6 * ld);
        a7.add(FloatVector.fromArray(S, dwt, at + 7 * ld)).intoArray(dwt, at + 7 * ld);
    }

    /** {@link #addWindowRows} for two vectors of filters, {@code v0} and {@code v0 + L}: 16 accumulators. */
    static void addWindowRows2(float[] x, int xOff, int[] off, int q0, int[] base, int p, float[] dzT, int ld,
                               int v0, float[] dwt) {
        int o0 = xOff + off[q0 + 0];
        int o1 = xOff + off[q0 + 1];
        int o2 = xOff + off[q0 + 2];
        int o3 = xOff + off[q0 + 3];
        int o4 = xOff + off[q0 + 4];
        int o5 = xOff + off[q0 + 5];
        int o6 = xOff + off[q0 + 6];
        int o7 = xOff + off[q0 + 7];
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        FloatVector b0 = FloatVector.zero(S);
        FloatVector b1 = b0;
        FloatVector b2 = b0;
        FloatVector b3 = b0;
        FloatVector b4 = b0;
        FloatVector b5 = b0;
        FloatVector b6 = b0;
        FloatVector b7 = b0;
        for (int pos = 0; pos < p; pos++) {
            FloatVector d = FloatVector.fromArray(S, dzT, pos * ld + v0);
            FloatVector e = FloatVector.fromArray(S, dzT, pos * ld + v0 + L);
            int bp = base[pos];
            FloatVector x0 = FloatVector.broadcast(S, x[bp + o0]);
            a0 = x0.fma(d, a0);
            b0 = x0.fma(e, b0);
            FloatVector x1 = FloatVector.broadcast(S, x[bp + o1]);
            a1 = x1.fma(d, a1);
            b1 = x1.fma(e, b1);
            FloatVector x2 = FloatVector.broadcast(S, x[bp + o2]);
            a2 = x2.fma(d, a2);
            b2 = x2.fma(e, b2);
            FloatVector x3 = FloatVector.broadcast(S, x[bp + o3]);
            a3 = x3.fma(d, a3);
            b3 = x3.fma(e, b3);
            FloatVector x4 = FloatVector.broadcast(S, x[bp + o4]);
            a4 = x4.fma(d, a4);
            b4 = x4.fma(e, b4);
            FloatVector x5 = FloatVector.broadcast(S, x[bp + o5]);
            a5 = x5.fma(d, a5);
            b5 = x5.fma(e, b5);
            FloatVector x6 = FloatVector.broadcast(S, x[bp + o6]);
            a6 = x6.fma(d, a6);
            b6 = x6.fma(e, b6);
            FloatVector x7 = FloatVector.broadcast(S, x[bp + o7]);
            a7 = x7.fma(d, a7);
            b7 = x7.fma(e, b7);
        }
        int at = q0 * ld + v0;
        a0.add(FloatVector.fromArray(S, dwt, at)).intoArray(dwt, at);
        b0.add(FloatVector.fromArray(S, dwt, at + L)).intoArray(dwt, at + L);
        a1.add(FloatVector.fromArray(S, dwt, at + 1 * ld)).intoArray(dwt, at + 1 * ld);
        b1.add(FloatVector.fromArray(S, dwt, at + 1 * ld + L)).intoArray(dwt, at + 1 * ld + L);
        a2.add(FloatVector.fromArray(S, dwt, at + 2 * ld)).intoArray(dwt, at + 2 * ld);
        b2.add(FloatVector.fromArray(S, dwt, at + 2 * ld + L)).intoArray(dwt, at + 2 * ld + L);
        a3.add(FloatVector.fromArray(S, dwt, at + 3 * ld)).intoArray(dwt, at + 3 * ld);
        b3.add(FloatVector.fromArray(S, dwt, at + 3 * ld + L)).intoArray(dwt, at + 3 * ld + L);
        a4.add(FloatVector.fromArray(S, dwt, at + 4 * ld)).intoArray(dwt, at + 4 * ld);
        b4.add(FloatVector.fromArray(S, dwt, at + 4 * ld + L)).intoArray(dwt, at + 4 * ld + L);
        a5.add(FloatVector.fromArray(S, dwt, at + 5 * ld)).intoArray(dwt, at + 5 * ld);
        b5.add(FloatVector.fromArray(S, dwt, at + 5 * ld + L)).intoArray(dwt, at + 5 * ld + L);
        a6.add(FloatVector.fromArray(S, dwt, at + 6 * ld)).intoArray(dwt, at + 6 * ld);
        b6.add(FloatVector.fromArray(S, dwt, at + 6 * ld + L)).intoArray(dwt, at + 6 * ld + L);
        a7.add(FloatVector.fromArray(S, dwt, at + 7 * ld)).intoArray(dwt, at + 7 * ld);
        b7.add(FloatVector.fromArray(S, dwt, at + 7 * ld + L)).intoArray(dwt, at + 7 * ld + L);
    }
}
