package io.convspark.kernels.layers;

import io.convspark.kernels.init.Initializer;
import io.convspark.kernels.init.Initializers;
import io.convspark.kernels.regularizers.Regularizer;
import io.convspark.kernels.tensor.Shape;
import io.convspark.kernels.tensor.Tensor;
import java.util.List;

/**
 * Keras' {@code Dense}: {@code y = activation(x W + b)} on vector samples, with the kernel stored as
 * Keras stores it, {@code W[in, units]} ({@code fanIn = in}, {@code fanOut = units}).
 *
 * <p>Every matrix product is cut into fixed tiles of output rows or output columns, and the tiles
 * are spread over the executor's slots, one {@code sgemm} call per tile. The tiling depends only on
 * the matrix sizes, never on the number of threads, so every output element is computed by the same
 * {@code sgemm} call whatever the parallelism: results are bit-identical for 1 or 16 threads.
 */
public final class Dense extends Layer {
    /** Column tiles are a multiple of 16 floats (the widest SIMD register), so vector GEMMs see no ragged tails. */
    private static final int COLUMN_TILE_ALIGN = 16;
    private static final int ROW_TILE_ALIGN = 8;
    /** At most this many tiles per product: enough to balance any core count, few enough to keep tiles large. */
    private static final int MAX_TILES = 64;
    /**
     * Each tile gets at least this many multiply-adds (10-25 us), so small products do not pay for thread
     * hand-offs: with 2^16, mnist-deitel's 128 x 10 output layer split its weight gradient (82k
     * multiply-adds) in two and took 0.09 ms at 2 threads against 0.007 ms at 1.
     */
    private static final long MIN_TILE_WORK = 1L << 18;
    /**
     * Each tile is at least this many rows or columns long (or the whole extent): every tile packs the
     * whole other operand again, so a band of 64 lines spends at most 1/64 of a multiply-add per packed
     * element (bands of 8 rows made mnist-deitel's 3200x128 inference product repack its kernel 32 times).
     */
    private static final int MIN_TILE_LINES = 64;

    private final int units;
    private final Activation activation;
    private final boolean useBias;
    private final Initializer kernelInitializer;
    private final Initializer biasInitializer;
    private final Regularizer kernelRegularizer;
    private final Regularizer biasRegularizer;
    private Parameter kernel;
    private Parameter bias;
    private int inputSize;

    /** Keras' defaults: bias on, {@code glorot_uniform} kernel, zero bias, no regularizers. */
    public Dense(String name, int units, Activation activation) {
        this(name, units, activation, true, Initializers.GLOROT_UNIFORM, Initializers.ZEROS, null, null);
    }

    /**
     * @param activation        fused activation; {@code null} means linear
     * @param kernelInitializer {@code null} means Keras' default {@code glorot_uniform}
     * @param biasInitializer   {@code null} means Keras' default {@code zeros}
     * @param kernelRegularizer penalty on the kernel, or {@code null}
     * @param biasRegularizer   penalty on the bias, or {@code null}
     */
    public Dense(String name, int units, Activation activation, boolean useBias, Initializer kernelInitializer,
                 Initializer biasInitializer, Regularizer kernelRegularizer, Regularizer biasRegularizer) {
        super(name);
        if (units <= 0) {
            throw buildError("units must be a positive integer, got " + units);
        }
        this.units = units;
        this.activation = activation == null ? Activations.LINEAR : activation;
        this.useBias = useBias;
        this.kernelInitializer = kernelInitializer == null ? Initializers.GLOROT_UNIFORM : kernelInitializer;
        this.biasInitializer = biasInitializer == null ? Initializers.ZEROS : biasInitializer;
        this.kernelRegularizer = kernelRegularizer;
        this.biasRegularizer = biasRegularizer;
    }

    @Override
    public String type() {
        return "Dense";
    }

    public int units() {
        return units;
    }

    public boolean useBias() {
        return useBias;
    }

    @Override
    public Activation activation() {
        return activation;
    }

    /** The kernel {@code W[in, units]}. */
    public Parameter kernel() {
        return kernel;
    }

    /** The bias {@code b[units]}, or {@code null} without bias. */
    public Parameter bias() {
        return bias;
    }

    @Override
    protected Shape computeOutputShape(List<Shape> inputs) {
        Shape in = inputs.get(0);
        if (in.rank() != 1) {
            throw buildError("expects a vector input (features,), got shape " + in
                    + "; add a Flatten (or GlobalAveragePooling2D) layer before it");
        }
        inputSize = in.dim(0);
        kernel = addParameter("kernel", Shape.of(inputSize, units), inputSize, units, kernelInitializer,
                kernelRegularizer, true);
        if (useBias) {
            bias = addParameter("bias", Shape.vector(units), units, units, biasInitializer, biasRegularizer, true);
        }
        return Shape.vector(units);
    }

    /** {@code Y[N, units] = X[N, in] W[in, units] + b}, then the activation. */
    @Override
    public void forward(Tensor[] inputs, Tensor output, StepContext ctx) {
        int n = output.batch();
        // Splitting rows makes every tile read all of W, splitting columns all of X: re-read the smaller.
        boolean splitRows = units < n;
        tiledGemm(ctx, splitRows, false, false, n, units, inputSize,
                inputs[0].data(), 0, inputSize,
                kernel.values(), kernel.offset(), units,
                output.data(), 0, units,
                useBias ? bias.values() : null, useBias ? bias.offset() : 0);
        activation.forward(output, ctx.executor());
    }

    @Override
    public void backward(Tensor[] inputs, Tensor output, Tensor outputGrad, Tensor[] inputGrads, StepContext ctx) {
        activationBackward(output, outputGrad, ctx);
        int n = output.batch();
        float[] x = inputs[0].data();
        float[] dy = outputGrad.data();

        // dW[in, units] = X^T[in, N] dY[N, units]   (reduces over the batch)
        tiledGemm(ctx, units <= inputSize, true, false, inputSize, units, n,
                x, 0, inputSize,
                dy, 0, units,
                kernel.grads(), kernel.offset(), units,
                null, 0);

        // db[j] = sum_n dY[n, j]   (reduces over the batch; each slot owns a range of units)
        if (useBias) {
            float[] db = bias.grads();
            int dbOff = bias.offset();
            int grain = Math.max(COLUMN_TILE_ALIGN, (int) (MIN_TILE_WORK / Math.max(1, n)));
            ctx.executor().parallelFor(units, grain, (slot, from, to) -> {
                java.util.Arrays.fill(db, dbOff + from, dbOff + to, 0f);
                for (int s = 0; s < n; s++) {
                    int row = s * units;
                    for (int j = from; j < to; j++) {
                        db[dbOff + j] += dy[row + j];
                    }
                }
            });
        }

        // dX[N, in] = dY[N, units] W^T[units, in]   (reduces over the units)
        if (inputGrads[0] != null) {
            tiledGemm(ctx, inputSize < n, false, true, n, inputSize, units,
                    dy, 0, units,
                    kernel.values(), kernel.offset(), units,
                    inputGrads[0].data(), 0, inputSize,
                    null, 0);
        }
    }

    /**
     * {@code C[m x n] = op(A)[m x k] op(B)[k x n]} (plus the row vector {@code bias} broadcast over the
     * rows, if given), computed as independent tiles of C: bands of rows if {@code splitRows}, else
     * bands of columns. Tile sizes depend only on (m, n, k), so the result does not depend on the
     * executor's parallelism.
     */
    private static void tiledGemm(StepContext ctx, boolean splitRows, boolean transA, boolean transB,
                                  int m, int n, int k,
                                  float[] a, int aOff, int lda,
                                  float[] b, int bOff, int ldb,
                                  float[] c, int cOff, int ldc,
                                  float[] bias, int biasOff) {
        if (m == 0 || n == 0) {
            return;
        }
        int extent = splitRows ? m : n;
        long workPerLine = (long) (splitRows ? n : m) * Math.max(k, 1);
        int tile = tileSize(extent, splitRows ? ROW_TILE_ALIGN : COLUMN_TILE_ALIGN, workPerLine);
        int tiles = (extent + tile - 1) / tile;
        ctx.executor().parallelFor(tiles, 1, (slot, from, to) -> {
            for (int t = from; t < to; t++) {
                int start = t * tile;
                int len = Math.min(tile, extent - start);
                int tm = splitRows ? len : m;
                int tn = splitRows ? n : len;
                // Row band: move down op(A) and C. Column band: move right in op(B) and C.
                int ta = aOff + (splitRows ? (transA ? start : start * lda) : 0);
                int tb = bOff + (splitRows ? 0 : (transB ? start * ldb : start));
                int tc = cOff + (splitRows ? start * ldc : start);
                float beta = 0f;
                if (bias != null) {
                    int tbias = biasOff + (splitRows ? 0 : start);
                    for (int i = 0; i < tm; i++) {
                        System.arraycopy(bias, tbias, c, tc + i * ldc, tn);
                    }
                    beta = 1f;
                }
                ctx.gemm().sgemm(transA, transB, tm, tn, k, 1f, a, ta, lda, b, tb, ldb, beta, c, tc, ldc);
            }
        });
    }

    /**
     * Tile length along a dimension of {@code extent}: a multiple of {@code align}, at least
     * {@link #MIN_TILE_LINES}, at most {@link #MAX_TILES} tiles, each worth at least
     * {@link #MIN_TILE_WORK} multiply-adds.
     */
    private static int tileSize(int extent, int align, long workPerLine) {
        long minLines = (MIN_TILE_WORK + workPerLine - 1) / workPerLine;
        long t = Math.max(Math.max(Math.max(align, MIN_TILE_LINES), minLines), (extent + MAX_TILES - 1) / MAX_TILES);
        t = (t + align - 1) / align * align;
        return (int) Math.min(t, Math.max(extent, 1));
    }
}
