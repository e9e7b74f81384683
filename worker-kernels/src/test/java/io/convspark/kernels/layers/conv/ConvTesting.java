package io.convspark.kernels.layers.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

/** What the convolution tests and benchmarks share: random operands and a relative comparison. */
final class ConvTesting {
    private ConvTesting() {
    }

    /** {@code n} floats uniform in [-1, 1). */
    static float[] uniform(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** {@code n} standard normal floats. */
    static float[] gaussian(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** Random operands and output buffers of one forward + backward pass over a batch (benchmarks). */
    record Pass(int batch, float[] x, float[] w, float[] b, float[] y, float[] dy, float[] dw, float[] db, float[] dx) {
        static Pass random(Random rnd, int batch, int channels, int filters, io.convspark.kernels.layers.ConvGeometry g) {
            float[] x = gaussian(rnd, batch * channels * g.inPlane());
            float[] w = gaussian(rnd, filters * channels * g.kernelH() * g.kernelW());
            float[] b = gaussian(rnd, filters);
            float[] y = new float[batch * filters * g.outPlane()];
            return new Pass(batch, x, w, b, y, gaussian(rnd, y.length), new float[w.length], new float[filters],
                    new float[x.length]);
        }

        void forward(Convolution conv, io.convspark.kernels.layers.StepContext ctx) {
            conv.forward(x, batch, w, 0, b, 0, y, ctx);
        }

        void backward(Convolution conv, io.convspark.kernels.layers.StepContext ctx) {
            conv.backward(x, batch, dy, w, 0, dw, 0, db, 0, dx, ctx);
        }
    }

    static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /** |e - a| <= rtol * max(|e|, rms(e)) for every element. */
    static void assertRelative(double[] e, float[] a, double rtol, String what) {
        assertEquals(e.length, a.length, what + " length");
        double sq = 0;
        for (double v : e) {
            sq += v * v;
        }
        double rms = Math.sqrt(sq / Math.max(1, e.length));
        for (int i = 0; i < e.length; i++) {
            double scale = Math.max(rms, Math.abs(e[i]));
            if (!(Math.abs(e[i] - a[i]) <= rtol * scale)) {
                throw new AssertionError(what + " element " + i + ": expected " + e[i] + " but was " + a[i]);
            }
        }
    }
}
