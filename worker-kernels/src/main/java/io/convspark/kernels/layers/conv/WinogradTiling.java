package io.convspark.kernels.layers.conv;

/**
 * One Winograd scheme F(m x m, 3x3) ({@link #scheme()}, with the kernel transforms) applied to whole
 * planes: the input transform {@code V = Bᵀ d B} of every input tile of a plane, the
 * output transform {@code y = Aᵀ M A}, and the adjoints of each for the gradients. A plane of
 * {@code outH x outW} outputs is cut into {@code ceil(outH / m) x ceil(outW / m)} tiles; tile
 * {@code t} of a plane is lane {@code t} of every transformed array, and position ξ of a transformed
 * tile ({@link WinogradScheme#positions} of them, row-major) is the array {@code ξ * stride} further on.
 * {@link WinogradConvolution} runs the GEMMs between them.
 */
interface WinogradTiling {
    /** The scheme whose transforms these are. */
    WinogradScheme scheme();

    /** Floats of workspace one slot needs (reserved for one geometry; never shared between threads). */
    int workspaceSize();

    /** {@code V[ξ][vOff + t] = (Bᵀ d_t B)[ξ]} for every tile t of the input plane at {@code x[xOff]} (padding reads 0). */
    void input(float[] x, int xOff, float[] v, int vOff, int vStride, float[] ws);

    /** The output plane at {@code y[yOff]} = {@code Aᵀ M_t A + bias} for every tile (clipped at the plane's edge). */
    void output(float[] m, int mOff, int mStride, float[] y, int yOff, float bias, float[] ws);

    /** {@code dM[ξ][mOff + t] = (A dy_t Aᵀ)[ξ]} for every tile of the output-gradient plane at {@code dy[dyOff]} (0 past its edge). */
    void outputGradient(float[] dy, int dyOff, float[] m, int mOff, int mStride, float[] ws);

    /**
     * The input-gradient plane at {@code dx[dxOff]}, overwritten with the sum over tiles of
     * {@code B dV_t Bᵀ}; positions in the padding are dropped.
     */
    void inputGradient(float[] v, int vOff, int vStride, float[] dx, int dxOff, float[] ws);
}
