package io.convspark.kernels.layers.conv;

/**
 * The kernel transforms of Winograd's F(4x4, 3x3) (Lavin and Gray, 2015): a 4x4 block of outputs of
 * a 3x3 cross-correlation from a 6x6 input tile with 36 multiplications instead of 144.
 * <pre>
 *   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
 *
 *        | 4  0 -5  0  1  0 |         | 1/4     0     0  |
 *        | 0 -4 -4  1  1  0 |         | -1/6 -1/6  -1/6  |        | 1  1  1  1  1  0 |
 *   Bᵀ = | 0  4 -4 -1  1  0 |     G = | -1/6  1/6  -1/6  |   Aᵀ = | 0  1 -1  2 -2  0 |
 *        | 0 -2 -1  2  1  0 |         | 1/24  1/12  1/6  |        | 0  1  1  4  4  0 |
 *        | 0  2 -1 -2  1  0 |         | 1/24 -1/12  1/6  |        | 0  1 -1  8 -8  1 |
 *        | 0  4  0 -5  0  1 |         | 0     0     1    |
 * </pre>
 * Each transform is separable (the 1-D map on rows, then on columns); the gradients use the
 * transposed maps. The input and output transforms, vectorized over a plane's tiles, are in
 * {@link Winograd4Planes}; the kernel's are here, scalar, once per (filter, channel) and pass.
 * The larger coefficients cost accuracy: outputs are good to about 1e-6 of their scale where
 * F(2x2, 3x3) gives 1e-7.
 */
final class Winograd4Transforms {
    /** Values per transformed tile (6x6). */
    static final int TILE = 36;

    private Winograd4Transforms() {
    }

    private static final float QUARTER = 1f / 4;
    private static final float SIXTH = 1f / 6;
    private static final float TWELFTH = 1f / 12;
    private static final float TWENTY_FOURTH = 1f / 24;

    /** {@code U = G g Gᵀ} for the 3x3 kernel at {@code g[gOff ..]}; {@code U[ξ]} to {@code u[uOff + ξ uStride]}. */
    static void kernel(float[] g, int gOff, float[] u, int uOff, int uStride) {
        for (int j = 0; j < 3; j++) {
            // columns: T_.j = G g_.j (3 -> 6), held in U's positions (a, j) until the rows are done
            kernelMap(g[gOff + j], g[gOff + 3 + j], g[gOff + 6 + j], u, uOff + j * uStride, 6 * uStride);
        }
        for (int a = 0; a < 6; a++) {
            // rows: U_a = T_a Gᵀ (3 -> 6), in place
            int o = uOff + 6 * a * uStride;
            kernelMap(u[o], u[o + uStride], u[o + 2 * uStride], u, o, uStride);
        }
    }

    /** G x for x = (x0, x1, x2), the six values to {@code out[o + k stride]}. */
    private static void kernelMap(float x0, float x1, float x2, float[] out, int o, int stride) {
        float outer = x0 + x2;
        out[o] = x0 * QUARTER;
        out[o + stride] = -(outer + x1) * SIXTH;
        out[o + 2 * stride] = -(outer - x1) * SIXTH;
        float even = x0 * TWENTY_FOURTH + x2 * SIXTH;
        out[o + 3 * stride] = even + x1 * TWELFTH;
        out[o + 4 * stride] = even - x1 * TWELFTH;
        out[o + 5 * stride] = x2;
    }

    /**
     * {@code dg = Gᵀ dU G}: {@code dU[ξ]} at {@code u[uOff + ξ uStride]} (overwritten: the rows' results
     * are kept there), the 3x3 gradient to {@code dg[dgOff ..]}.
     */
    static void kernelGradient(float[] u, int uOff, int uStride, float[] dg, int dgOff) {
        for (int a = 0; a < 6; a++) {
            // rows: K_a = dU_a G (6 -> 3), in place at positions (a, 0..2)
            int o = uOff + 6 * a * uStride;
            kernelGradientMap(u, o, uStride, u, o, uStride);
        }
        for (int j = 0; j < 3; j++) {
            // columns: dg_.j = Gᵀ K_.j
            kernelGradientMap(u, uOff + j * uStride, 6 * uStride, dg, dgOff + j, 3);
        }
    }

    /** Gᵀ x for the six values {@code in[o + k stride]} (all read before any write), to {@code out[q + i qStride]}. */
    private static void kernelGradientMap(float[] in, int o, int stride, float[] out, int q, int qStride) {
        float x0 = in[o];
        float x1 = in[o + stride];
        float x2 = in[o + 2 * stride];
        float x3 = in[o + 3 * stride];
        float x4 = in[o + 4 * stride];
        float x5 = in[o + 5 * stride];
        float sum12 = x1 + x2;
        float sum34 = x3 + x4;
        out[q] = x0 * QUARTER - sum12 * SIXTH + sum34 * TWENTY_FOURTH;
        out[q + qStride] = (x2 - x1) * SIXTH + (x3 - x4) * TWELFTH;
        out[q + 2 * qStride] = (sum34 - sum12) * SIXTH + x5;
    }
}
