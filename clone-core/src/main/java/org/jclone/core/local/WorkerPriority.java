package org.jclone.core.local;

import static org.jclone.core.error.BestEffort.bestEffort;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jclone.core.io.OsCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU priority of a clone's worker threads. By default they run at the server's, as MySQL's
 * plugin's do; clone_java_options=-Djclone.workerNice=N (1 to 19) has each worker raise its own
 * nice value by N when it starts, so that under CPU contention the server's queries come first
 * and the workers take what is left (an idle server gives them every core all the same). Only
 * workers are lowered: they are the clone's own threads and end with it, whereas the master task
 * runs on the client's session thread, which the server reuses for later connections and whose
 * priority could not be raised back without CAP_SYS_NICE. Not the default: under the
 * benchmark's OLTP load the clone's own CPU was not what the load lost (docs/clone-local.md).
 */
final class WorkerPriority {
    /** The JVM system property with the nice increment. */
    static final String PROPERTY = "jclone.workerNice";
    static final int DEFAULT_INCREMENT = 0;
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

    /** The increment {@code value} names (0 to 19); any other value or none: the default (0). */
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
