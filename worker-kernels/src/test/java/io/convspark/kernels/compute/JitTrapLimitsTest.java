package io.convspark.kernels.compute;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class JitTrapLimitsTest {
    @Test
    void testJvmsRunWithTheRaisedLimits() {
        // Surefire's argLine carries the same flags as conf/jvm/jdk17.options
        assertTrue(ManagementFactory.getRuntimeMXBean().getInputArguments().containsAll(JitTrapLimits.FLAGS),
                "argLine lacks " + JitTrapLimits.FLAGS);
        assertTrue(JitTrapLimits.raised());
    }

    @Test
    void jvmOptionsFileCarriesTheFlags() throws Exception {
        java.nio.file.Path options = java.nio.file.Path.of("..", "conf", "jvm", "jdk17.options");
        assertTrue(java.nio.file.Files.readAllLines(options).containsAll(JitTrapLimits.FLAGS),
                options + " lacks " + JitTrapLimits.FLAGS);
    }
}
