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
    private final Sleeper sleeper;
    private long nextFreeNanos;
    /** The limit the shared schedule was made with; a new one rescales what is still owed. */
    private long scheduleLimit;

    /** Waits between looks at the limit; tests pass one that moves a fake clock. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    public BandwidthThrottle(LongSupplier limitMiBPerSecond) {
        this(limitMiBPerSecond, System::nanoTime, Thread::sleep);
    }

    BandwidthThrottle(LongSupplier limitMiBPerSecond, LongSupplier clock) {
        this(limitMiBPerSecond, clock, Thread::sleep);
    }

    BandwidthThrottle(LongSupplier limitMiBPerSecond, LongSupplier clock, Sleeper sleeper) {
        this.limitMiBPerSecond = limitMiBPerSecond;
        this.clock = clock;
        this.sleeper = sleeper;
        this.nextFreeNanos = clock.getAsLong();
        this.scheduleLimit = limitMiBPerSecond.getAsLong();
    }

    /**
     * Accounts for {@code bytes} just moved and waits until the schedule allows them.
     * The limit is read again at every slice of the wait, so a task sleeping on a
     * reservation made under an old limit wakes as the new one allows: at once for 0.
     * Returns false if {@code cancelled} turned true while waiting.
     */
    public boolean pace(long bytes, BooleanSupplier cancelled) {
        long reservedUnder = limitMiBPerSecond.getAsLong();
        long wakeAt = reserve(bytes, reservedUnder);
        while (true) {
            long now = clock.getAsLong();
            long limit = limitMiBPerSecond.getAsLong();
            if (limit != reservedUnder) {
                adopt(limit, now);
                if (limit <= 0) {
                    return true;
                }
                wakeAt = rescaled(wakeAt, now, reservedUnder, limit);
                reservedUnder = limit;
            }
            long remaining = wakeAt - now;
            if (remaining <= 0) {
                return true;
            }
            if (cancelled.getAsBoolean()) {
                return false;
            }
            try {
                sleeper.sleep(Math.min(SLEEP_SLICE_MILLIS, Math.max(1, remaining / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** When the moved {@code bytes} have been paid for; the schedule is shared by all tasks. */
    synchronized long reserve(long bytes) {
        return reserve(bytes, limitMiBPerSecond.getAsLong());
    }

    private synchronized long reserve(long bytes, long limit) {
        long now = clock.getAsLong();
        adopt(limit, now);
        if (limit <= 0) {
            return now;
        }
        long cost = bytes * NANOS_PER_SECOND / (limit * MIB);
        nextFreeNanos = Math.max(nextFreeNanos, now - MAX_CREDIT_NANOS) + cost;
        return nextFreeNanos;
    }

    /** Makes the shared schedule follow a changed limit: what is still owed is owed at the new rate. */
    private synchronized void adopt(long limit, long now) {
        if (limit == scheduleLimit) {
            return;
        }
        if (limit <= 0) {
            nextFreeNanos = now;
        } else if (scheduleLimit > 0) {
            nextFreeNanos = rescaled(nextFreeNanos, now, scheduleLimit, limit);
        } else {
            nextFreeNanos = now;
        }
        scheduleLimit = limit;
    }

    private static long rescaled(long due, long now, long oldLimit, long newLimit) {
        if (due <= now || oldLimit <= 0) {
            return due;
        }
        return now + (long) ((due - now) * ((double) oldLimit / newLimit));
    }
}
