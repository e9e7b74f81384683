package io.convspark.driver.ml;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idle {@link ScoringReplica}s of this executor JVM (or replicas of any other kind {@code R}), so that its tasks build the model once, not once per
 * task. A fresh replica pays the model file's parsing, a kernel thread pool and, on its first batch, the
 * allocation and first touch of every activation workspace (about 100 MB for mnist-deitel at batch 256):
 * with one replica per task, the first batch of each of a scoring's tasks ran up to 3x slower than the rest.
 *
 * <p>A task borrows an idle replica built for the same model and settings, or builds one, and gives it back
 * when it completes. The pool never holds more replicas than tasks ran at once, and keeps those of one key
 * only (the latest model scored here): a task of another model closes the idle ones of the previous key, and
 * replicas of an older key are closed when they come back.
 */
final class ScoringReplicaPool<R extends AutoCloseable> {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringReplicaPool.class);
    private static final ScoringReplicaPool<ScoringReplica> EXECUTOR_WIDE = new ScoringReplicaPool<>();

    private String key;
    private final Deque<R> idle = new ArrayDeque<>();
    private int built;

    /** The pool of this JVM. */
    static ScoringReplicaPool<ScoringReplica> executorWide() {
        return EXECUTOR_WIDE;
    }

    /** An idle replica made for {@code key}, or a new one from {@code build}. */
    R borrow(String key, Supplier<R> build) {
        List<R> stale = new ArrayList<>();
        synchronized (this) {
            if (key.equals(this.key) && !idle.isEmpty()) {
                return idle.pop();
            }
            if (!key.equals(this.key)) {
                stale.addAll(idle);
                idle.clear();
                this.key = key;
                built = 0;
            }
            built++;
            LOG.debug("Building scoring replica {} for {}", built, key);
        }
        stale.forEach(ScoringReplicaPool::closeQuietly);
        return build.get();
    }

    /** Takes {@code replica} back once its task is done with it. */
    void giveBack(String key, R replica) {
        synchronized (this) {
            if (key.equals(this.key)) {
                idle.push(replica);
                return;
            }
        }
        closeQuietly(replica);
    }

    /** Idle replicas held now. */
    synchronized int idleCount() {
        return idle.size();
    }

    /** Replicas built for the current key since it became current. */
    synchronized int builtCount() {
        return built;
    }

    /** The key of the replicas this pool keeps, or null before the first borrow. */
    synchronized String currentKey() {
        return key;
    }

    static void closeQuietly(AutoCloseable replica) {
        try {
            replica.close();
        } catch (Exception e) {
            LOG.warn("Could not close a scoring replica", e);
        }
    }
}
