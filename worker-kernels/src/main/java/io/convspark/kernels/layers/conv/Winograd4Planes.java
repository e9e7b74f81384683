package io.convspark.kernels.layers.conv;

import io.convspark.kernels.layers.ConvGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * F(4x4, 3x3) for all tiles of one plane at once with the Vector API, one lane per tile (the
 * matrices are in {@link Winograd4Transforms}). Tile {@code u = ty*TW + tx} covers outputs
 * {@code (4ty.., 4tx..)} and the padded inputs {@code xp[4ty + i][4tx + j]}, i, j = 0..5. Tiles
 * overlap with a stride of 4, so lane-contiguous loads come from a 4x4 space-to-depth split of the
 * padded plane, made once per plane with plain loops:
 * <pre>
 *   P[a, b, s][ty', tx'] = xp[4ty' + a][4(tx' + s) + b]      a, b in 0..3; s = 1 only for b < 2
 *   d_ij(u)              = P[i&3, j&3, j>>2][u + (i>>2)*TW]  a contiguous run of lanes for any (i, j)
 * </pre>
 * Outputs go the other way: a lane's 4x4 block is stored as 16 lane-contiguous arrays, then spread
 * into the plane. As in {@link WinogradPlanes} (the same layout for F(2x2, 3x3)), a plane of
 * {@code T >= L} tiles is covered by {@code ceil(T / L)} vectors, the last one shifted back to end
 * at {@code T} and masked where results are accumulated; split-array positions in the padding are
 * never written and stay zero. Each 2-D transform is its 1-D map on the tiles' rows, then on their
 * columns, every pass one small method without vector arguments (C2 boxes the vectors of a method
 * past its inlining budget).
 */
final class Winograd4Planes implements WinogradTiling {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int SPLITS = 24;   // 16 arrays with s = 0, 8 with s = 1

    private final ConvGeometry g;
    private final int tileCols;
    private final int tiles;
    private final int split;          // floats in one split array: (TH + 1) * TW
    private final int inputSplit;     // workspace offsets: 24 input split arrays
    private final int gradientSplit;  //   24 input-gradient split arrays
    private final int blocks;         //   16 arrays of one 4x4 output element per tile
    private final int gradientBlocks; //   16 arrays of one 4x4 output-gradient element per tile (0 past the edge)
    private final int rows;           //   36 vectors: one chunk's tiles transformed along rows
    private final TileVectors vectors; // the vectors covering a plane's tiles
    private final int[] columnTo;     // [a][padded column][s]: offset of its split array + q (from the split row), or -1

    Winograd4Planes(ConvGeometry g) {
        this.g = g;
        int tileRows = (g.outH() + 3) / 4;
        this.tileCols = (g.outW() + 3) / 4;
        this.tiles = tileRows * tileCols;
        if (!TileVectors.suits(tiles)) {
            throw new IllegalArgumentException("Winograd F(4x4, 3x3) planes need at least " + L + " tiles a plane (one "
                    + "vector), got " + tiles + " for " + g);
        }
        this.split = (tileRows + 1) * tileCols;
        this.inputSplit = 0;
        this.gradientSplit = SPLITS * split;
        this.blocks = 2 * SPLITS * split;
        this.gradientBlocks = blocks + 16 * tiles;
        this.rows = gradientBlocks + 16 * tiles;
        int columns = 4 * (tileCols + 1);
        this.columnTo = new int[4 * columns * 2];
        for (int a = 0; a < 4; a++) {
            for (int c = 0; c < columns; c++) {
                int b = c & 3;
                int q = c >> 2;
                columnTo[(a * columns + c) * 2] = q < tileCols ? splitIndex(a, b, 0) * split + q : -1;
                columnTo[(a * columns + c) * 2 + 1] = b < 2 && q >= 1 ? splitIndex(a, b, 1) * split + q - 1 : -1;
            }
        }
        this.vectors = new TileVectors(tiles);
    }

    /** Tiles of a plane of {@code g}'s outputs. */
    static int tiles(ConvGeometry g) {
        return ((g.outH() + 3) / 4) * ((g.outW() + 3) / 4);
    }

    @Override
    public WinogradScheme scheme() {
        return WinogradScheme.F4X4;
    }

    @Override
    public int workspaceSize() {
        return 2 * SPLITS * split + 32 * tiles + 36 * L;
    }

    /** Which of the 24 split arrays holds {@code xp[4ty' + a][4(tx' + s) + b]}. */
    private static int splitIndex(int a, int b, int s) {
        return s == 0 ? 4 * a + b : 16 + 2 * a + b;
    }

    /** Offset of split array (a, b, s) at lane {@code lane} of the split area from {@code area}. */
    private int splitAt(int area, int a, int b, int s, int lane) {
        return area + splitIndex(a, b, s) * split + lane;
    }

    // ------------------------------------------------------------------ forward

    @Override
    public void input(float[] x, int xOff, float[] v, int vOff, int vStride, float[] ws) {
        splitInput(x, xOff, ws);
        for (int u = 0; u < tiles; u += L) {
            int c = vectors.start(u);
            for (int i = 0; i < 6; i++) {
                // rows: h_i = d_i B, the six inputs of tile row i from the split arrays
                int lane = c + (i >> 2) * tileCols;
                int a = i & 3;
                inputTransform(ws, splitAt(inputSplit, a, 0, 0, lane), splitAt(inputSplit, a, 1, 0, lane),
                        splitAt(inputSplit, a, 2, 0, lane), splitAt(inputSplit, a, 3, 0, lane),
                        splitAt(inputSplit, a, 0, 1, lane), splitAt(inputSplit, a, 1, 1, lane), ws, rows + 6 * i * L, L);
            }
            for (int k = 0; k < 6; k++) {
                // columns: V_.k = Bᵀ h_.k
                int h = rows + k * L;
                inputTransform(ws, h, h + 6 * L, h + 12 * L, h + 18 * L, h + 24 * L, h + 30 * L,
                        v, vOff + c + k * vStride, 6 * vStride);
            }
        }
    }

    /**
     * t = Bᵀ d for the six vectors d_j at {@code src[o_j]}, t_k to {@code dst[q + k step]}:
     * t0 = 4d0 - 5d2 + d4, t1,2 = (d4 - 4d2) ± (d3 - 4d1), t3,4 = (d4 - d2) ± 2(d3 - d1), t5 = 4d1 - 5d3 + d5.
     */
    private static void inputTransform(float[] src, int o0, int o1, int o2, int o3, int o4, int o5,
                                       float[] dst, int q, int step) {
        FloatVector four = FloatVector.broadcast(S, 4f);
        FloatVector minusFour = FloatVector.broadcast(S, -4f);
        FloatVector minusFive = FloatVector.broadcast(S, -5f);
        FloatVector d0 = FloatVector.fromArray(S, src, o0);
        FloatVector d1 = FloatVector.fromArray(S, src, o1);
        FloatVector d2 = FloatVector.fromArray(S, src, o2);
        FloatVector d3 = FloatVector.fromArray(S, src, o3);
        FloatVector d4 = FloatVector.fromArray(S, src, o4);
        FloatVector d5 = FloatVector.fromArray(S, src, o5);
        FloatVector p = d2.fma(minusFour, d4);
        FloatVector r = d1.fma(minusFour, d3);
        FloatVector e = d4.sub(d2);
        FloatVector f = d3.sub(d1).add(d3.sub(d1));
        d0.fma(four, d2.fma(minusFive, d4)).intoArray(dst, q);
        p.add(r).intoArray(dst, q + step);
        p.sub(r).intoArray(dst, q + 2 * step);
        e.add(f).intoArray(dst, q + 3 * step);
        e.sub(f).intoArray(dst, q + 4 * step);
        d1.fma(four, d3.fma(minusFive, d5)).intoArray(dst, q + 5 * step);
    }

    /**
     * P[a, b, s] of the input plane: padded column c = 4q + b of padded row r goes to
     * P[r&3, b, 0] at lane (r>>2)*TW + q and, for b < 2, to P[r&3, b, 1] one lane before.
     */
    private void splitInput(float[] x, int xOff, float[] ws) {
        moveSplit(x, xOff, ws, inputSplit, false);
    }

    /**
     * Between a plane and the split arrays at {@code ws[area ..]}, row by row: the plane into the
     * arrays (split), or the arrays' sums into the plane (gather: dx[ih][iw] = P[a, b, 0][ty', q] +
     * (b < 2 ? P[a, b, 1][ty', q - 1] : 0), r = ih + padTop = 4ty' + a, c = iw + padLeft = 4q + b).
     */
    private void moveSplit(float[] plane, int planeOff, float[] ws, int area, boolean gather) {
        int h = g.inH();
        int w = g.inW();
        int tw = tileCols;
        int pl = g.padLeft();
        // tile columns q whose four padded columns 4q .. 4q+3 all lie in the plane, with 1 <= q < TW: no checks
        int qFrom = Math.max(1, (pl + 3) / 4);
        int qTo = Math.max(qFrom, Math.min(tw, (w + pl) / 4));
        for (int ih = 0; ih < h; ih++) {
            int r = ih + g.padTop();
            int a = r & 3;
            int row = area + (r >> 2) * tw;
            int p0 = row + splitIndex(a, 0, 0) * split;
            int p1 = row + splitIndex(a, 1, 0) * split;
            int p2 = row + splitIndex(a, 2, 0) * split;
            int p3 = row + splitIndex(a, 3, 0) * split;
            int s0 = row + splitIndex(a, 0, 1) * split - 1;
            int s1 = row + splitIndex(a, 1, 1) * split - 1;
            int pad = planeOff + ih * w - pl;     // plane index of padded column 0 of this row
            if (gather) {
                for (int q = qFrom; q < qTo; q++) {
                    int c = pad + 4 * q;
                    plane[c] = ws[p0 + q] + ws[s0 + q];
                    plane[c + 1] = ws[p1 + q] + ws[s1 + q];
                    plane[c + 2] = ws[p2 + q];
                    plane[c + 3] = ws[p3 + q];
                }
            } else {
                for (int q = qFrom; q < qTo; q++) {
                    int c = pad + 4 * q;
                    float v0 = plane[c];
                    float v1 = plane[c + 1];
                    ws[p0 + q] = v0;
                    ws[s0 + q] = v0;
                    ws[p1 + q] = v1;
                    ws[s1 + q] = v1;
                    ws[p2 + q] = plane[c + 2];
                    ws[p3 + q] = plane[c + 3];
                }
            }
            // the plane's columns left of and right of those
            for (int iw = 0; iw < Math.min(w, 4 * qFrom - pl); iw++) {
                moveColumn(plane, pad, iw + pl, ws, row, a, gather);
            }
            for (int iw = Math.max(0, 4 * qTo - pl); iw < w; iw++) {
                moveColumn(plane, pad, iw + pl, ws, row, a, gather);
            }
        }
    }

    /** {@link #moveSplit} for padded column c of one row, whose one or two split arrays the table gives. */
    private void moveColumn(float[] plane, int pad, int c, float[] ws, int row, int a, boolean gather) {
        int t = (a * 4 * (tileCols + 1) + c) * 2;
        int o0 = columnTo[t];
        int o1 = columnTo[t + 1];
        if (gather) {
            plane[pad + c] = (o0 >= 0 ? ws[row + o0] : 0f) + (o1 >= 0 ? ws[row + o1] : 0f);
            return;
        }
        if (o0 >= 0) {
            ws[row + o0] = plane[pad + c];
        }
        if (o1 >= 0) {
            ws[row + o1] = plane[pad + c];
        }
    }

    @Override
    public void output(float[] m, int mOff, int mStride, float[] y, int yOff, float bias, float[] ws) {
        for (int u = 0; u < tiles; u += L) {
            int c = vectors.start(u);
            for (int a = 0; a < 6; a++) {
                // rows: r_a = M_a A (6 -> 4)
                outputTransform(m, mOff + c + 6 * a * mStride, mStride, ws, rows + 4 * a * L, L, 0f);
            }
            for (int j = 0; j < 4; j++) {
                // columns: y_.j = Aᵀ r_.j + bias, block element (i, j) to array 4i + j
                outputTransform(ws, rows + j * L, 4 * L, ws, blocks + c + j * tiles, 4 * tiles, bias);
            }
        }
        // spread: y[oh][ow] = block (oh&3, ow&3) of tile (oh>>2, ow>>2)
        int oh = g.outH();
        int ow = g.outW();
        int groups = ow / 4;
        for (int r = 0; r < oh; r++) {
            int b0 = blocks + 4 * (r & 3) * tiles + (r >> 2) * tileCols;
            int dst = yOff + r * ow;
            for (int q = 0; q < groups; q++) {
                y[dst + 4 * q] = ws[b0 + q];
                y[dst + 4 * q + 1] = ws[b0 + tiles + q];
                y[dst + 4 * q + 2] = ws[b0 + 2 * tiles + q];
                y[dst + 4 * q + 3] = ws[b0 + 3 * tiles + q];
            }
            for (int col = 4 * groups; col < ow; col++) {
                y[dst + col] = ws[b0 + (col & 3) * tiles + groups];
            }
        }
    }

    /**
     * y = Aᵀ m + bias for the six vectors {@code src[s + k step]}, y_i to {@code dst[q + i qStep]}:
     * with p, d = m1 ± m2 and r, e = m3 ± m4: y0 = m0 + p + r, y1 = d + 2e, y2 = p + 4r, y3 = d + 8e + m5.
     */
    private static void outputTransform(float[] src, int s, int step, float[] dst, int q, int qStep, float bias) {
        FloatVector b = FloatVector.broadcast(S, bias);
        FloatVector m0 = FloatVector.fromArray(S, src, s);
        FloatVector m1 = FloatVector.fromArray(S, src, s + step);
        FloatVector m2 = FloatVector.fromArray(S, src, s + 2 * step);
        FloatVector m3 = FloatVector.fromArray(S, src, s + 3 * step);
        FloatVector m4 = FloatVector.fromArray(S, src, s + 4 * step);
        FloatVector m5 = FloatVector.fromArray(S, src, s + 5 * step);
        FloatVector p = m1.add(m2);
        FloatVector d = m1.sub(m2);
        FloatVector r = m3.add(m4);
        FloatVector e = m3.sub(m4);
        m0.add(p).add(r).add(b).intoArray(dst, q);
        e.fma(FloatVector.broadcast(S, 2f), d).add(b).intoArray(dst, q + qStep);
        r.fma(FloatVector.broadcast(S, 4f), p).add(b).intoArray(dst, q + 2 * qStep);
        e.fma(FloatVector.broadcast(S, 8f), d).add(m5).add(b).intoArray(dst, q + 3 * qStep);
    }

    // ------------------------------------------------------------------ backward

    @Override
    public void outputGradient(float[] dy, int dyOff, float[] m, int mOff, int mStride, float[] ws) {
        // gather: block element (i, j) of tile u, to array 4i + j; positions past the edge stay 0
        int oh = g.outH();
        int ow = g.outW();
        int groups = ow / 4;
        for (int r = 0; r < oh; r++) {
            int b0 = gradientBlocks + 4 * (r & 3) * tiles + (r >> 2) * tileCols;
            int src = dyOff + r * ow;
            for (int q = 0; q < groups; q++) {
                ws[b0 + q] = dy[src + 4 * q];
                ws[b0 + tiles + q] = dy[src + 4 * q + 1];
                ws[b0 + 2 * tiles + q] = dy[src + 4 * q + 2];
                ws[b0 + 3 * tiles + q] = dy[src + 4 * q + 3];
            }
            for (int col = 4 * groups; col < ow; col++) {
                ws[b0 + (col & 3) * tiles + groups] = dy[src + col];
            }
        }
        for (int u = 0; u < tiles; u += L) {
            int c = vectors.start(u);
            for (int i = 0; i < 4; i++) {
                // rows: q_i = dy_i Aᵀ (4 -> 6)
                outputGradientTransform(ws, gradientBlocks + c + 4 * i * tiles, tiles, ws, rows + 6 * i * L, L);
            }
            for (int k = 0; k < 6; k++) {
                // columns: dM_.k = A q_.k
                outputGradientTransform(ws, rows + k * L, 6 * L, m, mOff + c + k * mStride, 6 * mStride);
            }
        }
    }

    /**
     * t = A y for the four vectors {@code src[s + i step]}, t_k to {@code dst[q + k qStep]}: t0 = y0,
     * t1,2 = (y0 + y2) ± (y1 + y3), t3,4 = (y0 + 4y2) ± (2y1 + 8y3), t5 = y3.
     */
    private static void outputGradientTransform(float[] src, int s, int step, float[] dst, int q, int qStep) {
        FloatVector y0 = FloatVector.fromArray(S, src, s);
        FloatVector y1 = FloatVector.fromArray(S, src, s + step);
        FloatVector y2 = FloatVector.fromArray(S, src, s + 2 * step);
        FloatVector y3 = FloatVector.fromArray(S, src, s + 3 * step);
        FloatVector even = y0.add(y2);
        FloatVector odd = y1.add(y3);
        FloatVector even4 = y2.fma(FloatVector.broadcast(S, 4f), y0);
        FloatVector odd8 = y3.fma(FloatVector.broadcast(S, 4f), y1).mul(2f);
        y0.intoArray(dst, q);
        even.add(odd).intoArray(dst, q + qStep);
        even.sub(odd).intoArray(dst, q + 2 * qStep);
        even4.add(odd8).intoArray(dst, q + 3 * qStep);
        even4.sub(odd8).intoArray(dst, q + 4 * qStep);
        y3.intoArray(dst, q + 5 * qStep);
    }

    @Override
    public void inputGradient(float[] v, int vOff, int vStride, float[] dx, int dxOff, float[] ws) {
        Arrays.fill(ws, gradientSplit, gradientSplit + SPLITS * split, 0f);
        int tw = tileCols;
        for (int u = 0; u < tiles; u += L) {
            int c = vectors.start(u);
            // lanes an earlier vector already added are zeroed (the transform is linear)
            float[] keep = vectors.keep(u);
            for (int a = 0; a < 6; a++) {
                // rows: e_a = dV_a Bᵀ, to the rows buffer
                inputGradientRows(v, vOff + c + 6 * a * vStride, vStride, keep, ws, rows + 6 * a * L, L);
            }
            for (int j = 0; j < 6; j++) {
                // columns: dd_.j = B e_.j, row i added to split array (i&3, j&3, j>>2), rows 4 and 5 one split row further
                int b = j & 3;
                int s = j >> 2;
                inputGradientColumns(ws, rows + j * L, 6 * L,
                        splitAt(gradientSplit, 0, b, s, c), splitAt(gradientSplit, 1, b, s, c),
                        splitAt(gradientSplit, 2, b, s, c), splitAt(gradientSplit, 3, b, s, c),
                        splitAt(gradientSplit, 0, b, s, c + tw), splitAt(gradientSplit, 1, b, s, c + tw));
            }
        }
        moveSplit(dx, dxOff, ws, gradientSplit, true);
    }

    /**
     * t = B v for the six vectors {@code src[s + k step]} times {@code keep}, t_j to {@code dst[q + j qStep]}:
     * with s, d = v1 ± v2 and r, e = v3 ± v4: t0 = 4v0, t1 = 4(v5 - d) - 2e, t2 = -5v0 - 4s - r,
     * t3 = d + 2e - 5v5, t4 = v0 + s + r, t5 = v5.
     */
    private static void inputGradientRows(float[] src, int s, int step, float[] keep, float[] dst, int q, int qStep) {
        FloatVector k = FloatVector.fromArray(S, keep, 0);
        FloatVector v0 = FloatVector.fromArray(S, src, s).mul(k);
        FloatVector v1 = FloatVector.fromArray(S, src, s + step).mul(k);
        FloatVector v2 = FloatVector.fromArray(S, src, s + 2 * step).mul(k);
        FloatVector v3 = FloatVector.fromArray(S, src, s + 3 * step).mul(k);
        FloatVector v4 = FloatVector.fromArray(S, src, s + 4 * step).mul(k);
        FloatVector v5 = FloatVector.fromArray(S, src, s + 5 * step).mul(k);
        FloatVector sum12 = v1.add(v2);
        FloatVector diff12 = v1.sub(v2);
        FloatVector sum34 = v3.add(v4);
        FloatVector diff34 = v3.sub(v4);
        v0.mul(4f).intoArray(dst, q);
        v5.sub(diff12).mul(4f).sub(diff34.mul(2f)).intoArray(dst, q + qStep);
        v0.mul(-5f).sub(sum12.mul(4f)).sub(sum34).intoArray(dst, q + 2 * qStep);
        diff34.mul(2f).add(diff12).sub(v5.mul(5f)).intoArray(dst, q + 3 * qStep);
        v0.add(sum12).add(sum34).intoArray(dst, q + 4 * qStep);
        v5.intoArray(dst, q + 5 * qStep);
    }

    /**
     * The same map as {@link #inputGradientRows} on the six vectors {@code ws[s + k step]}, t_j added to
     * {@code ws[o_j]} (the split arrays).
     */
    private static void inputGradientColumns(float[] ws, int s, int step, int o0, int o1, int o2, int o3, int o4,
                                             int o5) {
        FloatVector v0 = FloatVector.fromArray(S, ws, s);
        FloatVector v1 = FloatVector.fromArray(S, ws, s + step);
        FloatVector v2 = FloatVector.fromArray(S, ws, s + 2 * step);
        FloatVector v3 = FloatVector.fromArray(S, ws, s + 3 * step);
        FloatVector v4 = FloatVector.fromArray(S, ws, s + 4 * step);
        FloatVector v5 = FloatVector.fromArray(S, ws, s + 5 * step);
        FloatVector sum12 = v1.add(v2);
        FloatVector diff12 = v1.sub(v2);
        FloatVector sum34 = v3.add(v4);
        FloatVector diff34 = v3.sub(v4);
        FloatVector.fromArray(S, ws, o0).add(v0.mul(4f)).intoArray(ws, o0);
        FloatVector.fromArray(S, ws, o1).add(v5.sub(diff12).mul(4f).sub(diff34.mul(2f))).intoArray(ws, o1);
        FloatVector.fromArray(S, ws, o2).sub(v0.mul(5f).add(sum12.mul(4f)).add(sum34)).intoArray(ws, o2);
        FloatVector.fromArray(S, ws, o3).add(diff34.mul(2f).add(diff12).sub(v5.mul(5f))).intoArray(ws, o3);
        FloatVector.fromArray(S, ws, o4).add(v0.add(sum12).add(sum34)).intoArray(ws, o4);
        FloatVector.fromArray(S, ws, o5).add(v5).intoArray(ws, o5);
    }
}
