package io.convspark.kernels.layers.conv;

import io.convspark.kernels.compute.Gemms;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.Padding;
import io.convspark.kernels.layers.StepContext;
import java.util.Random;

/**
 * Forward and backward milliseconds of the convolution algorithms on the course models' 3x3
 * convolutions: im2col + GEMM one sample per GEMM, im2col + GEMM over groups of samples (the
 * default lowering), and Winograd F(2x2, 3x3); alternating in one JVM, best of the rounds:
 * {@code java --add-modules=jdk.incubator.vector -Dthreads=1 -cp ... io.convspark.kernels.layers.conv.ConvAlgorithmBench [rounds]}.
 */
public final class ConvAlgorithmBench {
    private static final String[] NAMES = {"gemm/sample", "gemm/group", "winograd"};

    private ConvAlgorithmBench() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        // name, batch, C, H(=W), F, padding same?
        Object[][] shapes = {
                {"mnist conv2d_1", 64, 64, 13, 128, false}, {"cifar conv2d_1", 50, 32, 32, 32, true},
                {"cifar conv2d_2", 50, 32, 16, 64, true}, {"cifar conv2d_3", 50, 64, 16, 64, true},
                {"cifar conv2d_4", 50, 64, 8, 128, true}, {"cifar conv2d_5", 50, 128, 8, 128, true}};
        KernelExecutor ex = new KernelExecutor(Integer.parseInt(System.getProperty("threads", "1")));
        StepContext ctx = new StepContext(ex, Gemms.get());
        Random rnd = new Random(1);
        System.out.printf("%-16s %-12s %10s %10s %22s%n", "layer", "algorithm", "fwd ms", "bwd ms", "speed-up over group");
        for (Object[] s : shapes) {
            int batch = (Integer) s[1];
            int c = (Integer) s[2];
            int h = (Integer) s[3];
            int f = (Integer) s[4];
            ConvGeometry g = ConvGeometry.of("bench", h, h, 3, 3, 1, 1, 1, 1,
                    (Boolean) s[5] ? Padding.SAME : Padding.VALID);
            Convolution[] convs = {new GemmConvolution(g, c, f, 1), new GemmConvolution(g, c, f),
                    new WinogradConvolution(g, c, f)};
            ConvTesting.Pass pass = ConvTesting.Pass.random(rnd, batch, c, f, g);
            double[][] best = new double[convs.length][2];
            for (double[] row : best) {
                java.util.Arrays.fill(row, Double.MAX_VALUE);
            }
            for (int r = 0; r < rounds; r++) {
                for (int v = 0; v < convs.length; v++) {
                    for (int i = 0; i < 5; i++) {
                        long t0 = System.nanoTime();
                        pass.forward(convs[v], ctx);
                        long t1 = System.nanoTime();
                        pass.backward(convs[v], ctx);
                        long t2 = System.nanoTime();
                        best[v][0] = Math.min(best[v][0], (t1 - t0) / 1e6);
                        best[v][1] = Math.min(best[v][1], (t2 - t1) / 1e6);
                    }
                }
            }
            for (int v = 0; v < convs.length; v++) {
                System.out.printf("%-16s %-12s %10.2f %10.2f %10.2fx %9.2fx%n", v == 0 ? s[0] : "", NAMES[v], best[v][0],
                        best[v][1], best[1][0] / best[v][0], best[1][1] / best[v][1]);
            }
        }
        ex.close();
    }

}
