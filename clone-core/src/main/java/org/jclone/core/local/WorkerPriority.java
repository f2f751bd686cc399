package org.jclone.core.local;

import static org.jclone.core.error.BestEffort.bestEffort;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jclone.core.io.OsCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU priority of a clone's worker threads: each raises its own nice value by
 * {@link #DEFAULT_INCREMENT} when it starts (clone_java_options=-Djclone.workerNice=N, 0 to 19,
 * chooses another; 0 leaves them as the server's threads). Under CPU contention the server's
 * queries then come first and the workers take what is left; on an idle server they get every
 * core all the same. Only workers are lowered: they are the clone's own threads and end with it,
 * whereas the master task runs on the client's session thread, which the server reuses for later
 * connections and whose priority could not be raised back without CAP_SYS_NICE.
 */
final class WorkerPriority {
    /** The JVM system property with the nice increment. */
    static final String PROPERTY = "jclone.workerNice";
    static final int DEFAULT_INCREMENT = 10;
    /** The kernel's highest nice value: no increment goes further. */
    static final int MAX_INCREMENT = 19;

    static final WorkerPriority CONFIGURED = new WorkerPriority(of(System.getProperty(PROPERTY)), OsCalls::current);

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPriority.class);

    private final int increment;
    private final Supplier<OsCalls> os;
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    WorkerPriority(int increment, Supplier<OsCalls> os) {
        this.increment = increment;
        this.os = os;
    }

    /** The increment {@code value} names (0 to 19); any other value or none: the default. */
    static int of(String value) {
        if (value != null) {
            try {
                int parsed = Integer.parseInt(value.trim());
                if (parsed >= 0 && parsed <= MAX_INCREMENT) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // the default, as for a missing value
            }
        }
        return DEFAULT_INCREMENT;
    }

    int increment() {
        return increment;
    }

    /**
     * Lowers the calling thread's priority; a thread that cannot be lowered runs as it is (logged
     * once per server: it happens on every worker alike).
     */
    void lowerCurrentThread() {
        if (increment == 0) {
            return;
        }
        int rc = os.get().raiseThreadNice(increment);
        if (rc < 0 && failureLogged.compareAndSet(false, true)) {
            bestEffort("log a worker priority left as it was", () -> LOG.warn(
                    "Clone worker threads keep the server's CPU priority: raising their nice value by {} failed: {}",
                    increment, os.get().errorText(-rc)));
        }
    }
}
