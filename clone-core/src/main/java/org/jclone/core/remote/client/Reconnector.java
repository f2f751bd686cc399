package org.jclone.core.remote.client;

import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * The recipient's way back to the donor after a network failure: one attempt at once, then
 * one every interval (5 s, as MySQL's recipient) until the donor's
 * clone_donor_timeout_after_network_failure, counted from the failure, runs out. A KILL of
 * the clone's statement ends the wait within a tenth of a second.
 */
final class Reconnector {
    static final long DEFAULT_INTERVAL_NANOS = 5_000_000_000L;
    private static final long POLL_MILLIS = 100;

    /** How a wait ended: a connection (not 0), or none because of a KILL or the deadline. */
    record Outcome(long connection, boolean killed, int attempts, long waitedNanos) {}

    private final long intervalNanos;
    private final BooleanSupplier killed;

    Reconnector(long intervalNanos, BooleanSupplier killed) {
        this.intervalNanos = intervalNanos;
        this.killed = killed;
    }

    /**
     * Tries {@code connect} (0: failed) until it succeeds, the statement is killed, or
     * {@code deadlineNanos} (System.nanoTime based) passes; {@code failedAttempt} hears each
     * failed attempt's number.
     */
    Outcome reconnect(long startedNanos, long deadlineNanos, LongSupplier connect, IntConsumer failedAttempt) {
        int attempts = 0;
        while (true) {
            long attemptStart = System.nanoTime();
            attempts++;
            long connection = connect.getAsLong();
            if (connection != 0) {
                return new Outcome(connection, false, attempts, System.nanoTime() - startedNanos);
            }
            failedAttempt.accept(attempts);
            long next = attemptStart + intervalNanos;
            while (true) {
                if (killed.getAsBoolean()) {
                    return new Outcome(0, true, attempts, System.nanoTime() - startedNanos);
                }
                long now = System.nanoTime();
                if (now - deadlineNanos >= 0) {
                    return new Outcome(0, false, attempts, now - startedNanos);
                }
                if (now - next >= 0) {
                    break;
                }
                try {
                    Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, (Math.min(next, deadlineNanos) - now) / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Outcome(0, true, attempts, System.nanoTime() - startedNanos);
                }
            }
        }
    }
}
