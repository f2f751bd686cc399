package org.jclone.core.error;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Telling about a clone (log, status board, the session's error) never decides its outcome. */
public final class BestEffort {
    private static final Logger LOG = LoggerFactory.getLogger(BestEffort.class);

    private BestEffort() {
    }

    /** Runs {@code step}; whatever it throws is logged as "could not {what}", or dropped if logging fails too. */
    public static void bestEffort(String what, Runnable step) {
        try {
            step.run();
        } catch (Throwable t) {
            try {
                LOG.warn("Clone: could not {}: {}", what, t.toString());
            } catch (Throwable ignored) {
                // The log itself failed; there is nowhere left to say it.
            }
        }
    }
}
