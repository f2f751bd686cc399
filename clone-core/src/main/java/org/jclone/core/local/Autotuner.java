package org.jclone.core.local;

/**
 * Decides when to add workers while clone_autotune_concurrency is ON: start
 * with one task, and at each interval double the tasks while the last step
 * raised throughput by at least {@link #MIN_GAIN}; stop at the first step that
 * did not, or at clone_max_concurrency.
 */
public final class Autotuner {
    static final long INTERVAL_NANOS = 1_000_000_000L;
    static final double MIN_GAIN = 1.10;

    private final int maxTasks;
    private long intervalStart;
    private long intervalStartBytes;
    private double lastRate;
    private boolean settled;

    public Autotuner(int maxTasks, long nowNanos) {
        this.maxTasks = maxTasks;
        this.intervalStart = nowNanos;
        this.settled = maxTasks <= 1;
    }

    /** How many workers to add now, given the tasks running and the bytes moved so far. */
    public synchronized int workersToAdd(int runningTasks, long totalBytes, long nowNanos) {
        if (settled || nowNanos - intervalStart < INTERVAL_NANOS) {
            return 0;
        }
        double rate = (totalBytes - intervalStartBytes) * 1e9 / (nowNanos - intervalStart);
        intervalStart = nowNanos;
        intervalStartBytes = totalBytes;
        boolean improved = lastRate == 0 || rate >= lastRate * MIN_GAIN;
        lastRate = rate;
        if (!improved || runningTasks >= maxTasks) {
            settled = true;
            return 0;
        }
        return Math.min(runningTasks, maxTasks - runningTasks);
    }
}
