package io.convspark.kernels.bench;

import io.convspark.kernels.layers.Conv2D;
import io.convspark.kernels.layers.Dense;
import io.convspark.kernels.layers.Layer;
import io.convspark.kernels.tensor.Shape;

/**
 * Floating-point operations of the matrix products of a layer (one multiply-add counts 2), the
 * figure GFLOP/s is computed from. Bias, activation and pooling work is not counted; layers
 * without matrix products count 0.
 *
 * <pre>
 *   Conv2D forward:  2 N F OH OW C kh kw      (each output reduces over C kh kw; with a max pooling
 *                                             fused, only the positions its windows cover)
 *   Dense forward:   2 N in units             (each output reduces over in)
 *   backward:        the same product once for dW, once more for dX unless the input needs no gradient
 * </pre>
 */
public final class LayerFlops {
    private LayerFlops() {
    }

    /** FLOPs of one forward pass on {@code batch} samples. */
    public static long forward(Layer layer, int batch) {
        if (layer instanceof Conv2D conv) {
            Shape out = conv.outputShape();
            Shape kernel = conv.kernel().shape();
            // kernel (F, C, kh, kw); output (F, OH, OW), of which a fused pooling's whole windows are computed
            return 2L * batch * out.channels() * conv.computedPositions()
                    * kernel.dim(1) * kernel.dim(2) * kernel.dim(3);
        }
        if (layer instanceof Dense dense) {
            return 2L * batch * dense.inputShape().dim(0) * dense.units();
        }
        return 0L;
    }

    /** FLOPs of one backward pass: weights gradient, plus input gradient when {@code inputGradient}. */
    public static long backward(Layer layer, int batch, boolean inputGradient) {
        long product = forward(layer, batch);
        return inputGradient ? 2 * product : product;
    }
}
