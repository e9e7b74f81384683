package io.convspark.kernels.layers.conv;

/**
 * The tile transforms of Winograd's minimal filtering algorithm F(2x2, 3x3) (Lavin and Gray, "Fast
 * Algorithms for Convolutional Neural Networks", 2015), forward and adjoint. A 2x2 block of outputs
 * of a 3x3 cross-correlation is computed from a 4x4 input tile {@code d} and the 3x3 kernel
 * {@code g} with 16 multiplications instead of 36:
 * <pre>
 *   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A          U = G g Gᵀ, V = Bᵀ d B, M = U ⊙ V (16 values each)
 *
 *        | 1  0 -1  0 |         | 1    0    0  |
 *   Bᵀ = | 0  1  1  0 |     G = | 1/2  1/2  1/2 |     Aᵀ = | 1  1  1  0 |
 *        | 0 -1  1  0 |         | 1/2 -1/2  1/2 |          | 0  1 -1 -1 |
 *        | 0  1  0 -1 |         | 0    0    1  |
 * </pre>
 * The gradients follow by transposing each linear map: {@code dM = A dY Aᵀ},
 * {@code dd = B dV Bᵀ}, {@code dg = Gᵀ dU G}. Every transform here works on one 4x4 (or 3x3, 2x2)
 * tile, row-major, and is separable: the same 1-D transform on rows, then on columns. The
 * coefficients are 0, ±1 and ±1/2, so the transforms are exact or round once per add.
 */
final class WinogradTransforms {
    /** Values per transformed tile (4x4). */
    static final int TILE = 16;

    private WinogradTransforms() {
    }

    /**
     * {@code V = Bᵀ d B}: {@code d} is 16 floats at {@code dOff}; writes {@code V[ξ]} to
     * {@code v[vOff + ξ * vStride]} for ξ = 0..15.
     */
    static void input(float[] d, int dOff, float[] v, int vOff, int vStride) {
        for (int i = 0; i < 4; i++) {
            // rows: w_i = d_i B, i.e. (d0 - d2, d1 + d2, d2 - d1, d1 - d3) of row i, kept in d's scratch order
            int r = dOff + 4 * i;
            float d0 = d[r];
            float d1 = d[r + 1];
            float d2 = d[r + 2];
            float d3 = d[r + 3];
            d[r] = d0 - d2;
            d[r + 1] = d1 + d2;
            d[r + 2] = d2 - d1;
            d[r + 3] = d1 - d3;
        }
        for (int b = 0; b < 4; b++) {
            // columns: V_.b = Bᵀ w_.b
            float w0 = d[dOff + b];
            float w1 = d[dOff + 4 + b];
            float w2 = d[dOff + 8 + b];
            float w3 = d[dOff + 12 + b];
            v[vOff + b * vStride] = w0 - w2;
            v[vOff + (4 + b) * vStride] = w1 + w2;
            v[vOff + (8 + b) * vStride] = w2 - w1;
            v[vOff + (12 + b) * vStride] = w1 - w3;
        }
    }

    /**
     * {@code Y = Aᵀ M A}: reads {@code M[ξ]} from {@code m[mOff + ξ * mStride]}, writes the 2x2
     * outputs y00, y01, y10, y11 to {@code out[0..3]}.
     */
    static void output(float[] m, int mOff, int mStride, float[] out) {
        // rows: r_a = M_a A = (M_a0 + M_a1 + M_a2, M_a1 - M_a2 - M_a3), a = 0..3
        int s = mStride;
        int b0 = mOff;
        int b1 = mOff + 4 * s;
        int b2 = mOff + 8 * s;
        int b3 = mOff + 12 * s;
        float r00 = m[b0] + m[b0 + s] + m[b0 + 2 * s];
        float r01 = m[b0 + s] - m[b0 + 2 * s] - m[b0 + 3 * s];
        float r10 = m[b1] + m[b1 + s] + m[b1 + 2 * s];
        float r11 = m[b1 + s] - m[b1 + 2 * s] - m[b1 + 3 * s];
        float r20 = m[b2] + m[b2 + s] + m[b2 + 2 * s];
        float r21 = m[b2 + s] - m[b2 + 2 * s] - m[b2 + 3 * s];
        float r30 = m[b3] + m[b3 + s] + m[b3 + 2 * s];
        float r31 = m[b3 + s] - m[b3 + 2 * s] - m[b3 + 3 * s];
        // columns: y_0. = r_0 + r_1 + r_2, y_1. = r_1 - r_2 - r_3
        out[0] = r00 + r10 + r20;
        out[1] = r01 + r11 + r21;
        out[2] = r10 - r20 - r30;
        out[3] = r11 - r21 - r31;
    }

    /**
     * {@code dM = A dY Aᵀ} for a 2x2 output gradient (dy00, dy01, dy10, dy11); writes
     * {@code dM[ξ]} to {@code m[mOff + ξ * mStride]}.
     */
    static void outputGradient(float dy00, float dy01, float dy10, float dy11, float[] m, int mOff, int mStride) {
        // rows: q_i = (dy_i0, dy_i0 + dy_i1, dy_i0 - dy_i1, -dy_i1)
        float q00 = dy00;
        float q01 = dy00 + dy01;
        float q02 = dy00 - dy01;
        float q03 = -dy01;
        float q10 = dy10;
        float q11 = dy10 + dy11;
        float q12 = dy10 - dy11;
        float q13 = -dy11;
        // columns: dM_0 = q_0, dM_1 = q_0 + q_1, dM_2 = q_0 - q_1, dM_3 = -q_1
        m[mOff] = q00;
        m[mOff + mStride] = q01;
        m[mOff + 2 * mStride] = q02;
        m[mOff + 3 * mStride] = q03;
        m[mOff + 4 * mStride] = q00 + q10;
        m[mOff + 5 * mStride] = q01 + q11;
        m[mOff + 6 * mStride] = q02 + q12;
        m[mOff + 7 * mStride] = q03 + q13;
        m[mOff + 8 * mStride] = q00 - q10;
        m[mOff + 9 * mStride] = q01 - q11;
        m[mOff + 10 * mStride] = q02 - q12;
        m[mOff + 11 * mStride] = q03 - q13;
        m[mOff + 12 * mStride] = -q10;
        m[mOff + 13 * mStride] = -q11;
        m[mOff + 14 * mStride] = -q12;
        m[mOff + 15 * mStride] = -q13;
    }

    /**
     * {@code dd = B dV Bᵀ}: reads {@code dV[ξ]} from {@code v[vOff + ξ * vStride]}, writes the 4x4
     * input-tile gradient to {@code dd[ddOff ..]} row-major.
     */
    static void inputGradient(float[] v, int vOff, int vStride, float[] dd, int ddOff) {
        for (int a = 0; a < 4; a++) {
            // rows: e_a = (dV_a0, dV_a1 - dV_a2 + dV_a3, dV_a1 + dV_a2 - dV_a0, -dV_a3)
            int base = vOff + 4 * a * vStride;
            float v0 = v[base];
            float v1 = v[base + vStride];
            float v2 = v[base + 2 * vStride];
            float v3 = v[base + 3 * vStride];
            int r = ddOff + 4 * a;
            dd[r] = v0;
            dd[r + 1] = v1 - v2 + v3;
            dd[r + 2] = v1 + v2 - v0;
            dd[r + 3] = -v3;
        }
        for (int j = 0; j < 4; j++) {
            // columns: dd_0 = e_0, dd_1 = e_1 - e_2 + e_3, dd_2 = e_1 + e_2 - e_0, dd_3 = -e_3
            float e0 = dd[ddOff + j];
            float e1 = dd[ddOff + 4 + j];
            float e2 = dd[ddOff + 8 + j];
            float e3 = dd[ddOff + 12 + j];
            dd[ddOff + j] = e0;
            dd[ddOff + 4 + j] = e1 - e2 + e3;
            dd[ddOff + 8 + j] = e1 + e2 - e0;
            dd[ddOff + 12 + j] = -e3;
        }
    }

    /**
     * {@code U = G g Gᵀ} for a 3x3 kernel at {@code g[gOff ..]} (row-major); writes {@code U[ξ]} to
     * {@code u[uOff + ξ * uStride]}.
     */
    static void kernel(float[] g, int gOff, float[] u, int uOff, int uStride) {
        for (int b = 0; b < 4; b++) {
            // rows: h_i = g_i Gᵀ = (g_i0, (g_i0 + g_i1 + g_i2)/2, (g_i0 - g_i1 + g_i2)/2, g_i2); column b of h
            float h0 = kernelRow(g, gOff, b);
            float h1 = kernelRow(g, gOff + 3, b);
            float h2 = kernelRow(g, gOff + 6, b);
            // columns: U_.b = G h_.b
            u[uOff + b * uStride] = h0;
            u[uOff + (4 + b) * uStride] = 0.5f * (h0 + h1 + h2);
            u[uOff + (8 + b) * uStride] = 0.5f * (h0 - h1 + h2);
            u[uOff + (12 + b) * uStride] = h2;
        }
    }

    /** Element b of (g0, (g0 + g1 + g2)/2, (g0 - g1 + g2)/2, g2) for the kernel row at {@code off}. */
    private static float kernelRow(float[] g, int off, int b) {
        float g0 = g[off];
        float g1 = g[off + 1];
        float g2 = g[off + 2];
        switch (b) {
            case 0:
                return g0;
            case 1:
                return 0.5f * (g0 + g1 + g2);
            case 2:
                return 0.5f * (g0 - g1 + g2);
            default:
                return g2;
        }
    }

    /**
     * {@code dg = Gᵀ dU G}: reads {@code dU[ξ]} from {@code u[uOff + ξ * uStride]}, writes the 3x3
     * kernel gradient to {@code dg[dgOff ..]} row-major.
     */
    static void kernelGradient(float[] u, int uOff, int uStride, float[] dg, int dgOff) {
        for (int j = 0; j < 3; j++) {
            // rows: k_a = dU_a G = (dU_a0 + (dU_a1 + dU_a2)/2, (dU_a1 - dU_a2)/2, (dU_a1 + dU_a2)/2 + dU_a3); column j
            float k0 = kernelGradientRow(u, uOff, uStride, j);
            float k1 = kernelGradientRow(u, uOff + 4 * uStride, uStride, j);
            float k2 = kernelGradientRow(u, uOff + 8 * uStride, uStride, j);
            float k3 = kernelGradientRow(u, uOff + 12 * uStride, uStride, j);
            // columns: dg_.j = Gᵀ k_.j
            dg[dgOff + j] = k0 + 0.5f * (k1 + k2);
            dg[dgOff + 3 + j] = 0.5f * (k1 - k2);
            dg[dgOff + 6 + j] = 0.5f * (k1 + k2) + k3;
        }
    }

    /** Element j of (u0 + (u1 + u2)/2, (u1 - u2)/2, (u1 + u2)/2 + u3) for the row of dU at {@code off}. */
    private static float kernelGradientRow(float[] u, int off, int stride, int j) {
        float u0 = u[off];
        float u1 = u[off + stride];
        float u2 = u[off + 2 * stride];
        float u3 = u[off + 3 * stride];
        switch (j) {
            case 0:
                return u0 + 0.5f * (u1 + u2);
            case 1:
                return 0.5f * (u1 - u2);
            default:
                return 0.5f * (u1 + u2) + u3;
        }
    }
}
