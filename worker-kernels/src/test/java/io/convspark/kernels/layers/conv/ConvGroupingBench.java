package io.convspark.kernels.layers.conv;

import io.convspark.kernels.compute.Gemms;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.Padding;
import io.convspark.kernels.layers.StepContext;
import java.util.Random;

/**
 * Forward + backward milliseconds of {@link GemmConvolution} on the course models' conv shapes, one
 * GEMM per sample against grouped samples, alternating in one JVM (so both see the same machine):
 * {@code java --add-modules=jdk.incubator.vector -cp ... io.convspark.kernels.layers.conv.ConvGroupingBench [rounds]}.
 */
public final class ConvGroupingBench {
    private ConvGroupingBench() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        // name, batch, C, H(=W), F, padding same?
        Object[][] shapes = {
                {"mnist conv2d_1", 64, 64, 13, 128, false}, {"cifar conv2d_1", 50, 32, 32, 32, true},
                {"cifar conv2d_3", 50, 64, 16, 64, true}, {"cifar conv2d_5", 50, 128, 8, 128, true}};
        KernelExecutor ex = new KernelExecutor(Integer.parseInt(System.getProperty("threads", "1")));
        StepContext ctx = new StepContext(ex, Gemms.get());
        Random rnd = new Random(1);
        for (Object[] s : shapes) {
            int batch = (Integer) s[1];
            int c = (Integer) s[2];
            int h = (Integer) s[3];
            int f = (Integer) s[4];
            ConvGeometry g = ConvGeometry.of("bench", h, h, 3, 3, 1, 1, 1, 1,
                    (Boolean) s[5] ? Padding.SAME : Padding.VALID);
            GemmConvolution grouped = new GemmConvolution(g, c, f);
            GemmConvolution single = new GemmConvolution(g, c, f, 1);
            float[] x = random(rnd, batch * c * h * h);
            float[] w = random(rnd, f * c * 9);
            float[] b = random(rnd, f);
            float[] y = new float[batch * f * g.outPlane()];
            float[] dy = random(rnd, y.length);
            float[] dw = new float[w.length];
            float[] db = new float[f];
            float[] dx = new float[x.length];
            double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
            for (int r = 0; r < rounds; r++) {
                for (int v = 0; v < 2; v++) {
                    GemmConvolution conv = v == 0 ? single : grouped;
                    long t0 = System.nanoTime();
                    for (int i = 0; i < 5; i++) {
                        conv.forward(x, batch, w, 0, b, 0, y, ctx);
                        conv.backward(x, batch, dy, w, 0, dw, 0, db, 0, dx, ctx);
                    }
                    best[v] = Math.min(best[v], (System.nanoTime() - t0) / 5e6);
                }
            }
            System.out.printf("%-16s group %2d: per sample %.2f ms, grouped %.2f ms (%.2fx)%n", s[0],
                    GemmConvolution.groupSize(c * 9, g.outPlane(), f), best[0], best[1], best[0] / best[1]);
        }
        ex.close();
    }

    private static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }
}
