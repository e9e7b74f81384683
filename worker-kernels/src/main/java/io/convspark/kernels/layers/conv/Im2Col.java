package io.convspark.kernels.layers.conv;

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

    /** {@link #col2im(float[], int, int, ConvGeometry, float[], int)} of a column matrix with row stride {@code ld}. */
    public static void col2im(float[] col, int colOff, int channels, ConvGeometry g, float[] dx, int dxOff, int ld) {
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
}
