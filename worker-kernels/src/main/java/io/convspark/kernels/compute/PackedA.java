package io.convspark.kernels.compute;

/**
 * {@code op(A)} [m x k] prepared once by {@link Gemm#pack} for several products with different B:
 * a layer's transformed weights against every group of samples. A back-end that packs A for its
 * micro-kernels (the Vector API GEMM) keeps the packed panels here, so the products skip that copy;
 * the others read the source matrix at each product. Either way the source must stay unchanged while
 * the prepared matrix is in use. One object is reused from step to step ({@code reuse} in
 * {@link Gemm#pack}), so preparing allocates only when a larger matrix is first seen.
 */
public final class PackedA {
    boolean transA;
    int m;
    int k;
    float[] a;
    int aOff;
    int lda;
    /** The back-end's packed panels, or null where the products read {@link #a}. */
    float[] panels;

    PackedA() {
    }

    /** {@code reuse} (or a new object) describing {@code op(A)} as stored, with no panels. */
    static PackedA describe(PackedA reuse, boolean transA, int m, int k, float[] a, int aOff, int lda) {
        if (m < 0 || k < 0) {
            throw new IllegalArgumentException("pack: sizes must be >= 0, got m=" + m + ", k=" + k);
        }
        PackedA p = reuse != null ? reuse : new PackedA();
        p.transA = transA;
        p.m = m;
        p.k = k;
        p.a = a;
        p.aOff = aOff;
        p.lda = lda;
        return p;
    }

    /** Rows of {@code op(A)}: the rows of every product's C. */
    public int rows() {
        return m;
    }

    /** Columns of {@code op(A)}: the reduction length of every product. */
    public int depth() {
        return k;
    }
}
