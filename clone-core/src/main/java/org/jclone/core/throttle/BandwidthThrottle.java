package org.jclone.core.throttle;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Holds the whole clone, all tasks together, to clone_max_data_bandwidth MiB/s.
 * The limit is read on every call, so SET GLOBAL takes effect mid-clone, and
 * a wait is cut into short sleeps so a KILL is noticed at once.
 */
public final class BandwidthThrottle {
    private static final long MIB = 1024L * 1024L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** How far the schedule may run behind before a burst is forgiven. */
    private static final long MAX_CREDIT_NANOS = NANOS_PER_SECOND / 2;
    private static final long SLEEP_SLICE_MILLIS = 50;

    private final LongSupplier limitMiBPerSecond;
    private final LongSupplier clock;
    private long nextFreeNanos;

    public BandwidthThrottle(LongSupplier limitMiBPerSecond) {
        this(limitMiBPerSecond, System::nanoTime);
    }

    BandwidthThrottle(LongSupplier limitMiBPerSecond, LongSupplier clock) {
        this.limitMiBPerSecond = limitMiBPerSecond;
        this.clock = clock;
        this.nextFreeNanos = clock.getAsLong();
    }

    /**
     * Accounts for {@code bytes} just moved and waits until the schedule allows them.
     * Returns false if {@code cancelled} turned true while waiting.
     */
    public boolean pace(long bytes, BooleanSupplier cancelled) {
        long wakeAt = reserve(bytes);
        while (true) {
            long remaining = wakeAt - clock.getAsLong();
            if (remaining <= 0) {
                return true;
            }
            if (cancelled.getAsBoolean()) {
                return false;
            }
            try {
                Thread.sleep(Math.min(SLEEP_SLICE_MILLIS, Math.max(1, remaining / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** When the moved {@code bytes} have been paid for; the schedule is shared by all tasks. */
    synchronized long reserve(long bytes) {
        long limit = limitMiBPerSecond.getAsLong();
        long now = clock.getAsLong();
        if (limit <= 0) {
            nextFreeNanos = now;
            return now;
        }
        long cost = bytes * NANOS_PER_SECOND / (limit * MIB);
        nextFreeNanos = Math.max(nextFreeNanos, now - MAX_CREDIT_NANOS) + cost;
        return nextFreeNanos;
    }
}
