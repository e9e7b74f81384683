package io.convspark.kernels.layers.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.kernels.layers.ConvGeometry;
import io.convspark.kernels.layers.Padding;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The span path of im2col/col2im (stride-1 convolutions that keep the width) against the row path
 * and against the definition, with a column stride wider than one sample (grouped GEMMs) and data
 * around the sample that must stay untouched.
 */
class Im2ColTest {

    static Stream<Arguments> geometries() {
        return Stream.of(
                // h, w, kh, kw, sh, sw, dh, dw, padding, channels
                Arguments.of(32, 32, 3, 3, 1, 1, 1, 1, Padding.SAME, 3),
                Arguments.of(8, 8, 3, 3, 1, 1, 1, 1, Padding.SAME, 5),
                Arguments.of(7, 9, 5, 5, 1, 1, 1, 1, Padding.SAME, 2),
                Arguments.of(9, 7, 3, 3, 1, 1, 2, 2, Padding.SAME, 2),
                Arguments.of(6, 6, 2, 2, 1, 1, 1, 1, Padding.SAME, 2),
                Arguments.of(5, 6, 1, 3, 1, 1, 1, 1, Padding.SAME, 3),
                Arguments.of(6, 5, 4, 1, 1, 1, 1, 1, Padding.SAME, 3),
                Arguments.of(3, 3, 7, 7, 1, 1, 1, 1, Padding.SAME, 2),
                Arguments.of(1, 6, 3, 3, 1, 1, 1, 1, Padding.SAME, 2),
                // the row path only
                Arguments.of(13, 13, 3, 3, 1, 1, 1, 1, Padding.VALID, 4),
                Arguments.of(12, 12, 3, 3, 2, 2, 1, 1, Padding.SAME, 2),
                Arguments.of(9, 9, 3, 3, 1, 2, 1, 1, Padding.SAME, 2));
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void spansEqualRowsAndTheDefinition(int h, int w, int kh, int kw, int sh, int sw, int dh, int dw, Padding padding,
                                        int channels) {
        ConvGeometry g = ConvGeometry.of("test", h, w, kh, kw, sh, sw, dh, dw, padding);
        assertEquals(sw == 1 && sh * w == g.outW(), Im2Col.rowsAreContiguous(g));
        Random rnd = new Random(h * 31 + w * 7 + kh);
        int plane = g.outPlane();
        int rows = channels * kh * kw;
        int group = 3;
        int ld = group * plane;
        int sample = 1;
        float[] x = new float[(group + 1) * channels * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat() - 0.5f;
        }
        int xOff = sample * channels * h * w;

        float[] spans = filled(rows * ld, 7f);
        float[] byRows = filled(rows * ld, 7f);
        float[] viaApi = filled(rows * ld, 7f);
        if (Im2Col.rowsAreContiguous(g)) {
            Im2Col.im2colSpans(x, xOff, channels, g, spans, sample * plane, ld);
        } else {
            Im2Col.im2colRows(x, xOff, channels, g, spans, sample * plane, ld);
        }
        Im2Col.im2colRows(x, xOff, channels, g, byRows, sample * plane, ld);
        Im2Col.im2col(x, xOff, channels, g, viaApi, sample * plane, ld);
        assertArrayEquals(byRows, spans);
        assertArrayEquals(byRows, viaApi);
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int r = (c * kh + i) * kw + j;
                    for (int oh = 0; oh < g.outH(); oh++) {
                        for (int ow = 0; ow < g.outW(); ow++) {
                            int ih = g.inputRow(oh, i);
                            int iw = g.inputCol(ow, j);
                            float want = ih < 0 || ih >= h || iw < 0 || iw >= w ? 0f
                                    : x[xOff + (c * h + ih) * w + iw];
                            assertEquals(want, spans[r * ld + sample * plane + oh * g.outW() + ow],
                                    "col[" + r + ", " + oh + ", " + ow + "]");
                        }
                    }
                    // the other samples' columns are untouched
                    for (int t = 0; t < ld; t++) {
                        if (t < sample * plane || t >= (sample + 1) * plane) {
                            assertEquals(7f, spans[r * ld + t]);
                        }
                    }
                }
            }
        }

        // col2im: the adjoint, equal on both paths (the span path may zero padding reads in col)
        float[] col = new float[rows * ld];
        for (int i = 0; i < col.length; i++) {
            col[i] = rnd.nextFloat() - 0.5f;
        }
        float[] dxRows = filled(x.length, 3f);
        float[] dxApi = filled(x.length, 3f);
        Im2Col.col2imRows(col.clone(), sample * plane, channels, g, dxRows, xOff, ld);
        Im2Col.col2im(col.clone(), sample * plane, channels, g, dxApi, xOff, ld);
        assertArrayEquals(dxRows, dxApi, 1e-6f);
        for (int i = 0; i < x.length; i++) {
            if (i < xOff || i >= xOff + channels * h * w) {
                assertEquals(3f, dxApi[i], "outside the sample, dx[" + i + "]");
            }
        }
        // <im2col(x), col> == <x, col2im(col)> over the sample
        double left = 0;
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < plane; t++) {
                left += (double) byRows[r * ld + sample * plane + t] * col[r * ld + sample * plane + t];
            }
        }
        double right = 0;
        for (int i = 0; i < channels * h * w; i++) {
            right += (double) x[xOff + i] * dxApi[xOff + i];
        }
        assertEquals(left, right, 1e-4 * Math.max(1, Math.abs(left)));
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void onlyWidthKeepingStrideOneConvolutionsTakeSpans(int h, int w, int kh, int kw, int sh, int sw, int dh, int dw,
                                                        Padding padding, int channels) {
        ConvGeometry g = ConvGeometry.of("test", h, w, kh, kw, sh, sw, dh, dw, padding);
        if (padding == Padding.SAME && sh == 1 && sw == 1) {
            assertTrue(Im2Col.rowsAreContiguous(g));
        } else {
            assertFalse(Im2Col.rowsAreContiguous(g));
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }
}
