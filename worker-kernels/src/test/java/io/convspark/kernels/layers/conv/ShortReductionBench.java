package io.convspark.kernels.layers.conv;

import static io.convspark.kernels.layers.conv.ConvTesting.gaussian;
import io.convspark.kernels.compute.Gemms;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.layers.Activations;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.Padding;
import io.convspark.kernels.layers.StepContext;
import java.util.Random;

/**
 * Forward (with ReLU) and weight-gradient (through ReLU) milliseconds of the course models' first convolutions:
 * im2col + GEMM against the short-reduction kernel, alternating in one JVM, best of the rounds:
 * {@code java --add-modules=jdk.incubator.vector -Dthreads=1 -cp ... io.convspark.kernels.layers.conv.ShortReductionBench [rounds]}.
 */
public final class ShortReductionBench {
    private ShortReductionBench() {
    }

    private static final io.convspark.kernels.layers.Activation ACT = "tanh".equals(System.getProperty("act")) ? Activations.TANH : Activations.RELU;

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        // name, batch, C, H(=W), F, window, padding same?
        Object[][] shapes = {{"mnist-deitel conv2d", 64, 1, 28, 64, 3, false}, {"cifar conv2d", 50, 3, 32, 32, 3, true},
                {"mnist-suo conv2d", 64, 1, 28, 32, 5, true}, {"lenet5 conv2d", 64, 1, 32, 6, 5, false}};
        KernelExecutor ex = new KernelExecutor(Integer.parseInt(System.getProperty("threads", "1")));
        StepContext ctx = new StepContext(ex, Gemms.get()).training(true);
        Random rnd = new Random(1);
        System.out.printf("%-22s %-16s %10s %10s %10s %10s%n", "layer", "algorithm", "fwd ms", "GFLOP/s", "dW ms",
                "GFLOP/s");
        for (Object[] s : shapes) {
            int batch = (Integer) s[1];
            int c = (Integer) s[2];
            int h = (Integer) s[3];
            int f = (Integer) s[4];
            int kw = (Integer) s[5];
            ConvGeometry g = ConvGeometry.of("bench", h, h, kw, kw, 1, 1, 1, 1,
                    (Boolean) s[6] ? Padding.SAME : Padding.VALID);
            Convolution[] convs = {new GemmConvolution(g, c, f), new ShortReductionConvolution(g, c, f)};
            float[] x = gaussian(rnd, batch * c * h * h);
            float[] w = gaussian(rnd, f * c * kw * kw);
            float[] b = gaussian(rnd, f);
            float[] y = new float[batch * f * g.outPlane()];
            float[] dy = gaussian(rnd, y.length);
            float[] dw = new float[w.length];
            float[] db = new float[f];
            double flops = 2.0 * batch * f * g.outPlane() * c * kw * kw;
            double[][] best = new double[convs.length][2];
            for (double[] row : best) {
                java.util.Arrays.fill(row, Double.MAX_VALUE);
            }
            for (int r = 0; r < rounds; r++) {
                for (int v = Integer.getInteger("first", 0); v < convs.length; v++) {
                    for (int i = 0; i < 20; i++) {
                        long t0 = System.nanoTime();
                        if (Boolean.getBoolean("l2")) {
                            for (int n = 0; n < batch; n++) {
                                convs[v].forward(x, 1, w, 0, b, 0, y, Boolean.getBoolean("noact") ? null : ACT, ctx);
                            }
                        } else {
                            convs[v].forward(x, batch, w, 0, b, 0, y, Boolean.getBoolean("noact") ? null : ACT, ctx);
                        }
                        long t1 = System.nanoTime();
                        if (Boolean.getBoolean("l2")) {
                            for (int n = 0; n < batch; n++) {
                                convs[v].backward(x, 1, dy, y, ACT, w, 0, dw, 0, db, 0, null, ctx);
                            }
                        } else {
                            convs[v].backward(x, batch, dy, y, ACT, w, 0, dw, 0, db, 0, null, ctx);
                        }
                        long t2 = System.nanoTime();
                        best[v][0] = Math.min(best[v][0], (t1 - t0) / 1e6);
                        best[v][1] = Math.min(best[v][1], (t2 - t1) / 1e6);
                    }
                }
            }
            for (int v = 0; v < convs.length; v++) {
                System.out.printf("%-22s %-16s %10.3f %10.1f %10.3f %10.1f%n", v == 0 ? s[0] : "", convs[v].algorithm(),
                        best[v][0], flops / best[v][0] / 1e6, best[v][1], flops / best[v][1] / 1e6);
            }
        }
        ex.close();
    }

}
