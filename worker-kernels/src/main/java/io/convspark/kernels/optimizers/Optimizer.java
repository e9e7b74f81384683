package io.convspark.kernels.optimizers;

import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.schedules.Constant;
import io.convspark.kernels.schedules.LearningRateSchedule;
import io.convspark.kernels.schedules.Schedules;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimizer over the model's flat trainable-parameter array and its gradient array (same
 * length, same layout). One {@link #update} is one Keras {@code apply_gradients}:
 * <ol>
 *   <li>{@code lr = schedule.rate(iteration, baseRate)} (iteration counts updates from 0);</li>
 *   <li>gradient clipping, at most one of Keras' {@code clipnorm} (per variable: each
 *       {@linkplain #setVariableOffsets declared slice}, or the whole array if none were declared),
 *       {@code global_clipnorm} (all gradients together) and {@code clipvalue} (element-wise); the
 *       caller's gradient array is left untouched;</li>
 *   <li>decoupled weight decay {@code w -= w * weight_decay * lr} if {@code weight_decay} is set;</li>
 *   <li>the optimizer's update rule, element by element;</li>
 *   <li>{@code iterations = iteration + 1}.</li>
 * </ol>
 * Per-element state ("slots": momentums, velocities, ...) is allocated once, at the first update,
 * sized to the parameter array. {@link #state()} / {@link #loadState} with {@link #iterations()}
 * round-trip everything an uninterrupted run would use, so a resumed run continues bit-identically.
 * Not thread-safe; the element loop itself may run on a {@link KernelExecutor}.
 */
public abstract class Optimizer {
    /** State key of the base learning rate (changed by ReduceLROnPlateau, so it is checkpointed). */
    public static final String LEARNING_RATE_KEY = "learning_rate";

    /** Elements per parallel slot below which the update stays on the calling thread. */
    private static final int GRAIN = 1 << 15;

    private final String name;
    private float baseRate;
    private LearningRateSchedule schedule = Constant.INSTANCE;
    private Double clipnorm;
    private Double globalClipnorm;
    private Double clipvalue;
    private Double weightDecay;
    private long iterations;
    private KernelExecutor executor;
    private int[] variableOffsets;
    private float[][] slots;
    private float[] clipped;
    private float[] stepParams;
    private float[] stepGrads;
    private final KernelExecutor.RangeBody parallelBody = (slot, from, to) -> apply(stepParams, stepGrads, from, to);

    protected Optimizer(String name, float learningRate) {
        this.name = name;
        setLearningRate(learningRate);
    }

    // ---------------------------------------------------------------- the update rule (subclasses)

    /** Names of the per-element state arrays, in a fixed order (may depend on the settings). */
    protected abstract List<String> slotNames();

    /** Initial value of slot {@code i} (Keras' accumulator initializers). */
    protected float slotInitialValue(int i) {
        return 0f;
    }

    /** Computes this step's scalars; {@code step = iteration + 1} (Keras' {@code local_step}). */
    protected abstract void prepare(long step, float learningRate);

    /** Updates {@code w[from, to)} from {@code g[from, to)} and the slots; must be element-wise. */
    protected abstract void apply(float[] w, float[] g, int from, int to);

    /** Adds the rule's hyperparameters to a Keras-style config. */
    protected abstract void putHyperparameters(Map<String, Object> config);

    /** Slot {@code i}, sized to the parameter array. */
    protected final float[] slot(int i) {
        return slots[i];
    }

    // ---------------------------------------------------------------- update

    /** One update at the optimizer's own iteration counter {@link #iterations()}. */
    public final void update(float[] params, float[] grads) {
        update(params, grads, iterations);
    }

    /**
     * One update as optimizer iteration {@code iteration} (0 for the first): updates every element of
     * {@code params} from {@code grads} and sets {@link #iterations()} to {@code iteration + 1}.
     */
    public final void update(float[] params, float[] grads, long iteration) {
        if (params.length != grads.length) {
            throw new IllegalArgumentException(name + ": " + params.length + " parameters but " + grads.length
                    + " gradients");
        }
        if (iteration < 0) {
            throw new IllegalArgumentException(name + ": iteration must be >= 0, got " + iteration);
        }
        allocateSlots(params.length);
        float lr = learningRate(iteration);
        float[] g = clipGradients(grads);
        if (weightDecay != null) {
            float decay = (float) (weightDecay * lr);
            for (int i = 0; i < params.length; i++) {
                params[i] -= params[i] * decay;
            }
        }
        prepare(iteration + 1, lr);
        if (executor == null || params.length < 2 * GRAIN) {
            apply(params, g, 0, params.length);
        } else {
            stepParams = params;
            stepGrads = g;
            try {
                executor.parallelFor(params.length, GRAIN, parallelBody);
            } finally {
                stepParams = null;
                stepGrads = null;
            }
        }
        iterations = iteration + 1;
    }

    private void allocateSlots(int length) {
        List<String> names = slotNames();
        if (slots != null) {
            if (slots.length > 0 && slots[0].length != length) {
                throw new IllegalStateException(name + ": the optimizer state holds " + slots[0].length
                        + " values per slot but the model has " + length + " parameters; an optimizer serves one model");
            }
            return;
        }
        slots = new float[names.size()][];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new float[length];
            float init = slotInitialValue(i);
            if (init != 0f) {
                Arrays.fill(slots[i], init);
            }
        }
    }

    private float[] clipGradients(float[] grads) {
        if (clipnorm == null && globalClipnorm == null && clipvalue == null) {
            return grads;
        }
        if (clipped == null || clipped.length != grads.length) {
            clipped = new float[grads.length];
        }
        if (clipvalue != null) {
            float v = clipvalue.floatValue();
            for (int i = 0; i < grads.length; i++) {
                clipped[i] = Math.min(Math.max(grads[i], -v), v);
            }
        } else if (globalClipnorm != null) {
            // scale = c * min(1/norm, 1/c): 1 when norm <= c; NaN when the norm is not finite (as Keras).
            double norm = Math.sqrt(sumOfSquares(grads, 0, grads.length));
            double c = globalClipnorm;
            double scale = c * Math.min(1.0 / norm, 1.0 / c) + (norm - norm);
            scale(grads, 0, grads.length, (float) scale);
        } else {
            int[] offsets = variableOffsets != null ? variableOffsets : new int[] {0};
            for (int v = 0; v < offsets.length; v++) {
                int from = offsets[v];
                int to = v + 1 < offsets.length ? offsets[v + 1] : grads.length;
                // g * c / max(||g||, c): unchanged when ||g|| <= c.
                double norm = Math.sqrt(sumOfSquares(grads, from, to));
                double c = clipnorm;
                scale(grads, from, to, (float) (c / Math.max(norm, c)));
            }
        }
        return clipped;
    }

    private static double sumOfSquares(float[] a, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (double) a[i] * a[i];
        }
        return s;
    }

    private void scale(float[] grads, int from, int to, float s) {
        for (int i = from; i < to; i++) {
            clipped[i] = grads[i] * s;
        }
    }

    // ---------------------------------------------------------------- learning rate

    /** The rate used by update {@code iteration}. */
    public final float learningRate(long iteration) {
        return schedule.rate(iteration, baseRate);
    }

    /** The rate the next update will use. */
    public final float learningRate() {
        return learningRate(iterations);
    }

    /** The base rate the schedule scales (Keras' {@code learning_rate} or {@code initial_learning_rate}). */
    public final float baseLearningRate() {
        return baseRate;
    }

    /** Sets the base rate; a schedule keeps its shape relative to it (what ReduceLROnPlateau changes). */
    public final Optimizer setLearningRate(float rate) {
        if (!(rate >= 0) || Float.isInfinite(rate)) {
            throw new IllegalArgumentException(name + ": learning_rate must be a finite number >= 0, got " + rate);
        }
        this.baseRate = rate;
        return this;
    }

    public final LearningRateSchedule schedule() {
        return schedule;
    }

    public final Optimizer setSchedule(LearningRateSchedule schedule) {
        if (schedule == null) {
            throw new IllegalArgumentException(name + ": schedule is null (use Constant.INSTANCE)");
        }
        this.schedule = schedule;
        return this;
    }

    // ---------------------------------------------------------------- clipping, weight decay, threads

    /** Keras' {@code clipnorm}: per-variable norm clipping (null to unset). */
    public final Optimizer setClipnorm(Double value) {
        this.clipnorm = checkClip("clipnorm", value, globalClipnorm == null && clipvalue == null);
        return this;
    }

    /** Keras' {@code global_clipnorm}: clips all gradients together by their global norm (null to unset). */
    public final Optimizer setGlobalClipnorm(Double value) {
        this.globalClipnorm = checkClip("global_clipnorm", value, clipnorm == null && clipvalue == null);
        return this;
    }

    /** Keras' {@code clipvalue}: clips each gradient element to {@code [-v, v]} (null to unset). */
    public final Optimizer setClipvalue(Double value) {
        this.clipvalue = checkClip("clipvalue", value, clipnorm == null && globalClipnorm == null);
        return this;
    }

    private Double checkClip(String key, Double value, boolean othersUnset) {
        if (value == null) {
            return null;
        }
        if (!(value > 0) || value.isInfinite()) {
            throw new IllegalArgumentException(name + ": '" + key + "' must be a finite number > 0, got " + value);
        }
        if (!othersUnset) {
            throw new IllegalArgumentException(name + ": only one of clipnorm, global_clipnorm and clipvalue can be "
                    + "set; got " + key + "=" + value + " with clipnorm=" + clipnorm + ", global_clipnorm="
                    + globalClipnorm + ", clipvalue=" + clipvalue);
        }
        return value;
    }

    public final Double clipnorm() {
        return clipnorm;
    }

    public final Double globalClipnorm() {
        return globalClipnorm;
    }

    public final Double clipvalue() {
        return clipvalue;
    }

    /** Keras' {@code weight_decay}: {@code w -= w * weight_decay * lr} before each update (null to unset). */
    public final Optimizer setWeightDecay(Double value) {
        if (value != null && (!(value >= 0) || value.isInfinite())) {
            throw new IllegalArgumentException(name + ": 'weight_decay' must be a finite number >= 0, got " + value);
        }
        this.weightDecay = value;
        return this;
    }

    public final Double weightDecay() {
        return weightDecay;
    }

    /**
     * Declares where each variable (parameter tensor) starts in the flat arrays, for per-variable
     * {@code clipnorm}: strictly increasing offsets starting at 0.
     */
    public final Optimizer setVariableOffsets(int[] offsets) {
        if (offsets == null) {
            this.variableOffsets = null;
            return this;
        }
        if (offsets.length == 0 || offsets[0] != 0) {
            throw new IllegalArgumentException(name + ": variable offsets must start at 0, got "
                    + Arrays.toString(offsets));
        }
        for (int i = 1; i < offsets.length; i++) {
            if (offsets[i] <= offsets[i - 1]) {
                throw new IllegalArgumentException(name + ": variable offsets must be strictly increasing, got "
                        + Arrays.toString(offsets));
            }
        }
        this.variableOffsets = offsets.clone();
        return this;
    }

    /** Splits the element loop over {@code executor} (null: the calling thread only). */
    public final Optimizer setExecutor(KernelExecutor executor) {
        this.executor = executor;
        return this;
    }

    /** The executor the element loop is split over; null: the calling thread only. */
    public final KernelExecutor executor() {
        return executor;
    }

    // ---------------------------------------------------------------- state and config

    /** Keras identifier, e.g. {@code adam}. */
    public final String name() {
        return name;
    }

    /** Number of updates applied (Keras' {@code optimizer.iterations}). */
    public final long iterations() {
        return iterations;
    }

    public final Optimizer setIterations(long iterations) {
        if (iterations < 0) {
            throw new IllegalArgumentException(name + ": iterations must be >= 0, got " + iterations);
        }
        this.iterations = iterations;
        return this;
    }

    /**
     * Copies of the state: {@value #LEARNING_RATE_KEY} (the base rate, one value) and, once the
     * first update has run, every slot by name. Together with {@link #iterations()} this is a
     * checkpoint.
     */
    public final Map<String, float[]> state() {
        Map<String, float[]> s = new LinkedHashMap<>();
        s.put(LEARNING_RATE_KEY, new float[] {baseRate});
        if (slots != null) {
            List<String> names = slotNames();
            for (int i = 0; i < slots.length; i++) {
                s.put(names.get(i), slots[i].clone());
            }
        }
        return Collections.unmodifiableMap(s);
    }

    /** Restores a {@link #state()} and the iteration counter. */
    public final void loadState(Map<String, float[]> state, long iterations) {
        loadState(state);
        setIterations(iterations);
    }

    /**
     * Restores a {@link #state()} (copying the arrays). The slots must be all present (same length)
     * or all absent (a state saved before the first update); {@value #LEARNING_RATE_KEY} is optional.
     */
    public final void loadState(Map<String, float[]> state) {
        List<String> names = slotNames();
        for (String key : state.keySet()) {
            if (!key.equals(LEARNING_RATE_KEY) && !names.contains(key)) {
                throw new IllegalArgumentException(name + ": unexpected state entry '" + key + "'; this optimizer "
                        + "keeps " + LEARNING_RATE_KEY + (names.isEmpty() ? "" : ", " + String.join(", ", names)));
            }
        }
        float[] lr = state.get(LEARNING_RATE_KEY);
        if (lr != null && lr.length != 1) {
            throw new IllegalArgumentException(name + ": state entry '" + LEARNING_RATE_KEY + "' must hold 1 value, got "
                    + lr.length);
        }
        int present = 0;
        int length = -1;
        for (String n : names) {
            float[] a = state.get(n);
            if (a != null) {
                present++;
                if (length >= 0 && a.length != length) {
                    throw new IllegalArgumentException(name + ": state entries differ in length (" + length + " and "
                            + a.length + " for '" + n + "')");
                }
                length = a.length;
            }
        }
        if (present != 0 && present != names.size()) {
            throw new IllegalArgumentException(name + ": state has " + present + " of the slots " + names
                    + "; expected all or none");
        }
        if (lr != null) {
            setLearningRate(lr[0]);
        }
        if (present == 0) {
            slots = null;
            return;
        }
        slots = new float[names.size()][];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = state.get(names.get(i)).clone();
        }
    }

    /**
     * Keras' {@code get_config()}: name, learning_rate (a float, or a serialized schedule), the
     * clipping and weight-decay settings and the rule's hyperparameters. {@link Optimizers#parse}
     * reads it back.
     */
    public final Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("learning_rate", Schedules.serialize(schedule, baseRate));
        c.put("weight_decay", weightDecay);
        c.put("clipnorm", clipnorm);
        c.put("global_clipnorm", globalClipnorm);
        c.put("clipvalue", clipvalue);
        c.put("use_ema", false);
        c.put("ema_momentum", 0.99);
        c.put("ema_overwrite_frequency", null);
        c.put("loss_scale_factor", null);
        c.put("gradient_accumulation_steps", null);
        putHyperparameters(c);
        return c;
    }

    @Override
    public String toString() {
        return name + config();
    }
}
