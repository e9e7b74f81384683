package io.convspark.kernels.layers.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.convspark.kernels.layers.Activation;
import io.convspark.kernels.layers.ConvGeometry;
import java.util.Random;

/**
 * What the convolution tests and benchmarks share: random operands, the definition in double
 * precision and a relative comparison.
 */
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

    /**
     * The definition in double precision: {@code y = act(z)} with {@code z = W * x + b} (cross-correlation
     * over the zero-padded input), and for the output gradient {@code dy} (through act:
     * {@code dz = dy * act'(z)}, from the rounded float y, as the kernels do) the gradients of W, b and x.
     *
     * @param b the bias, or {@code null} for none
     * @return {y, dW, db, dx}
     */
    static double[][] definition(float[] x, float[] w, float[] b, float[] dy, int batch, int ch, int f,
                                 ConvGeometry g, Activation act) {
        int kh = g.kernelH();
        int kw = g.kernelW();
        int p = g.outPlane();
        float[] y = new float[dy.length];
        double[] dw = new double[w.length];
        double[] db = new double[f];
        double[] dx = new double[x.length];
        for (int pass = 0; pass < 2; pass++) {
            for (int s = 0; s < batch; s++) {
                for (int o = 0; o < f; o++) {
                    for (int oh = 0; oh < g.outH(); oh++) {
                        for (int ow = 0; ow < g.outW(); ow++) {
                            int yi = (s * f + o) * p + oh * g.outW() + ow;
                            double z = b != null ? b[o] : 0;
                            double dz = 0;
                            if (pass == 1) {
                                float[] one = {dy[yi]};
                                if (act != null) {
                                    act.derive(new float[] {y[yi]}, one, 0, 1);
                                }
                                dz = one[0];
                                db[o] += dz;
                            }
                            for (int cc = 0; cc < ch; cc++) {
                                for (int i = 0; i < kh; i++) {
                                    for (int j = 0; j < kw; j++) {
                                        int ih = oh * g.strideH() - g.padTop() + i * g.dilationH();
                                        int iw = ow * g.strideW() - g.padLeft() + j * g.dilationW();
                                        if (ih < 0 || ih >= g.inH() || iw < 0 || iw >= g.inW()) {
                                            continue;
                                        }
                                        int wi = ((o * ch + cc) * kh + i) * kw + j;
                                        int xi = ((s * ch + cc) * g.inH() + ih) * g.inW() + iw;
                                        z += w[wi] * (double) x[xi];
                                        dw[wi] += dz * x[xi];
                                        dx[xi] += dz * w[wi];
                                    }
                                }
                            }
                            if (pass == 0) {
                                float[] one = {(float) z};
                                if (act != null) {
                                    act.apply(one, 0, 1);
                                }
                                y[yi] = one[0];
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {widen(y), dw, db, dx};
    }
}
