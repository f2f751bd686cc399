package org.jclone.core.remote.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReconnectorTest {
    private static final long MS = 1_000_000L;

    @Test
    void aConnectionAtTheFirstAttemptReturnsAtOnce() {
        Reconnector reconnector = new Reconnector(50 * MS, () -> false);
        long now = System.nanoTime();
        Reconnector.Outcome outcome = reconnector.reconnect(now, now + 10_000 * MS, () -> 42, n -> {
            throw new AssertionError("no failed attempt");
        });
        assertEquals(42, outcome.connection());
        assertEquals(1, outcome.attempts());
        assertFalse(outcome.killed());
    }

    @Test
    void retriesEveryIntervalUntilTheDonorAnswers() {
        AtomicInteger calls = new AtomicInteger();
        List<Integer> failed = new ArrayList<>();
        Reconnector reconnector = new Reconnector(20 * MS, () -> false);
        long now = System.nanoTime();
        Reconnector.Outcome outcome = reconnector.reconnect(now, now + 10_000 * MS,
                () -> calls.incrementAndGet() < 4 ? 0 : 7, failed::add);
        assertEquals(7, outcome.connection());
        assertEquals(4, outcome.attempts());
        assertEquals(List.of(1, 2, 3), failed);
    }

    @Test
    void givesUpAtTheDeadline() {
        Reconnector reconnector = new Reconnector(20 * MS, () -> false);
        long now = System.nanoTime();
        Reconnector.Outcome outcome = reconnector.reconnect(now, now + 150 * MS, () -> 0, n -> { });
        assertEquals(0, outcome.connection());
        assertFalse(outcome.killed());
        assertTrue(outcome.attempts() >= 2, "attempts: " + outcome.attempts());
        assertTrue(outcome.waitedNanos() >= 150 * MS);
    }

    @Test
    void aKillEndsTheWait() {
        AtomicBoolean killed = new AtomicBoolean();
        Reconnector reconnector = new Reconnector(60_000 * MS, killed::get);
        long now = System.nanoTime();
        Reconnector.Outcome outcome = reconnector.reconnect(now, now + 60_000 * MS, () -> 0, n -> killed.set(true));
        assertTrue(outcome.killed());
        assertEquals(0, outcome.connection());
        assertTrue(outcome.waitedNanos() < 5_000 * MS);
    }
}
