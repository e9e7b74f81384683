package io.convspark.kernels.compute;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ElementwiseKernels} with the Vector API at {@link FloatVector#SPECIES_PREFERRED} (see
 * {@link VectorGemm} on why no other float species is used): masks and blends instead of branches,
 * {@code EXPM1} from the JDK's vector math library, a scalar loop for the tail of each slice.
 * Scalars enter as broadcast vectors, never through the {@code (op, float)} overloads, whose inner
 * dispatch shares type profiles with the GEMM micro-kernels (see {@link GemmMicroKernels}).
 * Max pooling is written branch-free in scalar code ({@code Math.max} for the value, integer
 * selects for the argmax), since its windows interleave lanes.
 */
public final class VectorElementwiseKernels implements ElementwiseKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorOperators.Binary MAX = VectorOperators.MAX;
    private static final VectorOperators.Binary MUL = VectorOperators.MUL;
    private static final VectorOperators.Binary ADD = VectorOperators.ADD;
    private static final ScalarElementwiseKernels TAIL = new ScalarElementwiseKernels();

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize() + "bit";
    }

    @Override
    public void relu(float[] a, int from, int to) {
        int i = from;
        FloatVector zero = FloatVector.zero(S);
        for (int end = to - L; i <= end; i += L) {
            FloatVector.fromArray(S, a, i).lanewise(MAX, zero).intoArray(a, i);
        }
        TAIL.relu(a, i, to);
    }

    @Override
    public void reluBackward(float[] y, float[] g, int from, int to) {
        int i = from;
        FloatVector zero = FloatVector.zero(S);
        for (int end = to - L; i <= end; i += L) {
            VectorMask<Float> positive = FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, zero);
            zero.blend(FloatVector.fromArray(S, g, i), positive).intoArray(g, i);
        }
        TAIL.reluBackward(y, g, i, to);
    }

    @Override
    public void elu(float[] a, int from, int to, float alpha) {
        int i = from;
        FloatVector zero = FloatVector.zero(S);
        FloatVector va = FloatVector.broadcast(S, alpha);
        for (int end = to - L; i <= end; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            VectorMask<Float> positive = x.compare(VectorOperators.GT, zero);
            x.lanewise(VectorOperators.EXPM1).lanewise(MUL, va).blend(x, positive).intoArray(a, i);
        }
        TAIL.elu(a, i, to, alpha);
    }

    @Override
    public void eluBackward(float[] y, float[] g, int from, int to, float alpha) {
        int i = from;
        FloatVector zero = FloatVector.zero(S);
        FloatVector va = FloatVector.broadcast(S, alpha);
        for (int end = to - L; i <= end; i += L) {
            FloatVector yv = FloatVector.fromArray(S, y, i);
            FloatVector gv = FloatVector.fromArray(S, g, i);
            VectorMask<Float> positive = yv.compare(VectorOperators.GT, zero);
            gv.lanewise(MUL, yv.lanewise(ADD, va)).blend(gv, positive).intoArray(g, i);
        }
        TAIL.eluBackward(y, g, i, to, alpha);
    }

    @Override
    public float sum(float[] a, int from, int to) {
        int i = from;
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        for (int end = to - 2 * L; i <= end; i += 2 * L) {
            acc0 = acc0.lanewise(ADD, FloatVector.fromArray(S, a, i));
            acc1 = acc1.lanewise(ADD, FloatVector.fromArray(S, a, i + L));
        }
        return acc0.lanewise(ADD, acc1).reduceLanes(VectorOperators.ADD) + TAIL.sum(a, i, to);
    }

    @Override
    public void maxPool2x2(float[] x, int xBase, int inW, float[] y, int[] argmax, int yBase, int outH, int outW) {
        for (int oh = 0; oh < outH; oh++) {
            int top = 2 * oh * inW;
            int o = yBase + oh * outW;
            for (int ow = 0; ow < outW; ow++, o++) {
                int q = top + 2 * ow;
                float a = x[xBase + q];
                float b = x[xBase + q + 1];
                float c = x[xBase + q + inW];
                float d = x[xBase + q + inW + 1];
                float ab = Math.max(a, b);
                float cd = Math.max(c, d);
                float m = Math.max(ab, cd);
                if (m != m) {
                    // a NaN in the window: the reference rule (last NaN wins), rare
                    ScalarElementwiseKernels.maxPoolWindow2x2(x, xBase, inW, q, y, argmax, o);
                    continue;
                }
                // first maximum wins: b beats a only if strictly larger; the bottom pair only if strictly larger
                int right = b > a ? 1 : 0;
                int rightBottom = d > c ? 1 : 0;
                int bottom = cd > ab ? 1 : 0;
                int best = q + bottom * inW + right + bottom * (rightBottom - right);
                y[o] = x[xBase + best];
                argmax[o] = best;
            }
        }
    }
}
