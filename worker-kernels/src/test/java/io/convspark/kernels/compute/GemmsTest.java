package io.convspark.kernels.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The start-up choice of the GEMM back-end. */
class GemmsTest {
    @Test
    void coreTypesWithoutAvx512AreRecognised() {
        assertFalse(Gemms.forcesKernelsWithoutAvx512(null), "unset: OpenBLAS picks for the CPU");
        assertFalse(Gemms.forcesKernelsWithoutAvx512(" "));
        assertFalse(Gemms.forcesKernelsWithoutAvx512("SkylakeX"));
        assertFalse(Gemms.forcesKernelsWithoutAvx512("COOPERLAKE"));
        assertFalse(Gemms.forcesKernelsWithoutAvx512("sapphirerapids"));
        assertTrue(Gemms.forcesKernelsWithoutAvx512("Haswell"));
        assertTrue(Gemms.forcesKernelsWithoutAvx512("ZEN"));
        assertTrue(Gemms.forcesKernelsWithoutAvx512("Sandybridge"));
    }

    @Test
    void autoTakesTheVectorKernelWhereOpenBlasIsHeldToNarrowKernelsOnWideVectors() {
        assertEquals(new VectorGemm().name(), Gemms.automatic("Haswell", 16).name());
    }

    @Test
    void autoKeepsItsUsualOrderOtherwise() {
        // native where OpenBLAS loads, else the Vector API kernel: never plain Java while the module is present
        for (String coretype : new String[] {null, "SkylakeX"}) {
            assertTrue(Gemms.automatic(coretype, 16).name().matches("native|vector-.*"), coretype);
        }
        // 256-bit vectors: OpenBLAS's AVX2 kernels are the right ones for the CPU
        String expected;
        try {
            NativeGemm.loadNative();
            expected = "native";
        } catch (Throwable notInstalled) {
            expected = new VectorGemm().name();
        }
        assertEquals(expected, Gemms.automatic("Haswell", 8).name());
    }

    @Test
    void unknownNamesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gemms.choose("blis"));
        assertTrue(e.getMessage().contains("auto, native, vector, java; got 'blis'"), e.getMessage());
    }
}
