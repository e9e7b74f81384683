package io.convspark.kernels.layers.conv;

import io.convspark.kernels.layers.ConvGeometry;

/**
 * A sample's input planes zero-padded as a convolution's geometry pads them ({@code hp x wp} per
 * channel), laid out so that a window element's input is at a fixed offset from its output
 * position's: {@code off[q] = c hp wp + i dh wp + j dw} for {@code q = (c, i, j)}, the kernel's
 * {@code [C, kh, kw]} order. The direct convolutions read their inputs this way.
 */
final class PaddedInput {
    private final ConvGeometry g;
    private final int channels;
    /** Padded plane: hp rows of wp. */
    final int hp;
    final int wp;

    PaddedInput(ConvGeometry g, int channels) {
        this.g = g;
        this.channels = channels;
        this.hp = g.inH() + g.padTop() + g.padBottom();
        this.wp = g.inW() + g.padLeft() + g.padRight();
    }

    /** True if the geometry pads at all (otherwise x can be read where it lies). */
    boolean padded() {
        return hp != g.inH() || wp != g.inW();
    }

    /** Floats of one sample's padded planes. */
    int size() {
        return channels * hp * wp;
    }

    /** {@code off[q]} for the {@code C*kh*kw} window elements, then zeros up to a multiple of {@code multiple}. */
    int[] offsets(int multiple) {
        int kh = g.kernelH();
        int kw = g.kernelW();
        int k = channels * kh * kw;
        int[] off = new int[(k + multiple - 1) / multiple * multiple];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    off[(c * kh + i) * kw + j] = c * hp * wp + i * g.dilationH() * wp + j * g.dilationW();
                }
            }
        }
        return off;
    }

    /** Lays sample {@code n} of x into {@code dst}'s padded planes (the border, written by nobody, stays zero). */
    void copy(float[] x, int n, float[] dst) {
        if (!padded()) {
            System.arraycopy(x, n * size(), dst, 0, size());
            return;
        }
        int inH = g.inH();
        int inW = g.inW();
        for (int c = 0; c < channels; c++) {
            for (int r = 0; r < inH; r++) {
                System.arraycopy(x, ((n * channels + c) * inH + r) * inW, dst, (c * hp + r + g.padTop()) * wp
                        + g.padLeft(), inW);
            }
        }
    }
}
