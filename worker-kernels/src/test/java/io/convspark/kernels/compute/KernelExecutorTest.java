package io.convspark.kernels.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The executor's contract: every index once, in the slot whose sub-range {@link KernelExecutor#splitStart}
 * gives; failures in any slot reach the caller; loops nested in a body, or started by several threads
 * at once, still run every slot; and loops after the workers parked (idle past the spin time) still run.
 */
@Timeout(60)
class KernelExecutorTest {

    /** Runs one loop and returns, per index, 1 + the slot that ran it (0 if none, and -1 if run twice). */
    private static int[] slotsOf(KernelExecutor ex, int n, int grain) {
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        ex.parallelFor(n, grain, (slot, from, to) -> {
            for (int i = from; i < to; i++) {
                if (!seen.compareAndSet(i, 0, slot + 1)) {
                    seen.set(i, -1);
                }
            }
        });
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = seen.get(i);
        }
        return out;
    }

    private static int[] expectedSlots(int n, int slots) {
        int[] out = new int[n];
        for (int s = 0; s < slots; s++) {
            for (int i = KernelExecutor.splitStart(n, slots, s); i < KernelExecutor.splitStart(n, slots, s + 1); i++) {
                out[i] = s + 1;
            }
        }
        return out;
    }

    @Test
    void everyIndexOnceInItsSlot() {
        for (int p : new int[] {1, 2, 3, 5}) {
            try (KernelExecutor ex = new KernelExecutor(p)) {
                for (int n : new int[] {1, 2, 7, 100, 1001}) {
                    for (int grain : new int[] {1, 3, 50}) {
                        int slots = Math.min(p, Math.max(1, n / grain));
                        for (int repeat = 0; repeat < 50; repeat++) {
                            assertArrayEquals(expectedSlots(n, slots), slotsOf(ex, n, grain),
                                    "parallelism " + p + ", n " + n + ", grain " + grain);
                        }
                    }
                }
            }
        }
    }

    @Test
    void loopsAfterTheWorkersParkedStillRun() throws InterruptedException {
        try (KernelExecutor ex = new KernelExecutor(3)) {
            for (int i = 0; i < 5; i++) {
                // idle well past the spin time: the workers and the caller take the parking path
                Thread.sleep(3 * KernelExecutor.DEFAULT_SPIN_MICROS / 1000 + 2);
                assertArrayEquals(expectedSlots(90, 3), slotsOf(ex, 90, 1));
            }
        }
    }

    @Test
    void aFailureInAnySlotReachesTheCallerAndTheExecutorGoesOn() {
        try (KernelExecutor ex = new KernelExecutor(3)) {
            for (int failing = 0; failing < 3; failing++) {
                int bad = failing;
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> ex.parallelFor(3, 1,
                        (slot, from, to) -> {
                            if (slot == bad) {
                                throw new IllegalStateException("slot " + bad);
                            }
                        }));
                assertEquals("slot " + bad, e.getMessage());
            }
            AssertionError error = new AssertionError("an Error from a worker");
            assertSame(error, assertThrows(AssertionError.class, () -> ex.parallelFor(3, 1, (slot, from, to) -> {
                if (slot == 2) {
                    throw error;
                }
            })));
            Exception checked = new Exception("checked");
            IllegalStateException wrapped = assertThrows(IllegalStateException.class, () -> ex.parallelFor(3, 1,
                    (slot, from, to) -> {
                        if (slot == 1) {
                            sneakyThrow(checked);
                        }
                    }));
            assertSame(checked, wrapped.getCause());
            assertArrayEquals(expectedSlots(10, 3), slotsOf(ex, 10, 1));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void aLoopNestedInABodyRunsItsSlotsInTurn() {
        try (KernelExecutor ex = new KernelExecutor(2)) {
            AtomicIntegerArray inner = new AtomicIntegerArray(2 * 8);
            ex.parallelFor(2, 1, (outer, from, to) -> ex.parallelFor(8, 1, (slot, f, t) -> {
                for (int i = f; i < t; i++) {
                    inner.incrementAndGet(outer * 8 + i);
                    assertEquals(i < 4 ? 0 : 1, slot, "the nested loop keeps its slot ranges");
                }
            }));
            for (int i = 0; i < 16; i++) {
                assertEquals(1, inner.get(i));
            }
        }
    }

    @Test
    void loopsFromSeveralThreadsAtOnceAllRun() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try (KernelExecutor ex = new KernelExecutor(2)) {
            CountDownLatch start = new CountDownLatch(1);
            Future<?>[] done = new Future<?>[4];
            for (int c = 0; c < done.length; c++) {
                done[c] = callers.submit(() -> {
                    start.await();
                    for (int i = 0; i < 500; i++) {
                        assertArrayEquals(expectedSlots(37, 2), slotsOf(ex, 37, 1));
                    }
                    return null;
                });
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aClosedExecutorStillRunsLoopsOnTheCaller() {
        KernelExecutor ex = new KernelExecutor(3);
        ex.close();
        assertArrayEquals(expectedSlots(9, 3), slotsOf(ex, 9, 1));
        assertTrue(ex.parallelism() == 3);
    }
}
