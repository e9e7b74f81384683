package io.convspark.kernels.compute;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of threads that runs a range of work split into {@link #parallelism()} contiguous
 * slots. Slot {@code s} always gets the same sub-range for the same {@code n}, so per-slot workspaces
 * and per-slot partial sums (reduced in slot order) make results independent of thread scheduling.
 * Threads are created once; the calling thread runs slot 0.
 *
 * <p>A training step makes dozens of parallel loops with short serial gaps between them. A parked
 * thread takes 50-75 us to wake up on these machines (measured: a two-slot loop with an empty body
 * after 0.1-2 ms of idleness), which at 2 threads cost about a tenth of mnist-deitel's 20 ms step. So
 * the workers, and the caller waiting for them, spin for up to {@code -Dconvspark.kernel.spinMicros}
 * (default {@value #DEFAULT_SPIN_MICROS}) before parking; not when there are more threads than
 * processors, where a spinning thread would hold back one that computes. A loop started while another runs on the
 * same executor (from another thread, or nested in a loop body) runs its slots one after another on
 * its own thread: the same sub-ranges and slot numbers, so the same results.
 */
public final class KernelExecutor implements AutoCloseable {
    /** Body of a parallel loop over {@code [from, to)}, run as slot {@code slot}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int slot, int from, int to);
    }

    static final long DEFAULT_SPIN_MICROS = 1000;
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(
            Long.getLong("convspark.kernel.spinMicros", DEFAULT_SPIN_MICROS));

    private static volatile KernelExecutor shared;

    private final int parallelism;
    /** How long a worker, or the caller, spins before parking. */
    private final long spinNanos;
    /** Slots 1 .. parallelism-1. */
    private final Worker[] workers;
    /** Held by the thread whose loop the workers run. */
    private final AtomicBoolean busy = new AtomicBoolean();
    /** Worker slots of the running loop not yet finished. */
    private final AtomicInteger pending = new AtomicInteger();
    /** The loop's caller, once it parks waiting for the workers. */
    private volatile Thread waiter;
    private volatile Throwable failure;
    private volatile boolean closed;

    public KernelExecutor(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
        }
        this.parallelism = parallelism;
        this.spinNanos = parallelism <= Runtime.getRuntime().availableProcessors() ? SPIN_NANOS : 0;
        this.workers = new Worker[parallelism - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker("convspark-kernel-" + (i + 1));
            workers[i].start();
        }
    }

    /**
     * The process-wide executor: {@code -Dconvspark.threads=N}, else all available processors.
     * Spark executors size it to the task's cores with {@link #setShared(int)}.
     */
    public static KernelExecutor shared() {
        KernelExecutor e = shared;
        if (e == null) {
            synchronized (KernelExecutor.class) {
                if (shared == null) {
                    shared = new KernelExecutor(Integer.getInteger("convspark.threads",
                            Runtime.getRuntime().availableProcessors()));
                }
                e = shared;
            }
        }
        return e;
    }

    /** Replaces the process-wide executor (e.g. to match {@code spark.task.cpus}). */
    public static synchronized void setShared(int parallelism) {
        if (shared != null && shared.parallelism == parallelism) {
            return;
        }
        KernelExecutor old = shared;
        shared = new KernelExecutor(parallelism);
        if (old != null) {
            old.close();
        }
    }

    public int parallelism() {
        return parallelism;
    }

    /** The sub-range {@code [from, to)} that slot {@code s} of {@code slots} gets out of {@code n}. */
    public static int splitStart(int n, int slots, int s) {
        return (int) ((long) n * s / slots);
    }

    /** Runs {@code body} over {@code [0, n)} split into at most {@link #parallelism()} slots. */
    public void parallelFor(int n, RangeBody body) {
        parallelFor(n, 1, body);
    }

    /**
     * Runs {@code body} over {@code [0, n)} in at most {@link #parallelism()} slots, each at least
     * {@code grain} long (small loops stay on the calling thread).
     */
    public void parallelFor(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int slots = Math.min(parallelism, Math.max(1, n / Math.max(1, grain)));
        if (slots == 1) {
            body.run(0, 0, n);
            return;
        }
        if (closed || !busy.compareAndSet(false, true)) {
            // nested in a loop body, or another thread's loop is running: the same slots, in turn
            for (int s = 0; s < slots; s++) {
                body.run(s, splitStart(n, slots, s), splitStart(n, slots, s + 1));
            }
            return;
        }
        try {
            failure = null;
            pending.set(slots - 1);
            for (int s = 1; s < slots; s++) {
                workers[s - 1].submit(body, s, splitStart(n, slots, s), splitStart(n, slots, s + 1));
            }
            try {
                body.run(0, 0, splitStart(n, slots, 1));
            } catch (Throwable t) {
                fail(t);
            }
            awaitWorkers();
        } finally {
            busy.set(false);
        }
        Throwable t = failure;
        if (t instanceof RuntimeException re) {
            throw re;
        } else if (t instanceof Error err) {
            throw err;
        } else if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    private void fail(Throwable t) {
        synchronized (this) {
            if (failure == null) {
                failure = t;
            }
        }
    }

    /** Spins until every worker slot is done, then parks (a worker finishing last unparks this thread). */
    private void awaitWorkers() {
        long deadline = System.nanoTime() + spinNanos;
        while (pending.get() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        if (pending.get() == 0) {
            return;
        }
        waiter = Thread.currentThread();
        boolean interrupted = false;
        while (pending.get() > 0) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted();
        }
        waiter = null;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A thread running one slot at a time; between slots it spins, then parks. */
    private final class Worker extends Thread {
        private volatile RangeBody body;
        private volatile boolean sleeping;
        private int slot;
        private int from;
        private int to;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        void submit(RangeBody b, int s, int f, int t) {
            slot = s;
            from = f;
            to = t;
            body = b; // publishes the plain fields above
            if (sleeping) {
                LockSupport.unpark(this);
            }
        }

        @Override
        public void run() {
            while (!closed) {
                RangeBody b = awaitBody();
                if (b == null) {
                    continue;
                }
                try {
                    b.run(slot, from, to);
                } catch (Throwable t) {
                    fail(t);
                }
                body = null;
                if (pending.decrementAndGet() == 0) {
                    Thread w = waiter;
                    if (w != null) {
                        LockSupport.unpark(w);
                    }
                }
            }
        }

        /** The next slot's body: spins for it, then parks until {@link #submit} (or close) wakes this thread. */
        private RangeBody awaitBody() {
            long deadline = System.nanoTime() + spinNanos;
            RangeBody b;
            while ((b = body) == null && !closed && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            if (b != null || closed) {
                return b;
            }
            sleeping = true;
            while ((b = body) == null && !closed) {
                LockSupport.park(this);
            }
            sleeping = false;
            return b;
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }
}
