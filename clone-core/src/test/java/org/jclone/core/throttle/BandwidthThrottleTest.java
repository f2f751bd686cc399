package org.jclone.core.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BandwidthThrottleTest {
    private static final long MIB = 1024 * 1024;
    private static final long SECOND = 1_000_000_000L;

    @Test
    void schedulesBytesAtTheLimit() {
        AtomicLong now = new AtomicLong(0);
        BandwidthThrottle throttle = new BandwidthThrottle(() -> 10, now::get);

        assertEquals(SECOND / 10, throttle.reserve(MIB));
        assertEquals(2 * SECOND / 10, throttle.reserve(MIB));
        now.set(5 * SECOND);
        // Idle time earns at most half a second of credit.
        assertEquals(5 * SECOND - SECOND / 2 + SECOND / 10, throttle.reserve(MIB));
    }

    @Test
    void zeroMeansUnlimitedAndTheLimitIsReadLive() {
        AtomicLong now = new AtomicLong(0);
        AtomicLong limit = new AtomicLong(0);
        BandwidthThrottle throttle = new BandwidthThrottle(limit::get, now::get);

        assertEquals(0, throttle.reserve(100 * MIB));
        limit.set(100);
        assertEquals(SECOND, throttle.reserve(100 * MIB));
    }

    @Test
    void aCancelledWaitReturnsAtOnce() {
        BandwidthThrottle throttle = new BandwidthThrottle(() -> 1);
        long start = System.nanoTime();
        assertFalse(throttle.pace(100 * MIB, () -> true));
        assertEquals(0, (System.nanoTime() - start) / SECOND);
    }
}
