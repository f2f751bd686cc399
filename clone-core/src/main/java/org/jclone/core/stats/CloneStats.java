package org.jclone.core.stats;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes moved by a clone, in total and in its current stage, shared by all tasks.
 * Stage changes come from InnoDB's state-change acknowledgements.
 */
public final class CloneStats {
    private final long startNanos = System.nanoTime();
    private final AtomicLong totalBytes = new AtomicLong();
    private final AtomicLong stageBytes = new AtomicLong();
    private volatile long stageStartNanos = startNanos;
    private volatile long stageEstimate;
    private volatile int stage;

    public void add(long bytes) {
        totalBytes.addAndGet(bytes);
        stageBytes.addAndGet(bytes);
    }

    /** Starts the next stage; returns the finished stage's bytes and seconds. */
    public synchronized StageSummary nextStage(long estimate) {
        long now = System.nanoTime();
        StageSummary finished = new StageSummary(stage, stageBytes.getAndSet(0),
                (now - stageStartNanos) / 1e9, stageEstimate);
        stage++;
        stageEstimate = estimate;
        stageStartNanos = now;
        return finished;
    }

    public synchronized StageSummary currentStage() {
        return new StageSummary(stage, stageBytes.get(), (System.nanoTime() - stageStartNanos) / 1e9,
                stageEstimate);
    }

    public long totalBytes() {
        return totalBytes.get();
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** One stage's figures. */
    public record StageSummary(int stage, long bytes, double seconds, long estimate) {
        public double mibPerSecond() {
            return seconds <= 0 ? 0 : bytes / (1024.0 * 1024.0) / seconds;
        }
    }
}
