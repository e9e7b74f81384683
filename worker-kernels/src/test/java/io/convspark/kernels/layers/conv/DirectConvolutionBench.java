package io.convspark.kernels.layers.conv;

import io.convspark.kernels.compute.Gemms;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.Padding;
import io.convspark.kernels.layers.StepContext;
import java.util.Arrays;
import java.util.Random;

/**
 * Forward and backward milliseconds and GFLOP/s of the direct convolutions against what they replace:
 * the filter-lanes kernel against im2col + GEMM on layers with a vector's worth of filters (lenet5's
 * second layer first), the position-lanes kernel against the short-reduction kernel on first layers
 * (no input gradient); alternating in one JVM, best of the rounds:
 * {@code java --add-modules=jdk.incubator.vector -Dthreads=1 -cp ... io.convspark.kernels.layers.conv.DirectConvolutionBench [rounds]}.
 */
public final class DirectConvolutionBench {
    private DirectConvolutionBench() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        // name, batch, C, H(=W), F, window, padding same?, first layer?
        Object[][] shapes = {
                {"lenet5 conv2d_1", 64, 6, 14, 16, 5, false, false}, {"mnist-suo conv2d_1", 64, 32, 14, 64, 5, true, false},
                {"16->16 5x5 same 14", 64, 16, 14, 16, 5, true, false},
                {"8->12 3x3 same 20", 32, 8, 20, 12, 3, true, false}, {"lenet5 conv2d", 64, 1, 32, 6, 5, false, true},
                {"mnist-deitel conv2d", 64, 1, 28, 64, 3, false, true}, {"cifar conv2d", 50, 3, 32, 32, 3, true, true},
                {"1->9 5x5 32", 64, 1, 32, 9, 5, false, true}, {"1->12 5x5 32", 64, 1, 32, 12, 5, false, true},
                {"1->16 3x3 28", 64, 1, 28, 16, 3, false, true}, {"3->8 3x3 same 32", 50, 3, 32, 8, 3, true, true}};
        KernelExecutor ex = new KernelExecutor(Integer.parseInt(System.getProperty("threads", "1")));
        StepContext ctx = new StepContext(ex, Gemms.get());
        Random rnd = new Random(1);
        System.out.printf("%-20s %-22s %9s %9s %9s %9s%n", "layer", "algorithm", "fwd ms", "GFLOP/s", "bwd ms", "GFLOP/s");
        for (Object[] s : shapes) {
            int batch = (Integer) s[1];
            int c = (Integer) s[2];
            int h = (Integer) s[3];
            int f = (Integer) s[4];
            int win = (Integer) s[5];
            ConvGeometry g = ConvGeometry.of("bench", h, h, win, win, 1, 1, 1, 1,
                    (Boolean) s[6] ? Padding.SAME : Padding.VALID);
            boolean first = (Boolean) s[7];
            Convolution[] convs = first
                    ? new Convolution[] {new ShortReductionConvolution(g, c, f), new PositionLanesConvolution(g, c, f)}
                    : new Convolution[] {new GemmConvolution(g, c, f), new FilterLanesConvolution(g, c, f)};
            ConvTesting.Pass pass = ConvTesting.Pass.random(rnd, batch, c, f, g);
            double backwardFlops = (first ? 1 : 2) * 2.0 * batch * f * g.outPlane() * c * g.kernelSize();
            double flops = 2.0 * batch * f * g.outPlane() * c * g.kernelSize();
            double[][] best = new double[convs.length][2];
            for (double[] row : best) {
                Arrays.fill(row, Double.MAX_VALUE);
            }
            for (int r = 0; r < rounds; r++) {
                for (int v = 0; v < convs.length; v++) {
                    for (int i = 0; i < 20; i++) {
                        long t0 = System.nanoTime();
                        pass.forward(convs[v], ctx);
                        long t1 = System.nanoTime();
                        if (first) {
                            convs[v].backward(pass.x(), batch, pass.dy(), pass.w(), 0, pass.dw(), 0, pass.db(), 0, null,
                                    ctx);
                        } else {
                            pass.backward(convs[v], ctx);
                        }
                        long t2 = System.nanoTime();
                        best[v][0] = Math.min(best[v][0], (t1 - t0) / 1e6);
                        best[v][1] = Math.min(best[v][1], (t2 - t1) / 1e6);
                    }
                }
            }
            for (int v = 0; v < convs.length; v++) {
                System.out.printf("%-20s %-22s %9.3f %9.1f %9.3f %9.1f%n", v == 0 ? s[0] : "", convs[v].algorithm(),
                        best[v][0], flops / best[v][0] / 1e6, best[v][1], backwardFlops / best[v][1] / 1e6);
            }
        }
        ex.close();
    }
}
