package org.jclone.core.status;

import java.util.concurrent.TimeUnit;

/**
 * Waits, off the server's startup path, for the server to finish the first start of
 * a cloned directory: the cloned GTIDs reach #status_recovery only after plugins
 * are initialised, and consuming the file earlier would lose them.
 */
final class RecoveryWatcher {
    private static final long POLL_MILLIS = 200;
    private static final long GIVE_UP_MINUTES = 10;

    private final Thread thread;

    private RecoveryWatcher(StatusFiles files, Runnable onDone) {
        this.thread = new Thread(() -> watch(files, onDone), "jclone-recovery-status");
        this.thread.setDaemon(true);
    }

    static RecoveryWatcher start(StatusFiles files, Runnable onDone) {
        RecoveryWatcher watcher = new RecoveryWatcher(files, onDone);
        watcher.thread.start();
        return watcher;
    }

    private static void watch(StatusFiles files, Runnable onDone) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(GIVE_UP_MINUTES);
        try {
            while (!files.serverRecoveryDone() && System.nanoTime() < deadline) {
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            return;
        }
        onDone.run();
    }

    /** Stops the watch without waiting for it: its thread ends at its next poll or lock. */
    void cancel() {
        thread.interrupt();
    }

    void stop() {
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
