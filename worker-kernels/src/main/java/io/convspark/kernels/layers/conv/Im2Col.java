package io.convspark.kernels.layers.conv;

import io.convspark.kernels.compute.ElementwiseKernels;
import io.convspark.kernels.layers.ConvGeometry;
import java.util.Arrays;

/**
 * Lowers a convolution to a matrix product. For one sample {@code x[C, H, W]} the column matrix is
 * <pre>
 *   col[(c * kh + i) * kw + j, oh * outW + ow] = x[c, oh * sh - padTop + i * dh, ow * sw - padLeft + j * dw]
 * </pre>
 * (zero where the window reads padding), a {@code [C*kh*kw, outH*outW]} row-major matrix, so that
 * {@code out[F, outH*outW] = W[F, C*kh*kw] x col}. {@link #col2im} is the adjoint: it scatters a
 * column matrix back onto the image, summing the entries that read the same input element.
 *
 * <p>Two ways to move the data, held equal by tests: by output rows (any geometry: one copy per
 * output row, kernel position and channel) and by spans, for stride-1 convolutions that keep the
 * width ("same" padding, 3x3 on CIFAR-sized planes): there consecutive output rows read consecutive
 * input rows, so each (channel, kernel position) is one copy of the whole plane, after which the few
 * entries that wrapped around a row end (they read padding) are zeroed. For 32x32 planes that is one
 * copy instead of 32.
 */
public final class Im2Col {
    private Im2Col() {
    }

    /** Floats in the column matrix of one sample: {@code C * kh * kw * outH * outW}. */
    public static long columnSize(ConvGeometry g, int channels) {
        return (long) channels * g.kernelSize() * g.outPlane();
    }

    /** Writes the column matrix of the sample at {@code x[xOff ..]} to {@code col[colOff ..]}. */
    public static void im2col(float[] x, int xOff, int channels, ConvGeometry g, float[] col, int colOff) {
        im2col(x, xOff, channels, g, col, colOff, g.outPlane());
    }

    /**
     * Like {@link #im2col(float[], int, int, ConvGeometry, float[], int)}, with row {@code r} of the
     * column matrix at {@code col[colOff + r * ld ..]}: {@code ld = G * outH * outW} puts the column
     * matrices of G samples side by side, {@code [C*kh*kw, G*outH*outW]}, for one wider GEMM.
     */
    public static void im2col(float[] x, int xOff, int channels, ConvGeometry g, float[] col, int colOff, int ld) {
        if (rowsAreContiguous(g)) {
            im2colSpans(x, xOff, channels, g, col, colOff, ld);
        } else {
            im2colRows(x, xOff, channels, g, col, colOff, ld);
        }
    }

    /**
     * True if output row {@code oh+1} reads input row {@code ih+1} wherever row {@code oh} reads
     * {@code ih}, with unit stride along rows: the source and the column matrix then advance alike.
     */
    static boolean rowsAreContiguous(ConvGeometry g) {
        return g.strideW() == 1 && g.strideH() * g.inW() == g.outW();
    }

    /** {@link #im2col} one output row at a time (any geometry). */
    static void im2colRows(float[] x, int xOff, int channels, ConvGeometry g, float[] col, int colOff, int ld) {
        int kh = g.kernelH();
        int kw = g.kernelW();
        int inW = g.inW();
        int outW = g.outW();
        int plane = g.outPlane();
        int sw = g.strideW();
        for (int c = 0; c < channels; c++) {
            int xc = xOff + c * g.inPlane();
            for (int i = 0; i < kh; i++) {
                int ohStart = g.rowStart(i);
                int ohEnd = g.rowEnd(i);
                for (int j = 0; j < kw; j++) {
                    int row = colOff + ((c * kh + i) * kw + j) * ld;
                    int owStart = g.colStart(j);
                    int owEnd = g.colEnd(j);
                    // Output rows whose kernel row i falls into the top/bottom padding read zeros.
                    Arrays.fill(col, row, row + ohStart * outW, 0f);
                    Arrays.fill(col, row + ohEnd * outW, row + plane, 0f);
                    for (int oh = ohStart; oh < ohEnd; oh++) {
                        int dst = row + oh * outW;
                        Arrays.fill(col, dst, dst + owStart, 0f);
                        Arrays.fill(col, dst + owEnd, dst + outW, 0f);
                        if (owEnd == owStart) {
                            continue;
                        }
                        // x index of (ih, iw(ow)) is src + ow * sw.
                        int src = xc + g.inputRow(oh, i) * inW + g.inputCol(0, j);
                        if (sw == 1) {
                            System.arraycopy(x, src + owStart, col, dst + owStart, owEnd - owStart);
                        } else {
                            for (int ow = owStart; ow < owEnd; ow++) {
                                col[dst + ow] = x[src + ow * sw];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Overwrites the sample {@code dx[dxOff ..]} with the adjoint of {@link #im2col}:
     * {@code dx[c, ih, iw] = sum of col entries that im2col copied from (c, ih, iw)}.
     */
    public static void col2im(float[] col, int colOff, int channels, ConvGeometry g, float[] dx, int dxOff) {
        col2im(col, colOff, channels, g, dx, dxOff, g.outPlane());
    }

    /**
     * {@link #col2im(float[], int, int, ConvGeometry, float[], int)} of a column matrix with row stride
     * {@code ld}. The column entries that read padding are discarded, and may be zeroed in passing.
     */
    public static void col2im(float[] col, int colOff, int channels, ConvGeometry g, float[] dx, int dxOff, int ld) {
        if (rowsAreContiguous(g)) {
            col2imSpans(col, colOff, channels, g, dx, dxOff, ld);
        } else {
            col2imRows(col, colOff, channels, g, dx, dxOff, ld);
        }
    }

    /** {@link #col2im} one output row at a time (any geometry; leaves {@code col} as it is). */
    static void col2imRows(float[] col, int colOff, int channels, ConvGeometry g, float[] dx, int dxOff, int ld) {
        int kh = g.kernelH();
        int kw = g.kernelW();
        int inW = g.inW();
        int outW = g.outW();
        int sw = g.strideW();
        Arrays.fill(dx, dxOff, dxOff + channels * g.inPlane(), 0f);
        for (int c = 0; c < channels; c++) {
            int xc = dxOff + c * g.inPlane();
            for (int i = 0; i < kh; i++) {
                int ohStart = g.rowStart(i);
                int ohEnd = g.rowEnd(i);
                for (int j = 0; j < kw; j++) {
                    int row = colOff + ((c * kh + i) * kw + j) * ld;
                    int owStart = g.colStart(j);
                    int owEnd = g.colEnd(j);
                    if (owEnd == owStart) {
                        continue;
                    }
                    for (int oh = ohStart; oh < ohEnd; oh++) {
                        int src = row + oh * outW;
                        int dst = xc + g.inputRow(oh, i) * inW + g.inputCol(0, j);
                        if (sw == 1) {
                            for (int ow = owStart; ow < owEnd; ow++) {
                                dx[dst + ow] += col[src + ow];
                            }
                        } else {
                            for (int ow = owStart; ow < owEnd; ow++) {
                                dx[dst + ow * sw] += col[src + ow];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link #im2col} by spans (needs {@link #rowsAreContiguous}): for each (c, i, j) the valid output
     * rows {@code [ohStart, ohEnd)} read one contiguous run of x, copied at once; then the entries
     * outside {@code [owStart, owEnd)} of each row, which the run filled from the neighbouring input
     * row, and the rows outside {@code [ohStart, ohEnd)}, are set to zero (they read padding).
     */
    static void im2colSpans(float[] x, int xOff, int channels, ConvGeometry g, float[] col, int colOff, int ld) {
        int kh = g.kernelH();
        int kw = g.kernelW();
        int inW = g.inW();
        int outW = g.outW();
        int plane = g.outPlane();
        for (int c = 0; c < channels; c++) {
            int xc = xOff + c * g.inPlane();
            for (int i = 0; i < kh; i++) {
                int ohStart = g.rowStart(i);
                int ohEnd = g.rowEnd(i);
                for (int j = 0; j < kw; j++) {
                    int row = colOff + ((c * kh + i) * kw + j) * ld;
                    int owStart = g.colStart(j);
                    int owEnd = g.colEnd(j);
                    if (ohStart == ohEnd || owStart == owEnd) {
                        Arrays.fill(col, row, row + plane, 0f);
                        continue;
                    }
                    int first = ohStart * outW + owStart;
                    int last = (ohEnd - 1) * outW + owEnd;
                    // col[row + t] = x[src + t] for t in [first, last): one run of consecutive input rows
                    int src = xc + g.inputRow(ohStart, i) * inW + g.inputCol(0, j) - ohStart * outW;
                    System.arraycopy(x, src + first, col, row + first, last - first);
                    Arrays.fill(col, row, row + first, 0f);
                    Arrays.fill(col, row + last, row + plane, 0f);
                    zeroRowWraps(col, row, outW, ohStart, ohEnd, owStart, owEnd);
                }
            }
        }
    }

    /** {@link #col2im} by spans (needs {@link #rowsAreContiguous}); zeroes the wrapped entries of col first. */
    static void col2imSpans(float[] col, int colOff, int channels, ConvGeometry g, float[] dx, int dxOff, int ld) {
        ElementwiseKernels adds = ElementwiseKernels.get();
        int kh = g.kernelH();
        int kw = g.kernelW();
        int inW = g.inW();
        int outW = g.outW();
        Arrays.fill(dx, dxOff, dxOff + channels * g.inPlane(), 0f);
        for (int c = 0; c < channels; c++) {
            int xc = dxOff + c * g.inPlane();
            for (int i = 0; i < kh; i++) {
                int ohStart = g.rowStart(i);
                int ohEnd = g.rowEnd(i);
                for (int j = 0; j < kw; j++) {
                    int owStart = g.colStart(j);
                    int owEnd = g.colEnd(j);
                    if (ohStart == ohEnd || owStart == owEnd) {
                        continue;
                    }
                    int row = colOff + ((c * kh + i) * kw + j) * ld;
                    int first = ohStart * outW + owStart;
                    int last = (ohEnd - 1) * outW + owEnd;
                    int dst = xc + g.inputRow(ohStart, i) * inW + g.inputCol(0, j) - ohStart * outW;
                    // the wrapped entries hold gradients of padding reads: zero them so the run adds nothing there
                    zeroRowWraps(col, row, outW, ohStart, ohEnd, owStart, owEnd);
                    // dx[dst + t] += col[row + t] for t in [first, last)
                    adds.addTo(col, row + first, dx, dst + first, last - first);
                }
            }
        }
    }

    /** Zeroes {@code col[row + oh*outW + ow]} for ow outside [owStart, owEnd), between rows ohStart and ohEnd-1. */
    private static void zeroRowWraps(float[] col, int row, int outW, int ohStart, int ohEnd, int owStart, int owEnd) {
        if (owStart == 0 && owEnd == outW) {
            return;
        }
        // a gap of a few entries per row (one for 3x3): plain stores, not a fill call each
        for (int oh = ohStart; oh < ohEnd - 1; oh++) {
            for (int t = row + oh * outW + owEnd, end = row + (oh + 1) * outW + owStart; t < end; t++) {
                col[t] = 0f;
            }
        }
    }
}
