package io.convspark.kernels.compute;

import java.util.Random;

/**
 * Milliseconds of 2x2/stride-2 max pooling (value and argmax) on the course models' pooling shapes, at
 * batch 64, alternating in one JVM: the vector kernel (windows gathered 16 at a time), the branch-free
 * scalar loop it replaced, and the scalar reference:
 * {@code java --add-modules=jdk.incubator.vector -cp ... io.convspark.kernels.compute.MaxPoolBench [rounds]}.
 */
public final class MaxPoolBench {
    private MaxPoolBench() {
    }

    /** The previous fast path: one window at a time (Math.max for the value, integer selects for the argmax). */
    static void branchFree(float[] x, int xBase, int inW, float[] y, int[] argmax, int yBase, int outH, int outW) {
        for (int oh = 0; oh < outH; oh++) {
            for (int ow = 0; ow < outW; ow++) {
                VectorElementwiseKernels.maxPoolWindow(x, xBase, inW, 2 * oh * inW + 2 * ow, y, argmax,
                        yBase + oh * outW + ow);
            }
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
            int[] argmax = new int[y.length];
            long[] nanos = new long[3];
            for (int round = 0; round < rounds + 10; round++) {
                for (int path = 0; path < 3; path++) {
                    long t0 = System.nanoTime();
                    for (int p = 0; p < planes; p++) {
                        int xb = p * inPlane;
                        int yb = p * outPlane;
                        switch (path) {
                            case 0 -> vector.maxPool2x2(x, xb, inW, y, argmax, yb, outW, outW);
                            case 1 -> branchFree(x, xb, inW, y, argmax, yb, outW, outW);
                            default -> reference.maxPool2x2(x, xb, inW, y, argmax, yb, outW, outW);
                        }
                    }
                    if (round >= 10) { // the first rounds warm the JIT up
                        nanos[path] += System.nanoTime() - t0;
                    }
                }
            }
            System.out.printf(java.util.Locale.ROOT, "%-16s vector %.3f ms, branch-free scalar %.3f ms (%.2fx), "
                            + "reference %.3f ms (%.2fx)%n", s[0], nanos[0] / 1e6 / rounds, nanos[1] / 1e6 / rounds,
                    (double) nanos[1] / nanos[0], nanos[2] / 1e6 / rounds, (double) nanos[2] / nanos[0]);
        }
    }
}
