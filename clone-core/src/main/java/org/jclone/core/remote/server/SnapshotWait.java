package org.jclone.core.remote.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What became of a donor snapshot that InnoDB kept after its recipient's connection failed:
 * InnoDB's clone end waits, idle, up to clone_donor_timeout_after_network_failure minutes for
 * a REINIT and says nothing of how the wait ended; this tells the error log. A resumed
 * snapshot is one a REINIT re-began while the wait ran (the donor serves one clone at a time).
 */
final class SnapshotWait {
    private static final AtomicLong RESUMES = new AtomicLong();

    enum Ending {
        RESUMED, KILLED, TIMED_OUT, ENDED_EARLY
    }

    private final long resumesBefore = RESUMES.get();
    private final long startedNanos = System.nanoTime();

    /** A REINIT re-began a waiting snapshot. */
    static void resumed() {
        RESUMES.incrementAndGet();
    }

    /**
     * InnoDB keeps the snapshot of a master task whose connection failed (its network errors:
     * 1158 to 1161); other failures end it at once.
     */
    static boolean kept(boolean master, int error, long timeoutMinutes) {
        return master && error >= 1158 && error <= 1161 && timeoutMinutes > 0;
    }

    long waitedSeconds() {
        return (System.nanoTime() - startedNanos) / 1_000_000_000L;
    }

    /** Once InnoDB's wait returned. Ended early without a resume: a new clone (or DDL) took over. */
    Ending ending(boolean killed, long timeoutMinutes) {
        if (RESUMES.get() != resumesBefore) {
            return Ending.RESUMED;
        }
        if (killed) {
            return Ending.KILLED;
        }
        return waitedSeconds() + 2 >= timeoutMinutes * 60 ? Ending.TIMED_OUT : Ending.ENDED_EARLY;
    }
}
