package io.convspark.kernels.model;

import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.layers.Layer;
import io.convspark.kernels.layers.Parameter;
import io.convspark.kernels.random.SplitMix64;
import io.convspark.kernels.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * All parameters of a model in three flat arrays: trainable values, their gradients (same layout),
 * and non-trainable state (e.g. BatchNormalization's moving statistics). Optimizers update the flat
 * arrays in one pass, replicas all-reduce the one gradient array, checkpoints write the arrays.
 */
public final class ParameterStore {
    /** Elements per parallel chunk of the regularization gradient. */
    private static final int REGULARIZATION_GRAIN = 1 << 14;
    private final List<Parameter> trainable = new ArrayList<>();
    private final List<Parameter> nonTrainable = new ArrayList<>();
    private final float[] values;
    private final float[] grads;
    private final float[] state;

    ParameterStore(List<Layer> layers) {
        long t = 0;
        long s = 0;
        for (Layer layer : layers) {
            for (Parameter p : layer.parameters()) {
                if (p.trainable()) {
                    trainable.add(p);
                    t += p.size();
                } else {
                    nonTrainable.add(p);
                    s += p.size();
                }
            }
        }
        values = new float[Math.toIntExact(t)];
        grads = new float[values.length];
        state = new float[Math.toIntExact(s)];
        int to = 0;
        for (Parameter p : trainable) {
            p.bind(values, grads, to);
            to += p.size();
        }
        int so = 0;
        for (Parameter p : nonTrainable) {
            p.bind(state, null, so);
            so += p.size();
        }
    }

    /**
     * Fills every parameter with its initializer. Parameter {@code i} draws from its own stream
     * seeded by {@code (seed, i)}, so adding a layer does not change the others' initial values.
     */
    public void initialize(long seed) {
        int i = 0;
        for (Parameter p : all()) {
            Random rng = new Random(seed * SplitMix64.GAMMA + (i++) * 0xBF58476D1CE4E5B9L);
            p.initializer().fill(p.values(), p.offset(), p.size(), p.fanIn(), p.fanOut(), rng);
        }
    }

    /** Sum of the regularization penalties of all parameters. */
    public double regularizationPenalty() {
        double sum = 0;
        for (Parameter p : trainable) {
            if (p.regularizer() != null) {
                sum += p.regularizer().penalty(values, p.offset(), p.size());
            }
        }
        return sum;
    }

    /**
     * Adds the regularizers' gradients to the flat gradient array, each parameter's elements split over
     * {@code executor} (element-wise: the result does not depend on the split).
     */
    public void addRegularizationGradients(KernelExecutor executor) {
        for (Parameter p : trainable) {
            Regularizer r = p.regularizer();
            if (r != null) {
                int off = p.offset();
                executor.parallelFor(p.size(), REGULARIZATION_GRAIN,
                        (slot, from, to) -> r.addGradient(values, grads, off + from, to - from));
            }
        }
    }

    public boolean hasRegularizers() {
        for (Parameter p : trainable) {
            if (p.regularizer() != null) {
                return true;
            }
        }
        return false;
    }

    /** Trainable values, flat. */
    public float[] values() {
        return values;
    }

    /** Gradients of the trainable values, flat, same layout as {@link #values()}. */
    public float[] grads() {
        return grads;
    }

    /** Non-trainable state (moving statistics), flat. */
    public float[] state() {
        return state;
    }

    public List<Parameter> trainable() {
        return Collections.unmodifiableList(trainable);
    }

    public List<Parameter> nonTrainable() {
        return Collections.unmodifiableList(nonTrainable);
    }

    /** Trainable then non-trainable, in layer order. */
    public List<Parameter> all() {
        List<Parameter> all = new ArrayList<>(trainable);
        all.addAll(nonTrainable);
        return all;
    }

    public long trainableCount() {
        return values.length;
    }

    public long nonTrainableCount() {
        return state.length;
    }
}
