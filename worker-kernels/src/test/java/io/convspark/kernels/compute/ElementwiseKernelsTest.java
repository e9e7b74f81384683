package io.convspark.kernels.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorElementwiseKernels} against the scalar reference {@link ScalarElementwiseKernels}, on
 * slices with odd offsets and lengths (vector body plus scalar tail) and data with the awkward values:
 * zeros of both signs, ties, NaN, infinities. Bit-equal (dropout too: the same masks) except {@code elu} (vector expm1: within
 * 2 ulp), {@code tanh} and {@code sigmoid} (within 3 ulp) and {@code sum} (reassociated: within the rounding bound).
 */
class ElementwiseKernelsTest {
    private static final int[][] SLICES = {{0, 0}, {0, 1}, {3, 18}, {1, 64}, {5, 1000}, {0, 4099}};
    private final ElementwiseKernels scalar = new ScalarElementwiseKernels();
    private final ElementwiseKernels vector = new VectorElementwiseKernels();

    private static float[] awkward(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            int kind = rnd.nextInt(20);
            a[i] = kind == 0 ? 0f : kind == 1 ? -0f : kind == 2 ? Float.NaN : kind == 3 ? Float.POSITIVE_INFINITY
                    : kind == 4 ? Float.NEGATIVE_INFINITY : kind == 5 ? 1f : (float) rnd.nextGaussian() * 3f;
        }
        return a;
    }

    @Test
    void reluAndItsDerivativeBitEqual() {
        Random rnd = new Random(1);
        for (int[] s : SLICES) {
            float[] x = awkward(rnd, s[1] + 7);
            float[] a = x.clone();
            float[] b = x.clone();
            scalar.relu(a, s[0], s[1]);
            vector.relu(b, s[0], s[1]);
            assertArrayEquals(a, b);
            float[] g = awkward(rnd, x.length);
            float[] ga = g.clone();
            float[] gb = g.clone();
            scalar.reluBackward(a, ga, s[0], s[1]);
            vector.reluBackward(a, gb, s[0], s[1]);
            assertArrayEquals(ga, gb);
        }
    }

    @Test
    void batchNormalizationReductionsAgreeWithTheDoubleReference() {
        Random rnd = new Random(6);
        for (int len : new int[] {0, 1, 7, 31, 33, 64, 100, 676, 1024, 4099, 60_000}) {
            int off = rnd.nextInt(5);
            float[] x = new float[off + len];
            float[] dy = new float[off + len];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (3 + 2 * rnd.nextGaussian());
                dy[i] = (float) rnd.nextGaussian();
            }
            float mu = 3.1f;
            double[][] pairs = {
                {scalar.sumToDouble(x, off, len), vector.sumToDouble(x, off, len), absSum(x, off, len, 0f)},
                {scalar.squaredDeviations(x, off, len, mu), vector.squaredDeviations(x, off, len, mu),
                        squares(x, off, len, mu)},
                {scalar.centeredDot(dy, x, off, len, mu), vector.centeredDot(dy, x, off, len, mu),
                        absDot(dy, x, off, len, mu)}};
            for (double[] p : pairs) {
                // float blocks of at most 512 values: within 1e-6 of the sum of magnitudes
                assertEquals(p[0], p[1], 1e-6 * p[2] + 1e-30, "length " + len);
            }
        }
    }

    private static double absSum(float[] a, int off, int len, float mu) {
        double s = 0;
        for (int i = off; i < off + len; i++) {
            s += Math.abs(a[i] - mu);
        }
        return s;
    }

    private static double squares(float[] a, int off, int len, float mu) {
        double s = 0;
        for (int i = off; i < off + len; i++) {
            s += (a[i] - mu) * (a[i] - mu);
        }
        return s;
    }

    private static double absDot(float[] dy, float[] x, int off, int len, float mu) {
        double s = 0;
        for (int i = off; i < off + len; i++) {
            s += Math.abs(dy[i] * (x[i] - mu));
        }
        return s;
    }

    @Test
    void dropoutMasksBitEqualAtAnyOffsetsAndCounters() {
        Random rnd = new Random(4);
        long[] thresholds = {0L, 1L << 52, (long) (0.7 * (1L << 53)), (1L << 53) - 1, 1L << 53};
        for (int[] s : SLICES) {
            for (long threshold : thresholds) {
                float[] x = awkward(rnd, s[1] + 9);
                float[] a = new float[x.length];
                float[] b = new float[x.length];
                long key = rnd.nextLong();
                long counter = rnd.nextInt(1000);
                scalar.dropout(x, a, s[0], s[1], key, counter, threshold, 1.25f);
                vector.dropout(x, b, s[0], s[1], key, counter, threshold, 1.25f);
                for (int i = 0; i < x.length; i++) {
                    assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]),
                            "dropout [" + i + "] of slice " + s[0] + ".." + s[1] + ", threshold " + threshold);
                }
            }
        }
    }

    @Test
    void eluWithinTwoUlpAcrossTheNegativeFloats() {
        // every 9973rd float from -0 down to -100, and the same for alpha 0.3
        int from = Float.floatToRawIntBits(-0f);
        int to = Float.floatToRawIntBits(-100f);
        int n = (to - from) / 9973 + 1;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = Float.intBitsToFloat(from + i * 9973);
        }
        for (float alpha : new float[] {1f, 0.3f}) {
            float[] a = x.clone();
            float[] b = x.clone();
            scalar.elu(a, 0, n, alpha);
            vector.elu(b, 0, n, alpha);
            for (int i = 0; i < n; i++) {
                assertEquals(a[i], b[i], 2 * Math.ulp(a[i]) + 1e-30f, "elu(" + x[i] + "), alpha " + alpha);
            }
        }
    }

    @Test
    void eluWithinTwoUlpAndDerivativeBitEqual() {
        Random rnd = new Random(2);
        for (float alpha : new float[] {1f, 0.3f}) {
            for (int[] s : SLICES) {
                float[] x = awkward(rnd, s[1] + 5);
                float[] a = x.clone();
                float[] b = x.clone();
                scalar.elu(a, s[0], s[1], alpha);
                vector.elu(b, s[0], s[1], alpha);
                for (int i = 0; i < x.length; i++) {
                    if (Float.isNaN(a[i]) || Float.isInfinite(a[i])) {
                        assertEquals(a[i], b[i], "elu(" + x[i] + ")");
                    } else {
                        assertEquals(a[i], b[i], 2 * Math.ulp(a[i]) + 1e-30f, "elu(" + x[i] + ")");
                    }
                }
                float[] g = awkward(rnd, x.length);
                float[] ga = g.clone();
                float[] gb = g.clone();
                scalar.eluBackward(a, ga, s[0], s[1], alpha);
                vector.eluBackward(a, gb, s[0], s[1], alpha);
                assertArrayEquals(ga, gb);
            }
        }
    }

    /** Every 9973rd float of both signs with magnitude up to {@code limit}, and the awkward values. */
    private static float[] sweep(float limit) {
        int top = Float.floatToRawIntBits(limit);
        int n = top / 9973 + 1;
        float[] x = new float[2 * n + 6];
        for (int i = 0; i < n; i++) {
            x[2 * i] = Float.intBitsToFloat(i * 9973);
            x[2 * i + 1] = -x[2 * i];
        }
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -0f, 1000f};
        System.arraycopy(special, 0, x, 2 * n, special.length);
        return x;
    }

    private static void assertWithinUlps(float expected, float actual, int ulps, float absolute, String what) {
        if (Float.isNaN(expected) || Float.isInfinite(expected)) {
            assertEquals(expected, actual, what);
        } else {
            assertEquals(expected, actual, ulps * Math.ulp(expected) + absolute, what);
        }
    }

    @Test
    void tanhWithinThreeUlpOfMathTanh() {
        float[] x = sweep(20f);
        float[] a = x.clone();
        float[] b = x.clone();
        scalar.tanh(a, 0, x.length);
        vector.tanh(b, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            assertWithinUlps(a[i], b[i], 3, 1e-30f, "tanh(" + x[i] + ")");
            // odd, and the sign of zero kept
            assertEquals(Float.floatToRawIntBits(x[i]) < 0, Float.floatToRawIntBits(b[i]) < 0, "sign of tanh(" + x[i] + ")");
        }
    }

    @Test
    void sigmoidWithinThreeUlpOfTheReference() {
        float[] x = sweep(120f);
        float[] a = x.clone();
        float[] b = x.clone();
        scalar.sigmoid(a, 0, x.length);
        vector.sigmoid(b, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            // the denormal results (x below -87) within a denormal step or two
            assertWithinUlps(a[i], b[i], 3, 2 * Float.MIN_VALUE, "sigmoid(" + x[i] + ")");
        }
    }

    @Test
    void polynomialActivationsDoNotDependOnHowTheArrayIsSliced() {
        // threads and fused layers cut tensors differently: each value's result must be the same bits
        Random rnd = new Random(8);
        float[] x = awkward(rnd, 1000);
        for (int f = 0; f < 3; f++) {
            float[] whole = x.clone();
            float[] sliced = x.clone();
            apply(f, whole, 0, whole.length);
            for (int from = 0; from < sliced.length; ) {
                int to = Math.min(sliced.length, from + 1 + rnd.nextInt(40));
                apply(f, sliced, from, to);
                from = to;
            }
            assertArrayEquals(whole, sliced, "function " + f);
        }
    }

    private void apply(int function, float[] a, int from, int to) {
        if (function == 0) {
            vector.tanh(a, from, to);
        } else if (function == 1) {
            vector.sigmoid(a, from, to);
        } else {
            vector.elu(a, from, to, 1f);
        }
    }

    @Test
    void tanhAndSigmoidDerivativesBitEqual() {
        Random rnd = new Random(3);
        for (int[] s : SLICES) {
            float[] y = awkward(rnd, s[1] + 3);
            float[] g = awkward(rnd, y.length);
            float[] ga = g.clone();
            float[] gb = g.clone();
            scalar.tanhBackward(y, ga, s[0], s[1]);
            vector.tanhBackward(y, gb, s[0], s[1]);
            assertArrayEquals(ga, gb);
            scalar.sigmoidBackward(y, ga, s[0], s[1]);
            vector.sigmoidBackward(y, gb, s[0], s[1]);
            assertArrayEquals(ga, gb);
        }
    }

    @Test
    void sumWithinRoundingBound() {
        Random rnd = new Random(3);
        for (int[] s : SLICES) {
            float[] x = new float[s[1] + 3];
            double abs = 0;
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            for (int i = s[0]; i < s[1]; i++) {
                abs += Math.abs(x[i]);
            }
            assertEquals(scalar.sum(x, s[0], s[1]), vector.sum(x, s[0], s[1]), 1e-6 * abs + 1e-30);
        }
        float[] nan = {1f, Float.NaN, 2f};
        assertTrue(Float.isNaN(vector.sum(nan, 0, 3)));
    }

    @Test
    void addToBitEqualAtAnyOffsets() {
        Random rnd = new Random(5);
        for (int[] s : SLICES) {
            int n = s[1] - s[0];
            float[] x = new float[s[1] + 7];
            float[] y = new float[s[1] + 11];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) rnd.nextGaussian();
            }
            float[] ya = y.clone();
            float[] yb = y.clone();
            scalar.addTo(x, s[0], ya, s[0] + 3, n);
            vector.addTo(x, s[0], yb, s[0] + 3, n);
            assertArrayEquals(ya, yb);
        }
    }

    @Test
    void maxPool2x2BitEqualWithTiesZerosAndNaN() {
        Random rnd = new Random(4);
        // widths of 0, 1 and 2 vector chunks (16 windows each at AVX-512, 8 at AVX2) plus a scalar tail
        int[][] sizes = {{2, 2}, {26, 26}, {11, 11}, {7, 10}, {32, 32}, {4, 64}, {6, 70}, {5, 33}};
        for (int trial = 0; trial < 2 * sizes.length; trial++) {
            int[] dims = sizes[trial / 2];
            boolean withNaN = trial % 2 == 0; // without: every chunk takes the vector path
            int inH = dims[0];
            int inW = dims[1];
            int outH = inH / 2;
            int outW = inW / 2;
            float[] x = awkward(rnd, 3 + inH * inW);
            for (int i = 0; i < x.length; i++) {
                if (!withNaN && !Float.isFinite(x[i])) { // inf - inf is NaN too: finite values only
                    x[i] = rnd.nextBoolean() ? 1f : -0f;
                }
                if (i % 3 == 0) {
                    x[i] = Math.max(x[i], 0f); // many ReLU-style zeros: ties
                }
            }
            float[] ya = new float[5 + outH * outW];
            float[] yb = ya.clone();
            int[] aa = new int[ya.length];
            int[] ab = new int[ya.length];
            scalar.maxPool2x2(x, 3, inH, inW, ya, aa, 5, outH, outW, 1);
            vector.maxPool2x2(x, 3, inH, inW, yb, ab, 5, outH, outW, 1);
            assertArrayEquals(ya, yb, "values, " + inH + "x" + inW + (withNaN ? " with NaN" : ""));
            assertArrayEquals(aa, ab, "argmax, " + inH + "x" + inW + (withNaN ? " with NaN" : ""));
            // without an argmax (inference): the same bits, -0.0 against 0.0 and NaN included
            float[] yc = new float[ya.length];
            float[] yd = new float[ya.length];
            scalar.maxPool2x2(x, 3, inH, inW, yc, null, 5, outH, outW, 1);
            vector.maxPool2x2(x, 3, inH, inW, yd, null, 5, outH, outW, 1);
            assertArrayEquals(ya, yc, "scalar values without argmax, " + inH + "x" + inW);
            assertArrayEquals(ya, yd, "vector values without argmax, " + inH + "x" + inW);
        }
    }

    @Test
    void pool2x2OverRunsOfPlanesWritesOnlyTheirOutputs() {
        Random rnd = new Random(5);
        // odd and even sides, planes narrower and wider than a vector, runs of 1 to 7 planes placed
        // inside larger arrays: sentinels before and after the output run must survive; max pooling,
        // then average pooling and its gradient (bit for bit, -0 included)
        int[][] sizes = {{26, 26}, {28, 28}, {11, 11}, {8, 8}, {16, 16}, {32, 32}, {9, 34}, {4, 4}, {2, 3}, {5, 70}};
        for (int[] dims : sizes) {
            for (int planes : new int[] {1, 2, 7}) {
                int inH = dims[0];
                int inW = dims[1];
                int outH = inH / 2;
                int outW = inW / 2;
                int xBase = 1 + rnd.nextInt(20);
                int yBase = 1 + rnd.nextInt(20);
                int xTail = rnd.nextInt(40);
                float[] x = awkward(rnd, xBase + planes * inH * inW + xTail);
                for (int i = 0; i < x.length; i++) {
                    if (!Float.isFinite(x[i]) && rnd.nextInt(50) > 0) {
                        x[i] = rnd.nextBoolean() ? 1f : -0f; // a few NaN and inf: most half-rows vector
                    }
                    if (i % 3 == 0) {
                        x[i] = Math.max(x[i], 0f);
                    }
                }
                int outputs = planes * outH * outW;
                float[] ya = new float[yBase + outputs + 30];
                Arrays.fill(ya, 42f);
                float[] yb = ya.clone();
                int[] aa = new int[ya.length];
                Arrays.fill(aa, -7);
                int[] ab = aa.clone();
                scalar.maxPool2x2(x, xBase, inH, inW, ya, aa, yBase, outH, outW, planes);
                vector.maxPool2x2(x, xBase, inH, inW, yb, ab, yBase, outH, outW, planes);
                String what = planes + " planes " + inH + "x" + inW;
                assertArrayEquals(ya, yb, "values, " + what);
                assertArrayEquals(aa, ab, "argmax, " + what);
                for (int i = 0; i < ya.length; i++) {
                    if (i < yBase || i >= yBase + outputs) {
                        assertEquals(42f, yb[i], "value outside the output planes at " + i + ", " + what);
                        assertEquals(-7, ab[i], "argmax outside the output planes at " + i + ", " + what);
                    }
                }
                float[] yc = new float[ya.length];
                Arrays.fill(yc, 42f);
                vector.maxPool2x2(x, xBase, inH, inW, yc, null, yBase, outH, outW, planes);
                assertArrayEquals(ya, yc, "values without argmax, " + what);
                Arrays.fill(ya, 42f);
                Arrays.fill(yb, 42f);
                scalar.avgPool2x2(x, xBase, inH, inW, ya, yBase, outH, outW, planes);
                vector.avgPool2x2(x, xBase, inH, inW, yb, yBase, outH, outW, planes);
                assertArrayEquals(ya, yb, "averages, " + what);
                float[] dy = awkward(rnd, ya.length);
                float[] dxa = new float[x.length];
                Arrays.fill(dxa, 42f);
                float[] dxb = dxa.clone();
                scalar.avgPool2x2Backward(dy, yBase, outH, outW, dxa, xBase, inH, inW, planes);
                vector.avgPool2x2Backward(dy, yBase, outH, outW, dxb, xBase, inH, inW, planes);
                assertArrayEquals(dxa, dxb, "average's gradient, " + what);
                assertEquals(42f, dxb[xBase - 1], "before the input planes, " + what);
            }
        }
    }
}
