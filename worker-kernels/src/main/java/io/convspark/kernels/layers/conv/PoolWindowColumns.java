package io.convspark.kernels.layers.conv;

import io.convspark.kernels.layers.ConvGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * im2col with the output positions grouped by their place in the pooling windows that follow the
 * convolution ({@link PooledShortReductionConvolution}). For windows of {@code ph x pw}, stride equal to
 * the window, over the convolution's output, and pooled planes of {@code PH x PW}:
 * <pre>
 *   col[(c kh + i) kw + j, q slice + py PW + px] = x[c, oh sh - padTop + i dh, ow sw - padLeft + j dw]
 *       where q = a pw + b is the place in the window, oh = py ph + a and ow = px pw + b
 * </pre>
 * zero where the window reads padding and in the columns {@code [PH PW, slice)} of every place. The
 * product {@code W x col} then holds one slice per place, and max pooling is an element-wise maximum
 * over the {@code ph pw} slices. Positions past the last whole window are not lowered: 'valid' pooling
 * never reads them, so nothing downstream depends on them and their gradient is zero.
 *
 * <p>Moving the data: consecutive {@code px} read x with a stride of {@code S = pw sw}. So each row of
 * the sample is first dealt into its S phases ({@code phases[c, ih, t mod S, t / S] = x[c, ih, t - padLeft]},
 * zero in the padding), after which every (row of col, place, py) is one contiguous run of PW floats of
 * one phase, copied a vector at a time. A vector may run past its run's end into columns written later
 * (or into a place's padding columns, zeroed after its runs); never into the ones row after the K rows.
 */
final class PoolWindowColumns {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private final ConvGeometry g;
    private final int channels;
    private final int ph;
    private final int pw;
    private final int pooledH;
    private final int pooledW;
    private final int slice;
    private final int ld;
    /** S: the stride between consecutive px along an input row. */
    private final int phaseCount;
    /** Floats per phase row; every run read from {@link #shift} on, a vector at a time, stays inside. */
    private final int phaseLength;
    /** Per kernel column j and window column b (index {@code j pw + b}): the phase the run reads, and where in it the run starts. */
    private final int[] phase;
    private final int[] shift;
    /** Rows dealt into their 2 phases by vectors ({@link #dealInPairs}). */
    private final boolean pairedRows;

    /**
     * @param slice columns per place in the window: at least {@code PH PW}
     * @param ld    row stride of col: at least {@code ph pw slice}
     */
    PoolWindowColumns(ConvGeometry g, int channels, int ph, int pw, int slice, int ld) {
        this.g = g;
        this.channels = channels;
        this.ph = ph;
        this.pw = pw;
        this.pooledH = g.outH() / ph;
        this.pooledW = g.outW() / pw;
        this.slice = slice;
        this.ld = ld;
        this.phaseCount = pw * g.strideW();
        this.phase = new int[g.kernelW() * pw];
        this.shift = new int[g.kernelW() * pw];
        int longestShift = 0;
        for (int j = 0; j < g.kernelW(); j++) {
            for (int b = 0; b < pw; b++) {
                // ow sw + j dw in the padded row, for ow = px pw + b: px S + (b sw + j dw)
                int offset = b * g.strideW() + j * g.dilationW();
                phase[j * pw + b] = offset % phaseCount;
                shift[j * pw + b] = offset / phaseCount;
                longestShift = Math.max(longestShift, offset / phaseCount);
            }
        }
        int runs = (pooledW + L - 1) / L * L;
        int rowPhases = (g.padLeft() + g.inW() + phaseCount - 1) / phaseCount;
        // two phases and no padding (stride 1, 'valid'): rows are dealt a vector at a time, and the
        // last vector's cells past the row land in phase entries no window reads
        this.pairedRows = phaseCount == 2 && g.padLeft() == 0 && g.padRight() == 0 && L >= 4;
        int dealt = pairedRows ? (g.inW() - 1) / L * L / 2 + L : 0;
        this.phaseLength = Math.max(Math.max(longestShift + runs, rowPhases), dealt);
    }

    /** Floats of the phase buffer {@link #lower} takes (zeroed before first use, then reused). */
    int phaseBufferSize() {
        return channels * g.inH() * phaseCount * phaseLength + L;
    }

    /**
     * Writes the first {@code k = C kh kw} rows of col (from {@code col[colOff]}) for the sample at
     * {@code x[xOff ..]} (col's later rows are left as they are).
     */
    void lower(float[] x, int xOff, float[] phases, float[] col, int colOff) {
        int inH = g.inH();
        int inW = g.inW();
        int padLeft = g.padLeft();
        for (int row = 0; row < channels * inH; row++) {
            if (pairedRows) {
                dealInPairs(x, xOff + row * inW, inW, phases, row * 2 * phaseLength, phaseLength);
                continue;
            }
            int src = xOff + row * inW - padLeft;
            for (int p = 0; p < phaseCount; p++) {
                // the row's cells t = padLeft + iw with t mod S = p, at u = t / S of phase p
                int t = padLeft + Math.floorMod(p - padLeft, phaseCount);
                int dst = (row * phaseCount + p) * phaseLength + t / phaseCount;
                for (; t < padLeft + inW; t += phaseCount, dst++) {
                    phases[dst] = x[src + t];
                }
            }
        }
        int kh = g.kernelH();
        int kw = g.kernelW();
        int pooled = pooledH * pooledW;
        int limit = colOff + channels * kh * kw * ld;
        int rowStride = phaseCount * phaseLength;
        int pyStride = ph * g.strideH();
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    // rows of col in order: a vector past a run's end lands where a later run goes
                    int r = (c * kh + i) * kw + j;
                    for (int a = 0; a < ph; a++) {
                        // input row of py: ih0 + py * pyStride; the py reading padding get zeros
                        int ih0 = a * g.strideH() - g.padTop() + i * g.dilationH();
                        int pyStart = Math.min(pooledH, ih0 >= 0 ? 0 : (-ih0 + pyStride - 1) / pyStride);
                        int pyEnd = Math.max(pyStart,
                                Math.min(pooledH, inH - ih0 <= 0 ? 0 : (inH - ih0 + pyStride - 1) / pyStride));
                        for (int b = 0; b < pw; b++) {
                            int place = colOff + r * ld + (a * pw + b) * slice;
                            if (pyStart > 0) {
                                Arrays.fill(col, place, place + pyStart * pooledW, 0f);
                            }
                            int src = (c * inH + ih0 + pyStart * pyStride) * rowStride
                                    + phase[j * pw + b] * phaseLength + shift[j * pw + b];
                            int dst = place + pyStart * pooledW;
                            for (int py = pyStart; py < pyEnd; py++, src += pyStride * rowStride, dst += pooledW) {
                                if (pooledW <= L && dst + L <= limit) {
                                    FloatVector.fromArray(S, phases, src).intoArray(col, dst);
                                } else {
                                    copyRun(phases, src, col, dst, pooledW, limit);
                                }
                            }
                            // the rows reading padding at the bottom, and the columns past the place's positions
                            for (int t = place + pyEnd * pooledW; t < place + slice; t++) {
                                col[t] = 0f;
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Phases 0 and 1 of a row of {@code n} cells without padding: {@code even[u] = x[2u]} and
     * {@code odd[u] = x[2u + 1]}, a vector at a time: the even floats of a vector are the low halves
     * of its longs, which a long-to-int conversion packs into the lower half (no shuffle); the upper
     * half, zeros, is stored too and overwritten by the next vector. The last vectors read past the
     * row, into phase entries that no window reads ({@link #phaseLength} leaves room for them, and
     * the buffer for the last row's).
     */
    private static void dealInPairs(float[] x, int src, int n, float[] phases, int even, int length) {
        int t = 0;
        for (; t < n && src + t + 1 + L <= x.length; t += L) {
            evenLanes(FloatVector.fromArray(S, x, src + t)).intoArray(phases, even + t / 2);
            evenLanes(FloatVector.fromArray(S, x, src + t + 1)).intoArray(phases, even + length + t / 2);
        }
        for (; t < n; t++) {
            phases[even + (t & 1) * length + t / 2] = x[src + t];
        }
    }

    /** The even float lanes of {@code v}, packed into a vector of half its length. */
    private static FloatVector evenLanes(FloatVector v) {
        return (FloatVector) v.reinterpretAsLongs().convert(VectorOperators.L2I, 0).reinterpretAsFloats();
    }

    /** {@code dst[d ..] = src[s ..]} for {@code n} floats, whole vectors except where one would reach {@code limit}. */
    private static void copyRun(float[] src, int s, float[] dst, int d, int n, int limit) {
        int t = 0;
        for (; t < n && d + t + L <= limit; t += L) {
            FloatVector.fromArray(S, src, s + t).intoArray(dst, d + t);
        }
        for (; t < n; t++) {
            dst[d + t] = src[s + t];
        }
    }
}
