package io.convspark.kernels.regularizers;

/**
 * {@code l1 * sum|w| + l2 * sum w^2} (Keras' {@code l1}, {@code l2} and {@code l1_l2}); the gradient
 * is {@code l1 * sign(w) + 2 l2 w}.
 */
public final class L1L2 implements Regularizer {
    private final float l1;
    private final float l2;

    public L1L2(float l1, float l2) {
        if (!(l1 >= 0f) || !(l2 >= 0f)) {
            throw new IllegalArgumentException("regularization factors must be >= 0, got l1=" + l1 + ", l2=" + l2);
        }
        this.l1 = l1;
        this.l2 = l2;
    }

    public static L1L2 l1(float f) {
        return new L1L2(f, 0f);
    }

    public static L1L2 l2(float f) {
        return new L1L2(0f, f);
    }

    public float l1() {
        return l1;
    }

    public float l2() {
        return l2;
    }

    @Override
    public double penalty(float[] w, int off, int len) {
        double a = 0;
        double s = 0;
        for (int i = off; i < off + len; i++) {
            a += Math.abs(w[i]);
            s += (double) w[i] * w[i];
        }
        return l1 * a + l2 * s;
    }

    @Override
    public void addGradient(float[] w, float[] g, int off, int len) {
        float twoL2 = 2f * l2;
        if (l1 == 0f) {
            // L2 alone (the usual case): a loop the JIT vectorizes (signum's compares kept it scalar)
            for (int i = off; i < off + len; i++) {
                g[i] += twoL2 * w[i];
            }
            return;
        }
        for (int i = off; i < off + len; i++) {
            g[i] += l1 * Math.signum(w[i]) + twoL2 * w[i];
        }
    }

    @Override
    public String toString() {
        return "L1L2(l1=" + l1 + ", l2=" + l2 + ")";
    }
}
