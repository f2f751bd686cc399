package org.jclone.core.local;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.IntSupplier;
import org.jclone.core.error.MysqlError;

/**
 * What one task has begun with InnoDB or the server (a session, the backup lock,
 * a copy task, an apply task, its workers), ended newest first with the error the
 * clone has when each one's turn comes. Every step is ended whatever the others
 * return or throw, so no InnoDB clone handle outlives a failed clone.
 */
public final class BegunSteps {
    /** Ends one step with the clone's error (0 for success); returns InnoDB's or the server's code. */
    @FunctionalInterface
    public interface End {
        int end(int error) throws Exception;
    }

    /** Told about an end that failed; the clone records it so later ends see the error. */
    public interface Trouble {
        void endFailed(String step, int code);

        void endThrew(String step, Throwable thrown);
    }

    private record Step(String name, End end) {}

    private final Deque<Step> steps = new ArrayDeque<>();

    public void begun(String name, End end) {
        steps.push(new Step(name, end));
    }

    /** Ends every step, newest first; {@code error} is asked again before each one. */
    public void endAll(IntSupplier error, Trouble trouble) {
        while (!steps.isEmpty()) {
            Step step = steps.pop();
            int code = 0;
            Throwable thrown = null;
            try {
                code = step.end().end(errorNow(error));
            } catch (Throwable t) {
                thrown = t;
            }
            try {
                if (thrown != null) {
                    trouble.endThrew(step.name(), thrown);
                } else if (code != 0) {
                    trouble.endFailed(step.name(), code);
                }
            } catch (Throwable ignored) {
                // Recording a failed end must not keep the older steps from ending.
            }
        }
    }

    private static int errorNow(IntSupplier error) {
        try {
            return error.getAsInt();
        } catch (Throwable t) {
            return MysqlError.ER_INTERNAL_ERROR.code();
        }
    }
}
