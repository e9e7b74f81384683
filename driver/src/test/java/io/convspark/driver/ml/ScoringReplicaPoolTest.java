package io.convspark.driver.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScoringReplicaPoolTest {
    /** A stand-in replica that records whether it was closed. */
    private static final class Replica implements AutoCloseable {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void aReturnedReplicaIsLentAgainForTheSameKey() {
        ScoringReplicaPool<Replica> pool = new ScoringReplicaPool<>();
        Replica first = pool.borrow("m1", Replica::new);
        Replica second = pool.borrow("m1", Replica::new); // two tasks at once: two replicas
        assertNotSame(first, second);
        pool.giveBack("m1", first);
        pool.giveBack("m1", second);
        assertEquals(2, pool.idleCount());
        assertSame(second, pool.borrow("m1", Replica::new));
        assertSame(first, pool.borrow("m1", Replica::new));
        assertEquals(2, pool.builtCount());
        assertFalse(first.closed || second.closed);
    }

    @Test
    void anotherModelClosesTheIdleReplicasAndTheOldOnesWhenTheyComeBack() {
        ScoringReplicaPool<Replica> pool = new ScoringReplicaPool<>();
        Replica idle = pool.borrow("m1", Replica::new);
        Replica busy = pool.borrow("m1", Replica::new);
        pool.giveBack("m1", idle);
        Replica other = pool.borrow("m2", Replica::new);
        assertTrue(idle.closed, "the idle replica of the previous model is closed");
        assertFalse(busy.closed, "a replica in use is left alone");
        pool.giveBack("m1", busy);
        assertTrue(busy.closed, "and closed when its task gives it back");
        pool.giveBack("m2", other);
        assertEquals(1, pool.idleCount());
        assertEquals("m2", pool.currentKey());
        assertFalse(other.closed);
    }
}
