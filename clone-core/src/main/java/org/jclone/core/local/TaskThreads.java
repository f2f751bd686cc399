package org.jclone.core.local;

import static org.jclone.core.error.BestEffort.bestEffort;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A clone's worker threads, local or remote: the count of running tasks (the master, on the
 * client's session, is the first), workers started on demand up to clone_max_concurrency at the
 * configured {@link WorkerPriority}, and closing that stops further starts and joins every
 * started thread.
 */
public final class TaskThreads {
    private static final Logger LOG = LoggerFactory.getLogger(TaskThreads.class);

    private final ThreadFactory threads;
    private final String namePrefix;
    private final WorkerPriority priority;
    private final List<Thread> started = new ArrayList<>();
    private volatile int running = 1;
    private int nextIndex = 1;
    private boolean closed;

    /**
     * Threads from {@code threads}, named {@code namePrefix} and the task's index, at the
     * configured {@link WorkerPriority}.
     */
    public TaskThreads(ThreadFactory threads, String namePrefix) {
        this(threads, namePrefix, WorkerPriority.CONFIGURED);
    }

    TaskThreads(ThreadFactory threads, String namePrefix, WorkerPriority priority) {
        this.threads = threads;
        this.namePrefix = namePrefix;
        this.priority = priority;
    }

    /** Tasks running, the master included. */
    public int running() {
        return running;
    }

    /**
     * Starts up to {@code count} workers, each running {@code body} with its task index, while
     * open and below {@code max} tasks; a thread that cannot start ends the additions (nothing
     * was begun for it, so the clone goes on with the tasks it has). Returns the tasks running.
     */
    public synchronized int add(int count, int max, IntConsumer body) {
        for (int i = 0; i < count && !closed && running < max; i++) {
            int index = nextIndex++;
            try {
                Thread worker = threads.newThread(() -> {
                    priority.lowerCurrentThread();
                    body.accept(index);
                });
                worker.setName(namePrefix + index);
                worker.setDaemon(true);
                worker.start();
                started.add(worker);
                running++;
            } catch (Throwable t) {
                int now = running;
                bestEffort("log a task that could not start", () -> LOG.warn(
                        "Clone task {} could not start ({}); going on with {} task(s)", index, t, now));
                break;
            }
        }
        return running;
    }

    /** A worker's task ended: one task fewer. Returns the tasks running. */
    public synchronized int ended() {
        return --running;
    }

    /**
     * InnoDB or the donor would not take a worker (the clone may be finishing): one task fewer,
     * and no more workers, since the next would most likely be refused too. Returns the tasks running.
     */
    public synchronized int refused() {
        closed = true;
        return --running;
    }

    /** A new round of a resumed clone: the master alone again, and workers may start. */
    public synchronized void reopen() {
        running = 1;
        closed = false;
    }

    /** Stops further starts and waits for every started worker to end; keeps an interrupt for the caller. */
    public void closeAndJoin() {
        synchronized (this) {
            closed = true;
        }
        boolean interrupted = false;
        while (true) {
            Thread next;
            synchronized (this) {
                next = started.isEmpty() ? null : started.remove(0);
            }
            if (next == null) {
                break;
            }
            while (next.isAlive()) {
                try {
                    next.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
