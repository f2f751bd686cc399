package org.jclone.core.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        FakeTime time = new FakeTime();
        time.limit.set(1);
        BandwidthThrottle throttle = new BandwidthThrottle(time.limit::get, time.now::get, time::sleep);
        assertFalse(throttle.pace(100 * MIB, () -> true));
        assertEquals(0, time.slept.get());
    }

    /** A clock that only the sleeper moves, and the limit as SET GLOBAL leaves it. */
    private static final class FakeTime {
        final AtomicLong now = new AtomicLong();
        final AtomicLong limit = new AtomicLong();
        final AtomicLong slept = new AtomicLong();
        volatile Runnable atFirstSleep = () -> {};

        void sleep(long millis) {
            if (slept.getAndAdd(millis) == 0) {
                atFirstSleep.run();
            }
            now.addAndGet(millis * 1_000_000);
        }
    }

    @Test
    void aTaskSleepingOnAnOldReservationRunsAtOnceWhenTheLimitBecomesZero() {
        FakeTime time = new FakeTime();
        time.limit.set(1);
        time.atFirstSleep = () -> time.limit.set(0);
        BandwidthThrottle throttle = new BandwidthThrottle(time.limit::get, time.now::get, time::sleep);

        // 100 MiB at 1 MiB/s reserves 100 s; SET GLOBAL clone_max_data_bandwidth = 0 during the first slice.
        assertTrue(throttle.pace(100 * MIB, () -> false));

        assertEquals(50, time.slept.get(), "slept past the change, in fake milliseconds");
        // The schedule is free again: the next piece does not wait for the old reservation either.
        assertEquals(time.now.get(), throttle.reserve(100 * MIB));
    }

    @Test
    void aHigherLimitShortensAWaitAlreadyReserved() {
        FakeTime time = new FakeTime();
        time.limit.set(1);
        time.atFirstSleep = () -> time.limit.set(100);
        BandwidthThrottle throttle = new BandwidthThrottle(time.limit::get, time.now::get, time::sleep);

        assertTrue(throttle.pace(100 * MIB, () -> false));

        // 50 ms at 1 MiB/s, then the 99.95 s still owed is owed at 100 MiB/s: 0.9995 s more.
        assertEquals(50 + 1000, time.slept.get(), 1);
    }

    @Test
    void aLowerLimitLengthensTheSharedSchedule() {
        AtomicLong now = new AtomicLong(0);
        AtomicLong limit = new AtomicLong(10);
        BandwidthThrottle throttle = new BandwidthThrottle(limit::get, now::get);

        assertEquals(SECOND, throttle.reserve(10 * MIB));
        limit.set(5);
        // The second still owed now takes two, and the next 5 MiB one more.
        assertEquals(3 * SECOND, throttle.reserve(5 * MIB));
    }
}
