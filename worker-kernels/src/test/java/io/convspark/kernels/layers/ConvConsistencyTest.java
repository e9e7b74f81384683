package io.convspark.kernels.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.convspark.kernels.compute.Gemm;
import io.convspark.kernels.compute.JavaGemm;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.compute.NativeGemm;
import io.convspark.kernels.compute.VectorGemm;
import io.convspark.kernels.tensor.Shape;
import io.convspark.kernels.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The convolution layers give the same results with every GEMM back-end (within float rounding),
 * for any executor parallelism, and bitwise the same on repeated runs.
 */
class ConvConsistencyTest {
    private record Case(String name, Supplier<Layer> layer, Shape input) {
    }

    private static final List<Case> CASES = List.of(
            new Case("conv3x3 same", () -> new Conv2D("c", Conv2D.options(8, 3, 3).padding("same")
                    .activation("relu")), Shape.image(5, 12, 11)),
            // 16+ channels in and out: Winograd under the default algorithm choice (F(2x2, 3x3) with 16 lanes)
            new Case("conv3x3 winograd", () -> new Conv2D("c", Conv2D.options(16, 3, 3).padding("same")
                    .activation("elu")), Shape.image(16, 9, 10)),
            // a 16x16 plane has 16 tiles of 4x4: Winograd F(4x4, 3x3) with vectors of up to 16 lanes
            new Case("conv3x3 winograd 4x4", () -> new Conv2D("c", Conv2D.options(16, 3, 3).padding("same")
                    .activation("relu")), Shape.image(16, 16, 16)),
            // lenet5's layers: the direct kernels (filters in the lanes; positions in the lanes for the first)
            new Case("conv 5x5 direct filter lanes", () -> new Conv2D("c", Conv2D.options(16, 5, 5)
                    .activation("tanh")), Shape.image(6, 14, 14)),
            new Case("conv 5x5 direct position lanes", () -> new Conv2D("c", Conv2D.options(6, 5, 5)
                    .activation("tanh")), Shape.image(1, 16, 16)),
            new Case("conv strided dilated", () -> new Conv2D("c", Conv2D.options(6, 3, 3).strides(2)
                    .dilationRate(2).padding(Padding.explicit(1, 2, 0, 1))), Shape.image(3, 13, 14)),
            new Case("conv 1x1", () -> new Conv2D("c", Conv2D.options(7, 1, 1).activation("tanh")),
                    Shape.image(9, 6, 5)),
            new Case("depthwise x2", () -> new DepthwiseConv2D("d", DepthwiseConv2D.options(3, 3).depthMultiplier(2)
                    .padding("same").strides(2)), Shape.image(4, 9, 10)),
            new Case("separable", () -> new SeparableConv2D("s", SeparableConv2D.options(6, 3, 3).depthMultiplier(2)
                    .padding("same").activation("relu")), Shape.image(3, 10, 9)));

    private static final int BATCH = 5;

    /** One forward + backward; returns output, input gradient, then every parameter gradient. */
    static List<float[]> step(Case c, KernelExecutor ex, Gemm gemm) {
        Layer layer = c.layer().get();
        Conv2DTest.buildAndBind(layer, c.input(), 1234);
        StepContext ctx = new StepContext(ex, gemm).training(true);
        Tensor x = Conv2DTest.randomInput(c.input(), BATCH, 99);
        Tensor y = Conv2DTest.forward(layer, x, ctx);
        Tensor dy = Conv2DTest.randomInput(layer.outputShape(), BATCH, 98);
        Tensor dx = new Tensor(c.input(), BATCH);
        List<float[]> out = new ArrayList<>();
        out.add(y.toArray());
        layer.backward(new Tensor[] {x}, y, dy, new Tensor[] {dx}, ctx);
        out.add(dx.toArray());
        for (Parameter p : layer.parameters()) {
            out.add(java.util.Arrays.copyOfRange(p.grads(), p.offset(), p.offset() + p.size()));
        }
        return out;
    }

    private static final String[] PARTS = {"output", "input gradient", "parameter gradient"};

    /** |a - b| <= rtol * max(|a|, |b|, rms of the expected tensor): relative, robust to cancellation near 0. */
    private static void assertRelative(List<float[]> expected, List<float[]> actual, double rtol, String what) {
        assertEquals(expected.size(), actual.size());
        for (int t = 0; t < expected.size(); t++) {
            float[] e = expected.get(t);
            float[] a = actual.get(t);
            double sq = 0;
            for (float v : e) {
                sq += (double) v * v;
            }
            double rms = Math.sqrt(sq / Math.max(1, e.length));
            for (int i = 0; i < e.length; i++) {
                double scale = Math.max(rms, Math.max(Math.abs(e[i]), Math.abs(a[i])));
                if (!(Math.abs(e[i] - a[i]) <= rtol * scale)) {
                    throw new AssertionError(what + ", " + PARTS[Math.min(t, 2)] + " #" + t + " element " + i
                            + ": expected " + e[i] + " but was " + a[i]);
                }
            }
        }
    }

    @Test
    void wideThreeByThreeLayersTakeWinograd() {
        Layer layer = CASES.get(1).layer().get();
        layer.build(List.of(CASES.get(1).input()));
        // 9 x 10 outputs: 3 x 3 tiles of 4x4, F(4x4) where they fill a vector (8 lanes or fewer)
        assertEquals(VectorGemm.lanes() <= 9 ? "winograd-4x4-3x3" : "winograd-2x2-3x3", ((Conv2D) layer).algorithm());
    }

    @Test
    void lenet5sLayersTakeTheDirectKernels() {
        for (int i = 3; i <= 4; i++) {
            Layer layer = CASES.get(i).layer().get();
            layer.build(List.of(CASES.get(i).input()));
            assertEquals(i == 3 ? "direct-filter-lanes" : "direct-position-lanes", ((Conv2D) layer).algorithm());
        }
    }

    @Test
    void vectorGemmAgreesWithJavaGemm() {
        try (KernelExecutor ex = new KernelExecutor(2)) {
            for (Case c : CASES) {
                assertRelative(step(c, ex, new JavaGemm()), step(c, ex, new VectorGemm()), 1e-4, c.name() + " vector");
            }
        }
    }

    @Test
    void nativeGemmAgreesWithJavaGemm() {
        Gemm nativeGemm;
        try {
            nativeGemm = NativeGemm.loadNative();
        } catch (Throwable notLoadable) {
            Assumptions.abort("native BLAS not loadable here: " + notLoadable);
            return;
        }
        try (KernelExecutor ex = new KernelExecutor(2)) {
            for (Case c : CASES) {
                assertRelative(step(c, ex, new JavaGemm()), step(c, ex, nativeGemm), 1e-4, c.name() + " native");
            }
        }
    }

    @Test
    void parallelismDoesNotChangeResults() {
        try (KernelExecutor one = new KernelExecutor(1); KernelExecutor two = new KernelExecutor(2);
             KernelExecutor three = new KernelExecutor(3)) {
            for (Case c : CASES) {
                List<float[]> serial = step(c, one, new JavaGemm());
                for (KernelExecutor ex : new KernelExecutor[] {two, three}) {
                    List<float[]> parallel = step(c, ex, new JavaGemm());
                    // Forward and input gradients are computed per sample: identical bits.
                    assertArrayEquals(serial.get(0), parallel.get(0), c.name() + " output");
                    assertArrayEquals(serial.get(1), parallel.get(1), c.name() + " input gradient");
                    // Parameter gradients sum over samples in per-slot groups: equal within float rounding
                    // (F(4x4, 3x3) rounds more: its kernel gradient transform has coefficients up to 8).
                    assertRelative(serial, parallel, c.name().contains("winograd") ? 5e-5 : 1e-5,
                            c.name() + " parallelism " + ex.parallelism());
                }
            }
        }
    }

    @Test
    void repeatedRunsAreBitwiseIdentical() {
        try (KernelExecutor ex = new KernelExecutor(2)) {
            for (Case c : CASES) {
                List<float[]> first = step(c, ex, new JavaGemm());
                for (int r = 0; r < 3; r++) {
                    List<float[]> again = step(c, ex, new JavaGemm());
                    for (int t = 0; t < first.size(); t++) {
                        assertArrayEquals(first.get(t), again.get(t), c.name() + " run " + r + " part " + t);
                    }
                }
            }
        }
    }

    @Test
    void oneLayerGivesTheSameResultStepAfterStep() {
        // Workspaces are reused between steps: a second step on the same layer must not see stale data.
        try (KernelExecutor ex = new KernelExecutor(2)) {
            for (Case c : CASES) {
                Layer layer = c.layer().get();
                Conv2DTest.buildAndBind(layer, c.input(), 5);
                StepContext ctx = new StepContext(ex, new JavaGemm());
                Tensor small = Conv2DTest.randomInput(c.input(), 2, 1);
                Tensor big = Conv2DTest.randomInput(c.input(), 7, 2);
                float[] before = Conv2DTest.forward(layer, small, ctx).toArray();
                Tensor yBig = Conv2DTest.forward(layer, big, ctx);
                Tensor dyBig = Conv2DTest.randomInput(layer.outputShape(), 7, 3);
                layer.backward(new Tensor[] {big}, yBig, dyBig, new Tensor[] {new Tensor(c.input(), 7)}, ctx);
                assertArrayEquals(before, Conv2DTest.forward(layer, small, ctx).toArray(), c.name());
            }
        }
    }
}
