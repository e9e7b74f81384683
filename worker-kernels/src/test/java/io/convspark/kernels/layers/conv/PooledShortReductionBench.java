package io.convspark.kernels.layers.conv;

import static io.convspark.kernels.layers.conv.ConvTesting.gaussian;
import io.convspark.kernels.compute.Gemms;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.layers.Activations;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.MaxPooling2D;
import io.convspark.kernels.layers.Padding;
import io.convspark.kernels.layers.StepContext;
import io.convspark.kernels.tensor.Shape;
import io.convspark.kernels.tensor.Tensor;
import java.util.List;
import java.util.Random;

/**
 * mnist-deitel's first convolution and the max pooling after it (batch 64, ReLU): the short-reduction
 * kernel followed by the pooling layer, against both in one pass ({@link PooledShortReductionConvolution}),
 * alternating in one JVM, best of the rounds, forward and backward (weight gradient) milliseconds
 * ({@code -Dfirst=1}: the fused kernel only, for profiles; {@code -Dinference=true}: forward in inference mode;
 * {@code -Dmodel=mnist-suo}: that model's first layer, 32 filters of 5x5, 'same' padding, instead):
 * {@code java --add-modules=jdk.incubator.vector -Dthreads=1 -cp ... io.convspark.kernels.layers.conv.PooledShortReductionBench [rounds]}.
 */
public final class PooledShortReductionBench {
    private PooledShortReductionBench() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int batch = 64;
        int c = 1;
        int h = 28;
        boolean suo = "mnist-suo".equals(System.getProperty("model"));
        int f = suo ? 32 : 64;
        int kw = suo ? 5 : 3;
        KernelExecutor ex = new KernelExecutor(Integer.parseInt(System.getProperty("threads", "1")));
        StepContext ctx = new StepContext(ex, Gemms.get()).training(true);
        Random rnd = new Random(1);
        ConvGeometry g = ConvGeometry.of("bench", h, h, kw, kw, 1, 1, 1, 1, suo ? Padding.SAME : Padding.VALID);
        ShortReductionConvolution conv = new ShortReductionConvolution(g, c, f);
        MaxPooling2D pool = new MaxPooling2D("pool", 2);
        pool.build(List.of(Shape.image(f, g.outH(), g.outW())));
        PooledShortReductionConvolution fused = new PooledShortReductionConvolution(g, c, f, 2, 2);
        float[] x = gaussian(rnd, batch * c * h * h);
        float[] w = gaussian(rnd, f * c * kw * kw);
        float[] b = gaussian(rnd, f);
        Tensor y = new Tensor(Shape.image(f, g.outH(), g.outW()), batch);
        Tensor dyFull = new Tensor(Shape.image(f, g.outH(), g.outW()), batch);
        Tensor yp = new Tensor(pool.outputShape(), batch);
        Tensor dyp = new Tensor(pool.outputShape(), batch);
        float[] upstream = gaussian(rnd, yp.size());
        float[] dw = new float[w.length];
        float[] db = new float[f];
        double flops = 2.0 * batch * f * g.outPlane() * c * kw * kw;
        double[][] best = new double[2][2];
        for (double[] row : best) {
            java.util.Arrays.fill(row, Double.MAX_VALUE);
        }
        for (int r = 0; r < rounds; r++) {
            for (int v = Integer.getInteger("first", 0); v < 2; v++) {
                for (int i = 0; i < 20; i++) {
                    System.arraycopy(upstream, 0, dyp.data(), 0, upstream.length);
                    ctx.training(!Boolean.getBoolean("inference"));
                    long t0 = System.nanoTime();
                    if (v == 0) {
                        conv.forward(x, batch, w, 0, b, 0, y.data(), Activations.RELU, ctx);
                        pool.forward(new Tensor[] {y}, yp, ctx);
                    } else {
                        fused.forward(x, batch, w, 0, b, 0, yp.data(), Activations.RELU, ctx);
                    }
                    long t1 = System.nanoTime();
                    ctx.training(true);
                    if (v == 0) {
                        pool.backward(new Tensor[] {y}, yp, dyp, new Tensor[] {dyFull}, ctx);
                        conv.backward(x, batch, dyFull.data(), y.data(), Activations.RELU, w, 0, dw, 0, db, 0, null, ctx);
                    } else {
                        fused.backward(x, batch, dyp.data(), yp.data(), Activations.RELU, w, 0, dw, 0, db, 0, null, ctx);
                    }
                    long t2 = System.nanoTime();
                    best[v][0] = Math.min(best[v][0], (t1 - t0) / 1e6);
                    best[v][1] = Math.min(best[v][1], (t2 - t1) / 1e6);
                }
            }
        }
        String[] names = {"short-k, then pool", "short-k+maxpool"};
        System.out.printf("%-20s %10s %10s %10s %10s%n", (suo ? "mnist-suo" : "mnist-deitel") + " conv2d", "fwd ms", "GFLOP/s", "bwd ms", "GFLOP/s");
        for (int v = 0; v < 2; v++) {
            System.out.printf("%-20s %10.3f %10.1f %10.3f %10.1f%n", names[v], best[v][0], flops / best[v][0] / 1e6,
                    best[v][1], flops / best[v][1] / 1e6);
        }
        ex.close();
    }
}
