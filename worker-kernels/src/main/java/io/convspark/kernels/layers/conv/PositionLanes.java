package io.convspark.kernels.layers.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-tiled kernels of direct convolutions with output positions in a vector's lanes. A
 * stride-1 convolution over a plane padded to rows {@code w} wide is, on the flattened plane,
 * {@code out[c, j] = sum over terms m of in[j + shift[m]] * w[m, c]}: position {@code j = r w + col}
 * reads its window at fixed offsets from {@code j}, so each term is one contiguous vector load for
 * {@code L} positions (the positions past the valid columns of a row are computed and dropped by the
 * caller). Used by the direct convolutions' forward ({@link PositionLanesConvolution}) and input
 * gradients ({@link FilterLanesConvolution}), with the weight gradient's reduction over positions.
 */
final class PositionLanes {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Vectors of positions held in registers by {@link #sumTerms}. */
    static final int VECTORS = 4;
    /** Outputs (channels or filters) held in registers by {@link #sumTerms} and {@link #gradientBlock}. */
    static final int OUTPUTS = 3;
    /** Window elements held in registers by {@link #gradientBlock}. */
    static final int TERMS = 4;

    private PositionLanes() {
    }

    /**
     * {@code dst[dstOff + c ld + j0 + v L ..] = sum over terms m of src[j0 + v L + shift[m] ..] * w[m, c0 + c]} for
     * {@value #OUTPUTS} outputs {@code c} ({@code w}'s rows are {@code cp} wide) and {@value #VECTORS} vectors of positions: the reduction over the terms runs in registers.
     */
    static void sumTerms(float[] src, int[] shift, int terms, float[] w, int cp, int c0, int j0, float[] dst,
                         int dstOff, int ld) {
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = a00;
        FloatVector a02 = a00;
        FloatVector a03 = a00;
        FloatVector a10 = a00;
        FloatVector a11 = a00;
        FloatVector a12 = a00;
        FloatVector a13 = a00;
        FloatVector a20 = a00;
        FloatVector a21 = a00;
        FloatVector a22 = a00;
        FloatVector a23 = a00;
        for (int m = 0; m < terms; m++) {
            int at = j0 + shift[m];
            FloatVector d0 = FloatVector.fromArray(S, src, at);
            FloatVector d1 = FloatVector.fromArray(S, src, at + L);
            FloatVector d2 = FloatVector.fromArray(S, src, at + 2 * L);
            FloatVector d3 = FloatVector.fromArray(S, src, at + 3 * L);
            int wi = m * cp + c0;
            FloatVector w0 = FloatVector.broadcast(S, w[wi]);
            FloatVector w1 = FloatVector.broadcast(S, w[wi + 1]);
            FloatVector w2 = FloatVector.broadcast(S, w[wi + 2]);
            a00 = d0.fma(w0, a00);
            a01 = d1.fma(w0, a01);
            a02 = d2.fma(w0, a02);
            a03 = d3.fma(w0, a03);
            a10 = d0.fma(w1, a10);
            a11 = d1.fma(w1, a11);
            a12 = d2.fma(w1, a12);
            a13 = d3.fma(w1, a13);
            a20 = d0.fma(w2, a20);
            a21 = d1.fma(w2, a21);
            a22 = d2.fma(w2, a22);
            a23 = d3.fma(w2, a23);
        }
        int r0 = dstOff + j0;
        int r1 = r0 + ld;
        int r2 = r1 + ld;
        a00.intoArray(dst, r0);
        a01.intoArray(dst, r0 + L);
        a02.intoArray(dst, r0 + 2 * L);
        a03.intoArray(dst, r0 + 3 * L);
        a10.intoArray(dst, r1);
        a11.intoArray(dst, r1 + L);
        a12.intoArray(dst, r1 + 2 * L);
        a13.intoArray(dst, r1 + 3 * L);
        a20.intoArray(dst, r2);
        a21.intoArray(dst, r2 + L);
        a22.intoArray(dst, r2 + 2 * L);
        a23.intoArray(dst, r2 + 3 * L);
    }

    /**
     * {@code part[(f0 + a) kp + q0 + b, :] += lane sums over j < positions (step L) of
     * dz[(f0 + a) ld + j ..] * x[j + off[q0 + b] ..]}: the gradient of {@link #sumTerms}'s weights,
     * {@value #OUTPUTS} outputs x {@value #TERMS} window elements in registers (their lanes summed by the caller).
     */
    static void gradientBlock(float[] dz, int ld, int f0, float[] x, int[] off, int q0, int positions, float[] part,
                              int kp) {
        int d0 = f0 * ld;
        int d1 = d0 + ld;
        int d2 = d1 + ld;
        int o0 = off[q0];
        int o1 = off[q0 + 1];
        int o2 = off[q0 + 2];
        int o3 = off[q0 + 3];
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = a00;
        FloatVector a02 = a00;
        FloatVector a03 = a00;
        FloatVector a10 = a00;
        FloatVector a11 = a00;
        FloatVector a12 = a00;
        FloatVector a13 = a00;
        FloatVector a20 = a00;
        FloatVector a21 = a00;
        FloatVector a22 = a00;
        FloatVector a23 = a00;
        for (int j = 0; j < positions; j += L) {
            FloatVector x0 = FloatVector.fromArray(S, x, j + o0);
            FloatVector x1 = FloatVector.fromArray(S, x, j + o1);
            FloatVector x2 = FloatVector.fromArray(S, x, j + o2);
            FloatVector x3 = FloatVector.fromArray(S, x, j + o3);
            FloatVector g0 = FloatVector.fromArray(S, dz, d0 + j);
            FloatVector g1 = FloatVector.fromArray(S, dz, d1 + j);
            FloatVector g2 = FloatVector.fromArray(S, dz, d2 + j);
            a00 = x0.fma(g0, a00);
            a01 = x1.fma(g0, a01);
            a02 = x2.fma(g0, a02);
            a03 = x3.fma(g0, a03);
            a10 = x0.fma(g1, a10);
            a11 = x1.fma(g1, a11);
            a12 = x2.fma(g1, a12);
            a13 = x3.fma(g1, a13);
            a20 = x0.fma(g2, a20);
            a21 = x1.fma(g2, a21);
            a22 = x2.fma(g2, a22);
            a23 = x3.fma(g2, a23);
        }
        int r0 = (f0 * kp + q0) * L;
        int r1 = r0 + kp * L;
        int r2 = r1 + kp * L;
        a00.add(FloatVector.fromArray(S, part, r0)).intoArray(part, r0);
        a01.add(FloatVector.fromArray(S, part, r0 + L)).intoArray(part, r0 + L);
        a02.add(FloatVector.fromArray(S, part, r0 + 2 * L)).intoArray(part, r0 + 2 * L);
        a03.add(FloatVector.fromArray(S, part, r0 + 3 * L)).intoArray(part, r0 + 3 * L);
        a10.add(FloatVector.fromArray(S, part, r1)).intoArray(part, r1);
        a11.add(FloatVector.fromArray(S, part, r1 + L)).intoArray(part, r1 + L);
        a12.add(FloatVector.fromArray(S, part, r1 + 2 * L)).intoArray(part, r1 + 2 * L);
        a13.add(FloatVector.fromArray(S, part, r1 + 3 * L)).intoArray(part, r1 + 3 * L);
        a20.add(FloatVector.fromArray(S, part, r2)).intoArray(part, r2);
        a21.add(FloatVector.fromArray(S, part, r2 + L)).intoArray(part, r2 + L);
        a22.add(FloatVector.fromArray(S, part, r2 + 2 * L)).intoArray(part, r2 + 2 * L);
        a23.add(FloatVector.fromArray(S, part, r2 + 3 * L)).intoArray(part, r2 + 3 * L);
    }

    /**
     * {@code dst[d + i] = src[s + i] + add} for {@code i < cols} in whole vectors: it writes (and
     * reads) up to {@code cols} rounded up to a vector's lanes, which the caller overwrites later or
     * has room for.
     */
    static void addRow(float[] src, int s, float[] dst, int d, int cols, float add) {
        FloatVector b = FloatVector.broadcast(S, add);
        for (int i = 0; i < cols; i += L) {
            FloatVector.fromArray(S, src, s + i).add(b).intoArray(dst, d + i);
        }
    }

    /** {@code dst[d + i] = src[s + i]} for {@code i < cols} in whole vectors, as {@link #addRow} does. */
    static void copyRow(float[] src, int s, float[] dst, int d, int cols) {
        for (int i = 0; i < cols; i += L) {
            FloatVector.fromArray(S, src, s + i).intoArray(dst, d + i);
        }
    }
}
