package io.convspark.kernels.compute;

import io.convspark.kernels.random.SplitMix64;
import java.util.Arrays;

/** The portable reference {@link ElementwiseKernels}: plain loops, the definitions as written. */
public final class ScalarElementwiseKernels implements ElementwiseKernels {
    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void dropout(float[] src, float[] dst, int from, int to, long key, long counter, long threshold,
                        float scale) {
        for (int j = from; j < to; j++, counter++) {
            // all ones where (bits >>> 11) < threshold, else 0 (both are below 2^53, so the difference's
            // sign is the comparison): branch-free, and dropped values are +0
            int keep = (int) (((SplitMix64.bits(key, counter) >>> 11) - threshold) >> 63);
            dst[j] = Float.intBitsToFloat(Float.floatToRawIntBits(src[j] * scale) & keep);
        }
    }

    @Override
    public void relu(float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = Math.max(a[i], 0f);
        }
    }

    @Override
    public void reluBackward(float[] y, float[] g, int from, int to) {
        for (int i = from; i < to; i++) {
            g[i] = y[i] > 0f ? g[i] : 0f;
        }
    }

    @Override
    public void elu(float[] a, int from, int to, float alpha) {
        for (int i = from; i < to; i++) {
            a[i] = a[i] > 0f ? a[i] : alpha * (float) Math.expm1(a[i]);
        }
    }

    @Override
    public void eluBackward(float[] y, float[] g, int from, int to, float alpha) {
        for (int i = from; i < to; i++) {
            g[i] = y[i] > 0f ? g[i] : g[i] * (y[i] + alpha);
        }
    }

    @Override
    public void tanh(float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = (float) Math.tanh(a[i]);
        }
    }

    @Override
    public void tanhBackward(float[] y, float[] g, int from, int to) {
        for (int i = from; i < to; i++) {
            g[i] *= 1f - y[i] * y[i];
        }
    }

    @Override
    public void sigmoid(float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = sigmoid(a[i]);
        }
    }

    /** Numerically stable logistic function (no overflow of exp for large |x|). */
    static float sigmoid(float x) {
        if (x >= 0f) {
            return (float) (1.0 / (1.0 + Math.exp(-x)));
        }
        double e = Math.exp(x);
        return (float) (e / (1.0 + e));
    }

    @Override
    public void sigmoidBackward(float[] y, float[] g, int from, int to) {
        for (int i = from; i < to; i++) {
            g[i] *= y[i] * (1f - y[i]);
        }
    }

    @Override
    public float sum(float[] a, int from, int to) {
        float s = 0f;
        for (int i = from; i < to; i++) {
            s += a[i];
        }
        return s;
    }

    @Override
    public void addTo(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += x[xOff + i];
        }
    }

    @Override
    public void maxPool2x2(float[] x, int xBase, int inH, int inW, float[] y, int[] argmax, int yBase, int outH,
                           int outW, int planes) {
        for (int p = 0; p < planes; p++) {
            int xPlane = xBase + p * inH * inW;
            int yPlane = yBase + p * outH * outW;
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    maxPoolWindow2x2(x, xPlane, inW, 2 * oh * inW + 2 * ow, y, argmax, yPlane + oh * outW + ow);
                }
            }
        }
    }

    @Override
    public void avgPool2x2(float[] x, int xBase, int inH, int inW, float[] y, int yBase, int outH, int outW,
                           int planes) {
        for (int p = 0; p < planes; p++) {
            int xPlane = xBase + p * inH * inW;
            int yPlane = yBase + p * outH * outW;
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    avgPoolWindow2x2(x, xPlane + 2 * oh * inW + 2 * ow, inW, y, yPlane + oh * outW + ow);
                }
            }
        }
    }

    /** One window of {@link #avgPool2x2}: top-left input cell {@code q}, output cell {@code o}. */
    static void avgPoolWindow2x2(float[] x, int q, int inW, float[] y, int o) {
        // from 0, as the pooling layer sums (so that four -0 give +0)
        y[o] = ((((0f + x[q]) + x[q + 1]) + x[q + inW]) + x[q + inW + 1]) / 4f;
    }

    @Override
    public void avgPool2x2Backward(float[] dy, int yBase, int outH, int outW, float[] dx, int xBase, int inH, int inW,
                                   int planes) {
        for (int p = 0; p < planes; p++) {
            int xPlane = xBase + p * inH * inW;
            Arrays.fill(dx, xPlane, xPlane + inH * inW, 0f);
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    avgPoolWindowBackward2x2(dy, yBase + (p * outH + oh) * outW + ow, dx, xPlane + 2 * oh * inW + 2 * ow, inW);
                }
            }
        }
    }

    /** One window of {@link #avgPool2x2Backward}: output cell {@code o}, top-left input cell {@code q}. */
    static void avgPoolWindowBackward2x2(float[] dy, int o, float[] dx, int q, int inW) {
        float g = 0f + dy[o] / 4f;
        dx[q] = g;
        dx[q + 1] = g;
        dx[q + inW] = g;
        dx[q + inW + 1] = g;
    }

    /** One window of {@link #maxPool2x2}: top-left input cell {@code q} (within the plane), output cell {@code o}. */
    static void maxPoolWindow2x2(float[] x, int xBase, int inW, int q, float[] y, int[] argmax, int o) {
        int best = q;
        float max = x[xBase + q];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                int cell = q + i * inW + j;
                float v = x[xBase + cell];
                if (v > max || Float.isNaN(v)) {
                    max = v;
                    best = cell;
                }
            }
        }
        y[o] = max;
        if (argmax != null) {
            argmax[o] = best;
        }
    }

    // BatchNormalization's per-channel reductions accumulate in double over four interleaved partial sums
    // (i mod 4), added in a fixed order: four independent add chains instead of one, so they run at
    // the adder's throughput rather than its latency, with the same result on every run.

    @Override
    public double sumToDouble(float[] a, int off, int len) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 4 <= len; i += 4) {
            s0 += a[off + i];
            s1 += a[off + i + 1];
            s2 += a[off + i + 2];
            s3 += a[off + i + 3];
        }
        for (; i < len; i++) {
            s0 += a[off + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public double squaredDeviations(float[] x, int off, int len, float mu) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 4 <= len; i += 4) {
            double d0 = x[off + i] - mu;
            double d1 = x[off + i + 1] - mu;
            double d2 = x[off + i + 2] - mu;
            double d3 = x[off + i + 3] - mu;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < len; i++) {
            double d = x[off + i] - mu;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public double centeredDot(float[] dy, float[] x, int off, int len, float mu) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 4 <= len; i += 4) {
            s0 += (double) dy[off + i] * (x[off + i] - mu);
            s1 += (double) dy[off + i + 1] * (x[off + i + 1] - mu);
            s2 += (double) dy[off + i + 2] * (x[off + i + 2] - mu);
            s3 += (double) dy[off + i + 3] * (x[off + i + 3] - mu);
        }
        for (; i < len; i++) {
            s0 += (double) dy[off + i] * (x[off + i] - mu);
        }
        return (s0 + s1) + (s2 + s3);
    }
}
