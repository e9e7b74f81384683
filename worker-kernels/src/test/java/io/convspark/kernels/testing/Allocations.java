package io.convspark.kernels.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Assumptions;

/**
 * Bytes a piece of code allocates on the calling thread once the JIT has compiled it: the guard of
 * the kernels' no-boxing, no-garbage promise (the Vector API allocates until C2 has compiled a
 * kernel, and forever when C2 gives up on inlining it).
 */
public final class Allocations {
    private Allocations() {
    }

    /**
     * Runs {@code pass} until one run allocates at most {@code allowedBytes} or 20 s have gone by,
     * and returns what the last run allocated. Aborts the test where the JVM cannot count.
     */
    public static long afterWarmUp(Runnable pass, long allowedBytes) {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean,
                "allocation counter not available on this JVM");
        com.sun.management.ThreadMXBean counter = (com.sun.management.ThreadMXBean) bean;
        long tid = Thread.currentThread().getId();
        long deadline = System.nanoTime() + 20_000_000_000L;
        long allocated;
        do {
            long before = counter.getThreadAllocatedBytes(tid);
            pass.run();
            allocated = counter.getThreadAllocatedBytes(tid) - before;
        } while (allocated > allowedBytes && System.nanoTime() < deadline);
        return allocated;
    }
}
