package io.convspark.kernels.layers.conv;


import io.convspark.kernels.compute.Gemms;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.Padding;
import io.convspark.kernels.layers.StepContext;
import java.util.Random;

/**
 * Forward and backward milliseconds of one Winograd layer, run in a loop for a given time (the best
 * of each), for profiling one shape and for alternating A/B runs of whole JVMs:
 * <pre>
 *   java --add-modules=jdk.incubator.vector -XX:PerMethodTrapLimit=100000 -XX:PerMethodRecompilationCutoff=100000 \
 *     -Dthreads=1 [-Dbatch=64 -Dc=64 -Df=128 -Dh=13 -Dsame=false -Dconvspark.winograd.tile=auto|2] -cp ... \
 *     io.convspark.kernels.layers.conv.WinogradLayerBench [seconds]
 * </pre>
 * The defaults are mnist-deitel's second convolution; cifar10-alzahrani's first Winograd layer is
 * {@code -Dbatch=50 -Dc=32 -Df=32 -Dh=32 -Dsame=true}. {@code -Dpasses=N} rotates among N sets of operands
 * (inputs, outputs, gradients), so that each pass reads them from memory, not from the cache.
 */
public final class WinogradLayerBench {
    private WinogradLayerBench() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        int batch = Integer.getInteger("batch", 64);
        int c = Integer.getInteger("c", 64);
        int h = Integer.getInteger("h", 13);
        int f = Integer.getInteger("f", 128);
        ConvGeometry g = ConvGeometry.of("bench", h, h, 3, 3, 1, 1, 1, 1,
                Boolean.getBoolean("same") ? Padding.SAME : Padding.VALID);
        try (KernelExecutor ex = new KernelExecutor(Integer.getInteger("threads", 1))) {
            StepContext ctx = new StepContext(ex, Gemms.get());
            Convolution conv = new WinogradConvolution(g, c, f);
            Random rnd = new Random(1);
            // -Dpasses=N rotates among N operand sets, so each pass reads its input from memory as in a model
            ConvTesting.Pass[] passes = new ConvTesting.Pass[Integer.getInteger("passes", 1)];
            for (int i = 0; i < passes.length; i++) {
                passes[i] = ConvTesting.Pass.random(rnd, batch, c, f, g);
            }
            int next = 0;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            double forward = Double.MAX_VALUE;
            double backward = Double.MAX_VALUE;
            while (System.nanoTime() < end) {
                ConvTesting.Pass pass = passes[next++ % passes.length];
                long t0 = System.nanoTime();
                pass.forward(conv, ctx);
                long t1 = System.nanoTime();
                pass.backward(conv, ctx);
                long t2 = System.nanoTime();
                forward = Math.min(forward, (t1 - t0) / 1e6);
                backward = Math.min(backward, (t2 - t1) / 1e6);
            }
            System.out.printf("%s %d -> %d channels, %dx%d, batch %d, %d thread(s), GEMM %s: forward %.2f ms, backward %.2f ms%n",
                    conv.algorithm(), c, f, h, h, batch, ex.parallelism(), ctx.gemm().name(), forward, backward);
        }
    }
}
