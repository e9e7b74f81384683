package io.convspark.kernels.layers.conv;

/**
 * The two Winograd schemes for 3x3 windows: F(2x2, 3x3) ({@link WinogradTransforms}) and
 * F(4x4, 3x3) ({@link Winograd4Transforms}), with their kernel transforms; the input and output
 * transforms over whole planes are the {@link WinogradTiling}s.
 */
enum WinogradScheme {
    F2X2(2, WinogradTransforms.TILE),
    F4X4(4, Winograd4Transforms.TILE);

    /** m: outputs per tile side; the input tiles are {@code m + 2} wide. */
    final int outputTile;
    /** Values in one transformed tile, {@code (m + 2)²}. */
    final int positions;

    WinogradScheme(int outputTile, int positions) {
        this.outputTile = outputTile;
        this.positions = positions;
    }

    /** The algorithm's name, e.g. {@code winograd-4x4-3x3}. */
    String algorithm() {
        return "winograd-" + outputTile + "x" + outputTile + "-3x3";
    }

    /** {@code U[ξ] = (G g Gᵀ)[ξ]} of the 3x3 kernel at {@code g[gOff ..]}, to {@code u[uOff + ξ uStride]}. */
    void kernel(float[] g, int gOff, float[] u, int uOff, int uStride) {
        if (this == F2X2) {
            WinogradTransforms.kernel(g, gOff, u, uOff, uStride);
        } else {
            Winograd4Transforms.kernel(g, gOff, u, uOff, uStride);
        }
    }

    /**
     * {@code dg = Gᵀ dU G}: {@code dU[ξ]} at {@code u[uOff + ξ uStride]} (which may be overwritten),
     * the 3x3 gradient to {@code dg[dgOff ..]}.
     */
    void kernelGradient(float[] u, int uOff, int uStride, float[] dg, int dgOff) {
        if (this == F2X2) {
            WinogradTransforms.kernelGradient(u, uOff, uStride, dg, dgOff);
        } else {
            Winograd4Transforms.kernelGradient(u, uOff, uStride, dg, dgOff);
        }
    }
}
