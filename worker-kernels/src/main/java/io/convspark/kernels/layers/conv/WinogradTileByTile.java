package io.convspark.kernels.layers.conv;

import io.convspark.kernels.layers.ConvGeometry;
import java.util.Arrays;

/**
 * F(2x2, 3x3) one tile at a time with the scalar transforms of {@link WinogradTransforms}: for
 * planes too small to fill one vector of tiles ({@link WinogradPlanes} needs at least one), and any
 * geometry. Edge tiles read zeros outside the plane and drop what falls outside it.
 */
final class WinogradTileByTile implements WinogradTiling {
    private final ConvGeometry g;
    private final int tileRows;
    private final int tileCols;

    WinogradTileByTile(ConvGeometry g) {
        this.g = g;
        this.tileRows = (g.outH() + 1) / 2;
        this.tileCols = (g.outW() + 1) / 2;
    }

    @Override
    public WinogradScheme scheme() {
        return WinogradScheme.F2X2;
    }

    @Override
    public int workspaceSize() {
        return WinogradTransforms.TILE;
    }

    @Override
    public void input(float[] x, int planeOff, float[] v, int vOff, int vStride, float[] tile) {
        int h = g.inH();
        int w = g.inW();
        for (int ty = 0; ty < tileRows; ty++) {
            int ih0 = 2 * ty - g.padTop();
            boolean rowsInside = ih0 >= 0 && ih0 + 3 < h;
            for (int tx = 0; tx < tileCols; tx++) {
                int iw0 = 2 * tx - g.padLeft();
                if (rowsInside && iw0 >= 0 && iw0 + 3 < w) {
                    int base = planeOff + ih0 * w + iw0;
                    for (int i = 0; i < 4; i++) {
                        System.arraycopy(x, base + i * w, tile, 4 * i, 4);
                    }
                } else {
                    // an edge tile: positions outside the plane are padding zeros
                    for (int i = 0; i < 4; i++) {
                        int ih = ih0 + i;
                        for (int jj = 0; jj < 4; jj++) {
                            int iw = iw0 + jj;
                            tile[4 * i + jj] = ih >= 0 && ih < h && iw >= 0 && iw < w ? x[planeOff + ih * w + iw] : 0f;
                        }
                    }
                }
                WinogradTransforms.input(tile, 0, v, vOff + ty * tileCols + tx, vStride);
            }
        }
    }

    @Override
    public void output(float[] m, int mOff, int mStride, float[] y, int yOff, float bias, float[] out) {
        int oh = g.outH();
        int ow = g.outW();
        for (int ty = 0; ty < tileRows; ty++) {
            int r = 2 * ty;
            boolean secondRow = r + 1 < oh;
            for (int tx = 0; tx < tileCols; tx++) {
                int col = 2 * tx;
                WinogradTransforms.output(m, mOff + ty * tileCols + tx, mStride, out);
                int o = yOff + r * ow + col;
                y[o] = out[0] + bias;
                boolean secondCol = col + 1 < ow;
                if (secondCol) {
                    y[o + 1] = out[1] + bias;
                }
                if (secondRow) {
                    y[o + ow] = out[2] + bias;
                    if (secondCol) {
                        y[o + ow + 1] = out[3] + bias;
                    }
                }
            }
        }
    }

    @Override
    public void outputGradient(float[] dy, int dyOff, float[] m, int mOff, int mStride, float[] ws) {
        int oh = g.outH();
        int ow = g.outW();
        for (int ty = 0; ty < tileRows; ty++) {
            int r = 2 * ty;
            boolean secondRow = r + 1 < oh;
            for (int tx = 0; tx < tileCols; tx++) {
                int col = 2 * tx;
                boolean secondCol = col + 1 < ow;
                int o = dyOff + r * ow + col;
                float d00 = dy[o];
                float d01 = secondCol ? dy[o + 1] : 0f;
                float d10 = secondRow ? dy[o + ow] : 0f;
                float d11 = secondRow && secondCol ? dy[o + ow + 1] : 0f;
                WinogradTransforms.outputGradient(d00, d01, d10, d11, m, mOff + ty * tileCols + tx, mStride);
            }
        }
    }

    @Override
    public void inputGradient(float[] v, int vOff, int vStride, float[] dx, int planeOff, float[] tile) {
        int h = g.inH();
        int w = g.inW();
        Arrays.fill(dx, planeOff, planeOff + g.inPlane(), 0f);
        for (int ty = 0; ty < tileRows; ty++) {
            int ih0 = 2 * ty - g.padTop();
            boolean rowsInside = ih0 >= 0 && ih0 + 3 < h;
            for (int tx = 0; tx < tileCols; tx++) {
                int iw0 = 2 * tx - g.padLeft();
                WinogradTransforms.inputGradient(v, vOff + ty * tileCols + tx, vStride, tile, 0);
                if (rowsInside && iw0 >= 0 && iw0 + 3 < w) {
                    int base = planeOff + ih0 * w + iw0;
                    for (int i = 0; i < 4; i++) {
                        int o = base + i * w;
                        dx[o] += tile[4 * i];
                        dx[o + 1] += tile[4 * i + 1];
                        dx[o + 2] += tile[4 * i + 2];
                        dx[o + 3] += tile[4 * i + 3];
                    }
                } else {
                    for (int i = 0; i < 4; i++) {
                        int ih = ih0 + i;
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        for (int jj = 0; jj < 4; jj++) {
                            int iw = iw0 + jj;
                            if (iw >= 0 && iw < w) {
                                dx[planeOff + ih * w + iw] += tile[4 * i + jj];
                            }
                        }
                    }
                }
            }
        }
    }
}
