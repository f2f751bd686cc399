package org.jclone.core.error;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The first error of a clone: every task records into one place, the first
 * record wins, and all tasks poll it so they stop soon after any one fails.
 */
public final class Failure {
    private final AtomicReference<CloneException> first = new AtomicReference<>();

    /** Records {@code error} unless an earlier one is there; returns its code. */
    public int record(CloneException error) {
        first.compareAndSet(null, error);
        return error.code();
    }

    /** Records an unexpected Java failure as an internal error. */
    public int record(Throwable thrown) {
        if (thrown instanceof CloneException clone) {
            return record(clone);
        }
        String what = thrown instanceof OutOfMemoryError
                ? "the clone engine ran out of Java memory (" + thrown.getMessage() + ")"
                : "the clone engine failed: " + thrown;
        return record(new CloneException(MysqlError.ER_INTERNAL_ERROR.code(),
                MysqlError.ER_INTERNAL_ERROR.message(what), thrown));
    }

    /** Records an error code reported by the server or InnoDB, if nothing better is known. */
    public int recordCode(int code, String context) {
        if (code != 0) {
            first.compareAndSet(null, new CloneException(code, context));
        }
        return code;
    }

    /** Forgets the error: a remote clone resumes after a network failure. */
    public void clear() {
        first.set(null);
    }

    public boolean failed() {
        return first.get() != null;
    }

    public CloneException get() {
        return first.get();
    }
}
