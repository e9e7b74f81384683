package io.convspark.kernels.layers;

import io.convspark.kernels.compute.ElementwiseKernels;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.tensor.Shape;
import io.convspark.kernels.tensor.Tensor;
import java.util.Locale;

/**
 * The activations, by Keras name: {@code linear, relu, leaky_relu, elu, tanh, sigmoid, softmax}.
 * Softmax normalizes over the vector of a rank-1 sample, and over the channels at every position of
 * an image sample (NCHW's channel axis is Keras' last axis).
 */
public final class Activations {
    private Activations() {
    }

    /** Per-element kernels over a flat slice; derivative expressed through y. */
    private abstract static class Elementwise implements Activation {
        private final String name;

        Elementwise(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean isElementwise() {
            return true;
        }

        /** Every one here: linear, relu, tanh, sigmoid, and leaky_relu and elu, whose alpha is checked >= 0 and > 0. */
        @Override
        public boolean isNonDecreasing() {
            return true;
        }

        @Override
        public void forward(Tensor t, KernelExecutor ex) {
            float[] a = t.data();
            ex.parallelFor(t.size(), 16_384, (s, from, to) -> apply(a, from, to));
        }

        @Override
        public void backward(Tensor y, Tensor grad, KernelExecutor ex) {
            float[] yd = y.data();
            float[] g = grad.data();
            ex.parallelFor(y.size(), 16_384, (s, from, to) -> derive(yd, g, from, to));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public static final Activation LINEAR = new Elementwise("linear") {
        @Override
        public void apply(float[] a, int from, int to) {
        }

        @Override
        public void derive(float[] y, float[] g, int from, int to) {
        }

        @Override
        public void forward(Tensor t, KernelExecutor ex) {
        }

        @Override
        public void backward(Tensor y, Tensor grad, KernelExecutor ex) {
        }

        @Override
        public boolean isLinear() {
            return true;
        }
    };

    public static final Activation RELU = new Elementwise("relu") {
        @Override
        public void apply(float[] a, int from, int to) {
            ElementwiseKernels.get().relu(a, from, to);
        }

        @Override
        public void derive(float[] y, float[] g, int from, int to) {
            ElementwiseKernels.get().reluBackward(y, g, from, to);
        }
    };

    public static final Activation TANH = new Elementwise("tanh") {
        @Override
        public void apply(float[] a, int from, int to) {
            ElementwiseKernels.get().tanh(a, from, to);
        }

        @Override
        public void derive(float[] y, float[] g, int from, int to) {
            ElementwiseKernels.get().tanhBackward(y, g, from, to);
        }
    };

    public static final Activation SIGMOID = new Elementwise("sigmoid") {
        @Override
        public void apply(float[] a, int from, int to) {
            ElementwiseKernels.get().sigmoid(a, from, to);
        }

        @Override
        public void derive(float[] y, float[] g, int from, int to) {
            ElementwiseKernels.get().sigmoidBackward(y, g, from, to);
        }
    };

    /** {@code x > 0 ? x : alpha * x}; Keras' default alpha (negative_slope) is 0.3. */
    public static Activation leakyRelu(float alpha) {
        if (!(alpha >= 0f)) {
            throw new IllegalArgumentException("leaky_relu: alpha must be >= 0, got " + alpha);
        }
        return new Elementwise("leaky_relu") {
            @Override
            public void apply(float[] a, int from, int to) {
                for (int i = from; i < to; i++) {
                    a[i] = a[i] > 0f ? a[i] : alpha * a[i];
                }
            }

            @Override
            public void derive(float[] y, float[] g, int from, int to) {
                for (int i = from; i < to; i++) {
                    g[i] = y[i] > 0f ? g[i] : alpha * g[i];
                }
            }
        };
    }

    /** {@code x > 0 ? x : alpha * (e^x - 1)}; for x <= 0 the derivative is {@code alpha e^x = y + alpha}. */
    public static Activation elu(float alpha) {
        if (!(alpha > 0f)) {
            throw new IllegalArgumentException("elu: alpha must be > 0, got " + alpha);
        }
        return new Elementwise("elu") {
            @Override
            public void apply(float[] a, int from, int to) {
                ElementwiseKernels.get().elu(a, from, to, alpha);
            }

            @Override
            public void derive(float[] y, float[] g, int from, int to) {
                ElementwiseKernels.get().eluBackward(y, g, from, to, alpha);
            }
        };
    }

    public static final Activation ELU = elu(1f);

    /**
     * Softmax over the class axis: the whole vector of a rank-1 sample, the channels at each (h, w)
     * of a rank-3 sample. Stable: the maximum is subtracted before exponentiating.
     * Backward: {@code dx_c = y_c (dy_c - sum_k dy_k y_k)}.
     */
    public static final Activation SOFTMAX = new Activation() {
        @Override
        public String name() {
            return "softmax";
        }

        @Override
        public void forward(Tensor t, KernelExecutor ex) {
            float[] a = t.data();
            int classes = t.sampleShape().dim(0);
            int stride = t.sampleSize() / classes;     // 1 for vectors, H*W for images
            ex.parallelFor(t.batch(), 8, (s, from, to) -> {
                for (int n = from; n < to; n++) {
                    for (int pos = 0; pos < stride; pos++) {
                        int base = t.offset(n) + pos;
                        float max = Float.NEGATIVE_INFINITY;
                        for (int c = 0; c < classes; c++) {
                            max = Math.max(max, a[base + c * stride]);
                        }
                        double sum = 0;
                        for (int c = 0; c < classes; c++) {
                            float e = (float) Math.exp(a[base + c * stride] - max);
                            a[base + c * stride] = e;
                            sum += e;
                        }
                        float inv = (float) (1.0 / sum);
                        for (int c = 0; c < classes; c++) {
                            a[base + c * stride] *= inv;
                        }
                    }
                }
            });
        }

        @Override
        public void backward(Tensor y, Tensor grad, KernelExecutor ex) {
            float[] yd = y.data();
            float[] g = grad.data();
            int classes = y.sampleShape().dim(0);
            int stride = y.sampleSize() / classes;
            ex.parallelFor(y.batch(), 8, (s, from, to) -> {
                for (int n = from; n < to; n++) {
                    for (int pos = 0; pos < stride; pos++) {
                        int base = y.offset(n) + pos;
                        double dot = 0;
                        for (int c = 0; c < classes; c++) {
                            dot += g[base + c * stride] * yd[base + c * stride];
                        }
                        for (int c = 0; c < classes; c++) {
                            int i = base + c * stride;
                            g[i] = yd[i] * (g[i] - (float) dot);
                        }
                    }
                }
            });
        }

        @Override
        public String toString() {
            return "softmax";
        }
    };

    /** Parses a Keras activation name ({@code null} or "linear" is the identity). */
    public static Activation parse(String name) {
        if (name == null) {
            return LINEAR;
        }
        switch (name.toLowerCase(Locale.ROOT)) {
            case "linear":
            case "none":
                return LINEAR;
            case "relu":
                return RELU;
            case "leaky_relu":
                return leakyRelu(0.3f);
            case "elu":
                return ELU;
            case "tanh":
                return TANH;
            case "sigmoid":
                return SIGMOID;
            case "softmax":
                return SOFTMAX;
            default:
                throw new IllegalArgumentException("unknown activation '" + name
                        + "'; expected one of linear, relu, leaky_relu, elu, tanh, sigmoid, softmax");
        }
    }

    /** Shapes softmax accepts: vectors, or images (softmax over channels). */
    static boolean softmaxAccepts(Shape s) {
        return s.rank() == 1 || s.rank() == 3;
    }
}
