package org.jclone.core.stats;

import java.util.concurrent.atomic.AtomicLong;

/** Bytes moved by a clone and its elapsed time, shared by all tasks. */
public final class CloneStats {
    private final long startNanos = System.nanoTime();
    private final AtomicLong totalBytes = new AtomicLong();

    public void add(long bytes) {
        totalBytes.addAndGet(bytes);
    }

    public long totalBytes() {
        return totalBytes.get();
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
