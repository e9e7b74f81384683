package io.convspark.kernels.layers.conv;

import io.convspark.kernels.layers.ConvGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The F(2x2, 3x3) tile transforms of {@link WinogradTransforms}, for all tiles of one plane at once
 * with the Vector API, one lane per tile. Tile {@code u = ty*TW + tx} covers outputs
 * {@code (2ty.., 2tx..)} and the padded inputs {@code xp[2ty + i][2tx + j]}, i, j = 0..3. Tiles
 * overlap with a stride of 2, so lane-contiguous loads come from a 2x2 space-to-depth split of the
 * padded plane, made once per plane with plain loops:
 * <pre>
 *   P[a, b, s][ty', tx'] = xp[2ty' + a][2(tx' + s) + b]      a, b, s in {0, 1}, ty' <= TH, tx' < TW
 *   d_ij(u)              = P[i&1, j&1, j>>1][u + (i>>1)*TW]  a contiguous run of lanes for any (i, j)
 * </pre>
 * Outputs go the other way: each lane's 2x2 block is stored as four lane-contiguous arrays, then
 * spread into the plane. A plane of {@code T} tiles is covered by {@code ceil(T / L)} vectors of
 * {@code L} lanes, the last one shifted back to end at {@code T} (its overlap is recomputed, and
 * masked out where the results are accumulated), so this needs {@code T >= L}; see {@link TileVectors}.
 * The split arrays' padding positions are never written and stay zero; every buffer lives in a
 * caller's workspace of {@link #workspaceSize()} floats reserved for one geometry.
 */
final class WinogradPlanes implements WinogradTiling {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private final ConvGeometry g;
    private final int tileRows;
    private final int tileCols;
    private final int tiles;
    private final int split;          // floats in one split array: (TH + 1) * TW
    private final int inputSplit;     // workspace offsets: 8 input split arrays
    private final int gradientSplit;  //   8 input-gradient split arrays
    private final int blocks;         //   4 arrays of one 2x2 output element per tile
    private final int gradientBlocks; //   4 arrays of one 2x2 output-gradient element per tile (0 past the edge)
    private final int rows;           //   16 vectors: one chunk of (input or input-gradient) tiles transformed along rows
    private final TileVectors vectors; // the vectors covering a plane's tiles

    WinogradPlanes(ConvGeometry g) {
        this.g = g;
        this.tileRows = (g.outH() + 1) / 2;
        this.tileCols = (g.outW() + 1) / 2;
        this.tiles = tileRows * tileCols;
        this.split = (tileRows + 1) * tileCols;
        this.inputSplit = 0;
        this.gradientSplit = 8 * split;
        this.blocks = 16 * split;
        this.gradientBlocks = blocks + 4 * tiles;
        this.rows = gradientBlocks + 4 * tiles;
        this.vectors = new TileVectors(tiles);
    }

    @Override
    public WinogradScheme scheme() {
        return WinogradScheme.F2X2;
    }

    @Override
    public int workspaceSize() {
        return 16 * split + 8 * tiles + 16 * L;
    }

    private static int splitIndex(int a, int b, int s) {
        return (a * 2 + b) * 2 + s;
    }

    // ------------------------------------------------------------------ forward

    @Override
    public void input(float[] x, int xOff, float[] v, int vOff, int vStride, float[] ws) {
        splitInput(x, xOff, ws);
        for (int u = 0; u < tiles; u += L) {
            int c = vectors.start(u);
            // two methods, not one: C2 boxes vectors in a method past its inlining budget
            inputRows(ws, inputSplit + c);
            inputColumns(ws, v, vOff + c, vStride);
        }
    }

    /**
     * Rows of the tiles from lane {@code p} of the split arrays: h_i = d_i B =
     * (d_i0 - d_i2, d_i1 + d_i2, d_i2 - d_i1, d_i1 - d_i3), i = 0..3, to the rows buffer (vector 4i + b).
     */
    private void inputRows(float[] ws, int p) {
        for (int i = 0; i < 4; i++) {
            int base = p + (i >> 1) * tileCols;   // rows 2 and 3 are one split row further
            int a = i & 1;
            FloatVector d0 = load(ws, base, a, 0, 0);
            FloatVector d1 = load(ws, base, a, 1, 0);
            FloatVector d2 = load(ws, base, a, 0, 1);
            FloatVector d3 = load(ws, base, a, 1, 1);
            int h = rows + 4 * i * L;
            d0.sub(d2).intoArray(ws, h);
            d1.add(d2).intoArray(ws, h + L);
            d2.sub(d1).intoArray(ws, h + 2 * L);
            d1.sub(d3).intoArray(ws, h + 3 * L);
        }
    }

    /** Columns: V_.b = Bᵀ h_.b = (h_0b - h_2b, h_1b + h_2b, h_2b - h_1b, h_1b - h_3b), to {@code v[o + ξ vStride]}. */
    private void inputColumns(float[] ws, float[] v, int o, int vStride) {
        for (int b = 0; b < 4; b++) {
            FloatVector h0 = FloatVector.fromArray(S, ws, rows + b * L);
            FloatVector h1 = FloatVector.fromArray(S, ws, rows + (4 + b) * L);
            FloatVector h2 = FloatVector.fromArray(S, ws, rows + (8 + b) * L);
            FloatVector h3 = FloatVector.fromArray(S, ws, rows + (12 + b) * L);
            h0.sub(h2).intoArray(v, o + b * vStride);
            h1.add(h2).intoArray(v, o + (4 + b) * vStride);
            h2.sub(h1).intoArray(v, o + (8 + b) * vStride);
            h1.sub(h3).intoArray(v, o + (12 + b) * vStride);
        }
    }

    /** Lanes of split array (a, b, s) from {@code base} (which already holds the row shift). */
    private FloatVector load(float[] ws, int base, int a, int b, int s) {
        return FloatVector.fromArray(S, ws, base + splitIndex(a, b, s) * split);
    }

    /**
     * P[a, b, s] of the input plane: padded column pair (2q, 2q + 1) of padded row r goes to
     * P[r&1, 0|1, 0] at q and to P[r&1, 0|1, 1] at q - 1; padding is never written (it stays 0).
     */
    private void splitInput(float[] x, int xOff, float[] ws) {
        int h = g.inH();
        int w = g.inW();
        int tw = tileCols;
        int pl = g.padLeft();
        for (int ih = 0; ih < h; ih++) {
            int r = ih + g.padTop();
            int row = inputSplit + (r >> 1) * tw;
            int p00 = row + splitIndex(r & 1, 0, 0) * split;
            int p10 = row + splitIndex(r & 1, 1, 0) * split;
            int p01 = row + splitIndex(r & 1, 0, 1) * split - 1;
            int p11 = row + splitIndex(r & 1, 1, 1) * split - 1;
            int src = xOff + ih * w - pl;     // x index of padded column 0 of this row
            // pairs whose columns are both inside the plane and whose q is in [1, TW): no checks
            int qFrom = Math.max(1, (pl + 1) / 2);
            int qTo = Math.min(tw, (w + pl) / 2);   // 2q + 1 - pl <= w - 1
            for (int q = 0; q <= tw; q++) {
                if (q == qFrom && qFrom < qTo) {
                    for (; q < qTo; q++) {
                        float v0 = x[src + 2 * q];
                        float v1 = x[src + 2 * q + 1];
                        ws[p00 + q] = v0;
                        ws[p10 + q] = v1;
                        ws[p01 + q] = v0;
                        ws[p11 + q] = v1;
                    }
                    if (q > tw) {
                        break;
                    }
                }
                int iw0 = 2 * q - pl;
                if (iw0 >= 0 && iw0 < w) {
                    float v0 = x[src + 2 * q];
                    if (q < tw) {
                        ws[p00 + q] = v0;
                    }
                    if (q >= 1) {
                        ws[p01 + q] = v0;
                    }
                }
                if (iw0 + 1 >= 0 && iw0 + 1 < w) {
                    float v1 = x[src + 2 * q + 1];
                    if (q < tw) {
                        ws[p10 + q] = v1;
                    }
                    if (q >= 1) {
                        ws[p11 + q] = v1;
                    }
                }
            }
        }
    }

    @Override
    public void output(float[] m, int mOff, int mStride, float[] y, int yOff, float bias, float[] ws) {
        for (int u = 0; u < tiles; u += L) {
            int c = vectors.start(u);
            // one method per chunk, with no vector arguments: C2 boxes vectors in a method past its inlining budget
            outputChunk(m, mOff + c, mStride, bias, ws, blocks + c);
        }
        // spread: y[oh][ow] = block (oh&1, ow&1) of tile (oh>>1, ow>>1)
        int oh = g.outH();
        int ow = g.outW();
        int pairs = ow / 2;
        for (int r = 0; r < oh; r++) {
            int even = blocks + 2 * (r & 1) * tiles + (r >> 1) * tileCols;
            int odd = even + tiles;
            int dst = yOff + r * ow;
            for (int q = 0; q < pairs; q++) {
                y[dst + 2 * q] = ws[even + q];
                y[dst + 2 * q + 1] = ws[odd + q];
            }
            if ((ow & 1) != 0) {
                y[dst + ow - 1] = ws[even + pairs];
            }
        }
    }

    /**
     * The 2x2 outputs (plus bias) of the L tiles whose products start at {@code m[o]}, to the block
     * arrays at {@code ws[q]}: rows, then columns, each a small method with no vector arguments (C2
     * stops inlining in a method past its node budget and then boxes the vectors of the calls left).
     */
    private void outputChunk(float[] m, int o, int mStride, float bias, float[] ws, int q) {
        outputRows(m, o, mStride, ws);
        outputColumns(ws, bias, q);
    }

    /** rows: r_a = M_a A = (M_a0 + M_a1 + M_a2, M_a1 - M_a2 - M_a3), a = 0..3, to the rows buffer (vector 2a + j). */
    private void outputRows(float[] m, int o, int mStride, float[] ws) {
        for (int a = 0; a < 4; a++) {
            int row = o + 4 * a * mStride;
            FloatVector m1 = FloatVector.fromArray(S, m, row + mStride);
            FloatVector m2 = FloatVector.fromArray(S, m, row + 2 * mStride);
            FloatVector.fromArray(S, m, row).add(m1).add(m2).intoArray(ws, rows + 2 * a * L);
            m1.sub(m2).sub(FloatVector.fromArray(S, m, row + 3 * mStride)).intoArray(ws, rows + (2 * a + 1) * L);
        }
    }

    /** columns: y_0. = r_0 + r_1 + r_2, y_1. = r_1 - r_2 - r_3, plus bias; block element (i, j) to array 2i + j. */
    private void outputColumns(float[] ws, float bias, int q) {
        FloatVector bv = FloatVector.broadcast(S, bias);
        for (int j = 0; j < 2; j++) {
            FloatVector r0 = FloatVector.fromArray(S, ws, rows + j * L);
            FloatVector r1 = FloatVector.fromArray(S, ws, rows + (2 + j) * L);
            FloatVector r2 = FloatVector.fromArray(S, ws, rows + (4 + j) * L);
            FloatVector r3 = FloatVector.fromArray(S, ws, rows + (6 + j) * L);
            r0.add(r1).add(r2).add(bv).intoArray(ws, q + j * tiles);
            r1.sub(r2).sub(r3).add(bv).intoArray(ws, q + (2 + j) * tiles);
        }
    }

    // ------------------------------------------------------------------ backward

    @Override
    public void outputGradient(float[] dy, int dyOff, float[] m, int mOff, int mStride, float[] ws) {
        // gather: block element (i, j) of tile u, to array 2i + j; tiles' positions past the edge stay 0
        int oh = g.outH();
        int ow = g.outW();
        int pairs = ow / 2;
        for (int r = 0; r < oh; r++) {
            int even = gradientBlocks + 2 * (r & 1) * tiles + (r >> 1) * tileCols;
            int odd = even + tiles;
            int src = dyOff + r * ow;
            for (int q = 0; q < pairs; q++) {
                ws[even + q] = dy[src + 2 * q];
                ws[odd + q] = dy[src + 2 * q + 1];
            }
            if ((ow & 1) != 0) {
                ws[even + pairs] = dy[src + ow - 1];
            }
        }
        for (int u = 0; u < tiles; u += L) {
            int c = vectors.start(u);
            outputGradientChunk(ws, gradientBlocks + c, m, mOff + c, mStride);
        }
    }

    /** dM of the L tiles whose 2x2 output gradients start at {@code ws[q]} (block arrays), to {@code m[o + ξ mStride]}. */
    private void outputGradientChunk(float[] ws, int q, float[] m, int o, int mStride) {
        FloatVector e00 = FloatVector.fromArray(S, ws, q);
        FloatVector e01 = FloatVector.fromArray(S, ws, q + tiles);
        FloatVector e10 = FloatVector.fromArray(S, ws, q + 2 * tiles);
        FloatVector e11 = FloatVector.fromArray(S, ws, q + 3 * tiles);
        // rows: q_i = (dy_i0, dy_i0 + dy_i1, dy_i0 - dy_i1, -dy_i1)
        FloatVector q01 = e00.add(e01);
        FloatVector q02 = e00.sub(e01);
        FloatVector q03 = e01.neg();
        FloatVector q11 = e10.add(e11);
        FloatVector q12 = e10.sub(e11);
        FloatVector q13 = e11.neg();
        // columns: dM_0. = q_0, dM_1. = q_0 + q_1, dM_2. = q_0 - q_1, dM_3. = -q_1
        e00.intoArray(m, o);
        q01.intoArray(m, o + mStride);
        q02.intoArray(m, o + 2 * mStride);
        q03.intoArray(m, o + 3 * mStride);
        e00.add(e10).intoArray(m, o + 4 * mStride);
        q01.add(q11).intoArray(m, o + 5 * mStride);
        q02.add(q12).intoArray(m, o + 6 * mStride);
        q03.add(q13).intoArray(m, o + 7 * mStride);
        e00.sub(e10).intoArray(m, o + 8 * mStride);
        q01.sub(q11).intoArray(m, o + 9 * mStride);
        q02.sub(q12).intoArray(m, o + 10 * mStride);
        q03.sub(q13).intoArray(m, o + 11 * mStride);
        e10.neg().intoArray(m, o + 12 * mStride);
        q11.neg().intoArray(m, o + 13 * mStride);
        q12.neg().intoArray(m, o + 14 * mStride);
        q13.neg().intoArray(m, o + 15 * mStride);
    }

    @Override
    public void inputGradient(float[] v, int vOff, int vStride, float[] dx, int dxOff, float[] ws) {
        Arrays.fill(ws, gradientSplit, gradientSplit + 8 * split, 0f);
        int tw = tileCols;
        for (int u = 0; u < tiles; u += L) {
            int c = vectors.start(u);
            // lanes an earlier vector already added are zeroed (the transform is linear)
            float[] keep = vectors.keep(u);
            // (small methods, not one: C2 boxes vectors in a method past its inlining budget)
            inputGradientRows(v, vOff + c, vStride, keep, ws);
            int p0 = gradientSplit + c;
            for (int j = 0; j < 4; j++) {
                addGradientColumn(ws, p0, j, false);
                addGradientColumn(ws, p0 + tw, j, true);
            }
        }
        // gather: dx[ih][iw] = P[a, b, 0][ty', q] + P[a, b, 1][ty', q - 1] (r = ih + padTop = 2ty' + a, s = 2q + b)
        int h = g.inH();
        int w = g.inW();
        int pl = g.padLeft();
        for (int ih = 0; ih < h; ih++) {
            int r = ih + g.padTop();
            int row = gradientSplit + (r >> 1) * tw;
            int p00 = row + splitIndex(r & 1, 0, 0) * split;
            int p10 = row + splitIndex(r & 1, 1, 0) * split;
            int p01 = row + splitIndex(r & 1, 0, 1) * split - 1;
            int p11 = row + splitIndex(r & 1, 1, 1) * split - 1;
            int dst = dxOff + ih * w - pl;    // dx index of padded column 0 of this row
            int qFrom = Math.max(1, (pl + 1) / 2);
            int qTo = Math.min(tw, (w + pl) / 2);
            for (int q = 0; q <= tw; q++) {
                if (q == qFrom && qFrom < qTo) {
                    for (; q < qTo; q++) {
                        dx[dst + 2 * q] = ws[p00 + q] + ws[p01 + q];
                        dx[dst + 2 * q + 1] = ws[p10 + q] + ws[p11 + q];
                    }
                    if (q > tw) {
                        break;
                    }
                }
                int iw0 = 2 * q - pl;
                if (iw0 >= 0 && iw0 < w) {
                    dx[dst + 2 * q] = (q < tw ? ws[p00 + q] : 0f) + (q >= 1 ? ws[p01 + q] : 0f);
                }
                if (iw0 + 1 >= 0 && iw0 + 1 < w) {
                    dx[dst + 2 * q + 1] = (q < tw ? ws[p10 + q] : 0f) + (q >= 1 ? ws[p11 + q] : 0f);
                }
            }
        }
    }

    /** e_a = dV_a Bᵀ = (dV_a0, dV_a1 - dV_a2 + dV_a3, dV_a1 + dV_a2 - dV_a0, -dV_a3) for rows a = 0..3, to the rows buffer. */
    private void inputGradientRows(float[] v, int o, int vStride, float[] keep, float[] ws) {
        FloatVector k = FloatVector.fromArray(S, keep, 0);
        for (int a = 0; a < 4; a++) {
            int row = o + 4 * a * vStride;
            FloatVector v0 = FloatVector.fromArray(S, v, row).mul(k);
            FloatVector v1 = FloatVector.fromArray(S, v, row + vStride).mul(k);
            FloatVector v2 = FloatVector.fromArray(S, v, row + 2 * vStride).mul(k);
            FloatVector v3 = FloatVector.fromArray(S, v, row + 3 * vStride).mul(k);
            int e = rows + 4 * a * L;
            v0.intoArray(ws, e);
            v1.sub(v2).add(v3).intoArray(ws, e + L);
            v1.add(v2).sub(v0).intoArray(ws, e + 2 * L);
            v3.neg().intoArray(ws, e + 3 * L);
        }
    }

    /**
     * Column j of the chunk's input-gradient tiles, dd_.j = B e_.j: rows 0 and 1 (e_0j and
     * e_1j - e_2j + e_3j) to the split arrays at {@code p}, or, for {@code bottom}, rows 2 and 3
     * (e_1j + e_2j - e_0j and -e_3j) one split row further. One column per call keeps the method
     * small enough for C2 to inline every vector operation.
     */
    private void addGradientColumn(float[] ws, int p, int j, boolean bottom) {
        FloatVector e0 = FloatVector.fromArray(S, ws, rows + j * L);
        FloatVector e1 = FloatVector.fromArray(S, ws, rows + (4 + j) * L);
        FloatVector e2 = FloatVector.fromArray(S, ws, rows + (8 + j) * L);
        FloatVector e3 = FloatVector.fromArray(S, ws, rows + (12 + j) * L);
        if (bottom) {
            addTo(ws, p, 0, j & 1, j >> 1, e1.add(e2).sub(e0));
            addTo(ws, p, 1, j & 1, j >> 1, e3.neg());
        } else {
            addTo(ws, p, 0, j & 1, j >> 1, e0);
            addTo(ws, p, 1, j & 1, j >> 1, e1.sub(e2).add(e3));
        }
    }

    private void addTo(float[] ws, int base, int a, int b, int s, FloatVector value) {
        int o = base + splitIndex(a, b, s) * split;
        FloatVector.fromArray(S, ws, o).add(value).intoArray(ws, o);
    }
}
