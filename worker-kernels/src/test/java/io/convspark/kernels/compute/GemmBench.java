package io.convspark.kernels.compute;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Single-thread GFLOP/s of the GEMM back-ends on the matrix shapes of conv and dense layers.
 * Run with the module's test classpath (dev.ludovic.netlib's blas needs arpack_combined_all on it to
 * load the native BLAS; {@code dependency:build-classpath} gives it where that plugin is available):
 * <pre>
 *   mvn -o -q -pl worker-kernels test-compile
 *   R=~/.m2/repository
 *   CP=worker-kernels/target/classes:worker-kernels/target/test-classes
 *   CP=$CP:$R/dev/ludovic/netlib/blas/3.0.4/blas-3.0.4.jar:$R/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar
 *   CP=$CP:$R/net/sourceforge/f2j/arpack_combined_all/0.1/arpack_combined_all-0.1.jar
 *   OPENBLAS_NUM_THREADS=1 java --add-modules=jdk.incubator.vector -cp $CP \
 *     io.convspark.kernels.compute.GemmBench [seconds-per-measurement] [backend,...]
 * </pre>
 * Back-ends: java, vector, native (skipped when OpenBLAS does not load), netlib (dev.ludovic's
 * default, its Vector API BLAS when native is absent). Each measurement runs the product repeatedly
 * for the given time after a warm-up of the same length and reports the best of three; a short
 * pass over all cases first lets the JIT compile every path.
 */
public final class GemmBench {
    /** One benchmarked product: C[m x n] = op(A)[m x k] op(B)[k x n]. */
    private record Case(String label, boolean transA, boolean transB, int m, int n, int k) {
    }

    private GemmBench() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 0.3;
        String backends = args.length > 1 ? args[1] : "java,vector,native,netlib";
        List<Gemm> gemms = new ArrayList<>();
        for (String name : backends.split(",")) {
            Gemm g = create(name.trim());
            if (g != null) {
                gemms.add(g);
            }
        }
        List<Case> cases = List.of(
                new Case("conv fwd  F64 C1 3x3 28x28", false, false, 64, 676, 9),
                new Case("conv fwd  F64 C64 3x3 26x26", false, false, 64, 576, 576),
                new Case("conv fwd  F64 C64 3x3 -> 11x11", false, false, 64, 121, 576),
                new Case("conv fwd  F64 C32 5x5 28x28", false, false, 64, 784, 800),
                new Case("conv fwd  F128 C64 5x5 10x10", false, false, 128, 100, 1600),
                new Case("conv fwd  F128 C64 3x3 32x32", false, false, 128, 1024, 576),
                new Case("conv fwd  F128 C64 5x5 16x16", false, false, 128, 256, 1600),
                new Case("conv dW   F64 x CKK576 (k=676)", false, true, 64, 576, 676),
                new Case("conv dW   F128 x CKK1600 (k=100)", false, true, 128, 1600, 100),
                new Case("conv dW   F64 x CKK800 (k=784)", false, true, 64, 800, 784),
                new Case("conv dX   CKK576 x 676 (k=64)", true, false, 576, 676, 64),
                new Case("conv dX   CKK1600 x 100 (k=128)", true, false, 1600, 100, 128),
                new Case("conv dX   CKK800 x 784 (k=64)", true, false, 800, 784, 64),
                new Case("dense fwd 64 x 128 (k=3200)", false, false, 64, 128, 3200),
                new Case("dense dW  3200 x 128 (k=64)", true, false, 3200, 128, 64),
                new Case("dense dX  64 x 3200 (k=128)", false, true, 64, 3200, 128),
                new Case("wino fwd  F32 x T256 (C32)", false, false, 32, 256, 32),
                new Case("wino fwd  F128 x T144 (C64)", false, false, 128, 144, 64),
                new Case("wino dU   F32 x C32 (T256)", false, true, 32, 32, 256),
                new Case("wino dU   F64 x C32 (T256)", false, true, 64, 32, 256),
                new Case("wino dU   F128 x C64 (T144)", false, true, 128, 64, 144),
                new Case("wino dV   C64 x T144 (F128)", true, false, 64, 144, 128));

        // Compile every code path (all transposes, edge tiles) before the first measurement.
        for (Gemm g : gemms) {
            for (Case cs : cases) {
                measure(g, cs, 0.02);
            }
        }
        StringBuilder header = new StringBuilder(
                String.format(Locale.ROOT, "%-34s %5s %5s %5s", "GFLOP/s", "m", "n", "k"));
        for (Gemm g : gemms) {
            header.append(String.format(Locale.ROOT, " %14s", g.name()));
        }
        System.out.println(header);
        for (Case cs : cases) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-34s %5d %5d %5d",
                    cs.label(), cs.m(), cs.n(), cs.k()));
            for (Gemm g : gemms) {
                line.append(String.format(Locale.ROOT, " %14.1f", measure(g, cs, seconds)));
            }
            System.out.println(line);
        }
    }

    private static Gemm create(String name) {
        switch (name) {
            case "java":
                return new JavaGemm();
            case "vector":
                return new VectorGemm();
            case "native":
                try {
                    return NativeGemm.loadNative();
                } catch (Throwable e) {
                    System.out.println("native BLAS not loadable, skipped: " + e);
                    return null;
                }
            case "netlib":
                return NativeGemm.netlibDefault();
            default:
                throw new IllegalArgumentException("unknown back-end '" + name
                        + "', expected java, vector, native or netlib");
        }
    }

    private static double measure(Gemm g, Case cs, double seconds) {
        Random rnd = new Random(42);
        int aRows = cs.transA() ? cs.k() : cs.m();
        int aCols = cs.transA() ? cs.m() : cs.k();
        int bRows = cs.transB() ? cs.n() : cs.k();
        int bCols = cs.transB() ? cs.k() : cs.n();
        float[] a = random(rnd, aRows * aCols);
        float[] b = random(rnd, bRows * bCols);
        float[] c = new float[cs.m() * cs.n()];
        double flops = 2.0 * cs.m() * cs.n() * cs.k();
        run(g, cs, a, aCols, b, bCols, c, seconds);
        double best = 0;
        for (int rep = 0; rep < 3; rep++) {
            best = Math.max(best, run(g, cs, a, aCols, b, bCols, c, seconds) * flops / 1e9);
        }
        return best;
    }

    /** Calls per second over roughly {@code seconds}. */
    private static double run(Gemm g, Case cs, float[] a, int lda, float[] b, int ldb, float[] c, double seconds) {
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        long calls = 0;
        long elapsed;
        do {
            g.sgemm(cs.transA(), cs.transB(), cs.m(), cs.n(), cs.k(), 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, cs.n());
            calls++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < budget);
        return calls / (elapsed / 1e9);
    }

    private static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = rnd.nextFloat() * 2f - 1f;
        }
        return x;
    }
}
