package io.convspark.kernels.layers.conv;

import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.Padding;
import java.util.Random;

/**
 * Milliseconds of im2col and col2im on cifar10-alzahrani's 3x3 "same" convolutions, batch 50,
 * alternating in one JVM: by spans (one copy per channel and kernel position) against by rows (one
 * copy per output row):
 * {@code java --add-modules=jdk.incubator.vector -cp worker-kernels/target/classes:worker-kernels/target/test-classes:DEPS
 * io.convspark.kernels.layers.conv.Im2ColBench [rounds]} (DEPS: {@code mvn dependency:build-classpath -pl worker-kernels}).
 */
public final class Im2ColBench {
    private Im2ColBench() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int batch = 50;
        Random rnd = new Random(1);
        // name, input channels, side (conv2d_1, conv2d_3, conv2d_5: the three blocks' second convolutions)
        Object[][] shapes = {{"cifar 32x32x32", 32, 32}, {"cifar 64x16x16", 64, 16}, {"cifar 128x8x8", 128, 8}};
        for (Object[] s : shapes) {
            int channels = (Integer) s[1];
            int side = (Integer) s[2];
            ConvGeometry g = ConvGeometry.of("bench", side, side, 3, 3, 1, 1, 1, 1, Padding.SAME);
            int xSize = channels * side * side;
            int colSize = channels * 9 * g.outPlane();
            float[] x = new float[batch * xSize];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            float[] col = new float[colSize];
            float[] dcol = new float[colSize];
            for (int i = 0; i < dcol.length; i++) {
                dcol[i] = (float) rnd.nextGaussian();
            }
            float[] dx = new float[batch * xSize];
            long[] nanos = new long[4];
            for (int round = 0; round < rounds + 5; round++) {
                for (int path = 0; path < 4; path++) {
                    long t0 = System.nanoTime();
                    for (int n = 0; n < batch; n++) {
                        switch (path) {
                            case 0 -> Im2Col.im2colSpans(x, n * xSize, channels, g, col, 0, g.outPlane());
                            case 1 -> Im2Col.im2colRows(x, n * xSize, channels, g, col, 0, g.outPlane());
                            case 2 -> Im2Col.col2imSpans(dcol, 0, channels, g, dx, n * xSize, g.outPlane());
                            default -> Im2Col.col2imRows(dcol, 0, channels, g, dx, n * xSize, g.outPlane());
                        }
                    }
                    if (round >= 5) { // the first rounds warm the JIT up
                        nanos[path] += System.nanoTime() - t0;
                    }
                }
            }
            System.out.printf(java.util.Locale.ROOT, "%-15s im2col: spans %.3f ms, rows %.3f ms (%.2fx); "
                            + "col2im: spans %.3f ms, rows %.3f ms (%.2fx)%n", s[0],
                    nanos[0] / 1e6 / rounds, nanos[1] / 1e6 / rounds, (double) nanos[1] / nanos[0],
                    nanos[2] / 1e6 / rounds, nanos[3] / 1e6 / rounds, (double) nanos[3] / nanos[2]);
        }
    }
}
