package org.jclone.core.local;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jclone.core.error.CloneException;
import org.jclone.core.error.MysqlError;

/** One clone at a time, as MySQL's plugin allows. */
public final class CloneRegistry {
    public static final int MAX_CONCURRENT_CLONES = 1;

    private static final AtomicReference<Object> RUNNING = new AtomicReference<>();
    /** Donor sessions serving recipients: they run the plugin's code too, so UNINSTALL must wait. */
    private static final AtomicInteger DONATING = new AtomicInteger();

    private CloneRegistry() {}

    public static void enter(Object clone) throws CloneException {
        if (!RUNNING.compareAndSet(null, clone)) {
            throw MysqlError.ER_CLONE_TOO_MANY_CONCURRENT_CLONES.exception(MAX_CONCURRENT_CLONES);
        }
    }

    public static void leave(Object clone) {
        RUNNING.compareAndSet(clone, null);
    }

    public static boolean inProgress() {
        return RUNNING.get() != null || DONATING.get() > 0;
    }

    public static void donorStarted() {
        DONATING.incrementAndGet();
    }

    public static void donorEnded() {
        DONATING.decrementAndGet();
    }
}
