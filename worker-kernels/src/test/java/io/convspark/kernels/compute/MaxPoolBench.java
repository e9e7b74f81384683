package io.convspark.kernels.compute;

import java.util.Random;

/**
 * Milliseconds of 2x2/stride-2 max pooling (value and argmax) on the course models' pooling shapes, at
 * batch 64, with the argmax (training) and without (inference), alternating in one JVM: the vector
 * kernel (half-rows of plain loads), a branch-free scalar loop, and the scalar reference:
 * {@code java --add-modules=jdk.incubator.vector -cp ... io.convspark.kernels.compute.MaxPoolBench [rounds]}.
 */
public final class MaxPoolBench {
    private MaxPoolBench() {
    }

    /** An earlier fast path: one window at a time (Math.max for the value, integer selects for the argmax). */
    static void branchFree(float[] x, int xBase, int inW, float[] y, int[] argmax, int yBase, int outH, int outW) {
        for (int oh = 0; oh < outH; oh++) {
            for (int ow = 0; ow < outW; ow++) {
                branchFreeWindow(x, xBase, inW, 2 * oh * inW + 2 * ow, y, argmax, yBase + oh * outW + ow);
            }
        }
    }

    private static void branchFreeWindow(float[] x, int xBase, int inW, int q, float[] y, int[] argmax, int o) {
        float a = x[xBase + q];
        float b = x[xBase + q + 1];
        float c = x[xBase + q + inW];
        float d = x[xBase + q + inW + 1];
        float ab = Math.max(a, b);
        float cd = Math.max(c, d);
        if (Float.isNaN(Math.max(ab, cd))) {
            ScalarElementwiseKernels.maxPoolWindow2x2(x, xBase, inW, q, y, argmax, o); // the last NaN wins
            return;
        }
        int right = b > a ? 1 : 0;
        int rightBottom = d > c ? 1 : 0;
        int bottom = cd > ab ? 1 : 0;
        int best = q + bottom * inW + right + bottom * (rightBottom - right);
        y[o] = x[xBase + best];
        if (argmax != null) {
            argmax[o] = best;
        }
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        ElementwiseKernels vector = new VectorElementwiseKernels();
        ElementwiseKernels reference = new ScalarElementwiseKernels();
        Random rnd = new Random(1);
        // name, channels, input side: mnist-deitel's two pools, cifar10-alzahrani's three
        Object[][] shapes = {{"mnist 64x26x26", 64, 26}, {"mnist 128x11x11", 128, 11}, {"cifar 32x32x32", 32, 32},
                {"cifar 64x16x16", 64, 16}, {"cifar 128x8x8", 128, 8}};
        for (Object[] s : shapes) {
            int planes = 64 * (Integer) s[1];
            int inW = (Integer) s[2];
            int outW = inW / 2;
            int inPlane = inW * inW;
            int outPlane = outW * outW;
            float[] x = new float[planes * inPlane];
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.max(0f, (float) rnd.nextGaussian()); // after ReLU: many zeros
            }
            float[] y = new float[planes * outPlane];
            int[] winners = new int[y.length];
            for (int[] argmax : new int[][] {winners, null}) {
                long[] nanos = time(vector, reference, x, inPlane, inW, y, argmax, outPlane, outW, planes, rounds);
                System.out.printf(java.util.Locale.ROOT, "%-16s %-9s vector %.3f ms, branch-free scalar %.3f ms (%.2fx), "
                                + "reference %.3f ms (%.2fx)%n", s[0], argmax != null ? "argmax" : "no argmax",
                        nanos[0] / 1e6 / rounds, nanos[1] / 1e6 / rounds,
                        (double) nanos[1] / nanos[0], nanos[2] / 1e6 / rounds, (double) nanos[2] / nanos[0]);
            }
        }
    }

    /** Nanoseconds of each path over {@code rounds} rounds, after 10 rounds of warm-up, alternating. */
    private static long[] time(ElementwiseKernels vector, ElementwiseKernels reference, float[] x, int inPlane, int inW,
                               float[] y, int[] argmax, int outPlane, int outW, int planes, int rounds) {
        long[] nanos = new long[3];
        for (int round = 0; round < rounds + 10; round++) {
            for (int path = 0; path < 3; path++) {
                long t0 = System.nanoTime();
                switch (path) {
                    case 0 -> vector.maxPool2x2(x, 0, inW, inW, y, argmax, 0, outW, outW, planes);
                    case 1 -> {
                        for (int p = 0; p < planes; p++) {
                            branchFree(x, p * inPlane, inW, y, argmax, p * outPlane, outW, outW);
                        }
                    }
                    default -> reference.maxPool2x2(x, 0, inW, inW, y, argmax, 0, outW, outW, planes);
                }
                if (round >= 10) { // the first rounds warm the JIT up
                    nanos[path] += System.nanoTime() - t0;
                }
            }
        }
        return nanos;
    }
}
