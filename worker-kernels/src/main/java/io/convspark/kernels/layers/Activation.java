package io.convspark.kernels.layers;

import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.tensor.Tensor;

/**
 * An element-wise (or, for softmax, per-position over channels) activation, applied in place.
 * Every derivative is expressed through the output {@code y = f(x)}, so layers can fuse the
 * activation into their epilogue and keep only {@code y}.
 */
public interface Activation {
    /** The Keras name, e.g. {@code relu}. */
    String name();

    /** {@code t = f(t)} in place. */
    void forward(Tensor t, KernelExecutor executor);

    /** {@code grad = grad * f'(x)} in place, computed from the output {@code y}. */
    void backward(Tensor y, Tensor grad, KernelExecutor executor);

    /** True for the identity, so layers skip the pass. */
    default boolean isLinear() {
        return false;
    }

    /**
     * True if {@code f} acts on each element alone (every activation but softmax): then
     * {@link #apply} and {@link #derive} work on any slice, so a layer can apply it to a part of
     * its output while that part is still in cache.
     */
    default boolean isElementwise() {
        return false;
    }

    /**
     * True if {@code f} is element-wise and never decreases ({@code a <= b} implies {@code f(a) <= f(b)}):
     * then {@code f(max(a, b)) = max(f(a), f(b))}, so a max pooling after it may take the maximum first.
     */
    default boolean isNonDecreasing() {
        return false;
    }

    /** {@code a[i] = f(a[i])} for {@code from <= i < to}; only if {@link #isElementwise}. */
    default void apply(float[] a, int from, int to) {
        throw new UnsupportedOperationException(name() + " is not element-wise");
    }

    /** {@code g[i] *= f'(x_i)}, written through {@code y_i = f(x_i)}, for {@code from <= i < to}; only if {@link #isElementwise}. */
    default void derive(float[] y, float[] g, int from, int to) {
        throw new UnsupportedOperationException(name() + " is not element-wise");
    }
}
