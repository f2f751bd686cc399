package org.jclone.it.bench;

/**
 * One timed copy of the data directory (a clone or cp -r).
 *
 * @param seconds     wall time until the statement or command returned
 * @param syncSeconds then, the time `sync -f` took to write the rest back to the disk
 * @param bytes       bytes in the copy (sum of file lengths)
 * @param cpuSeconds  CPU time the copier used (mysqld for a clone, cp for cp -r)
 * @param log         what the clone's core logged (null for cp)
 */
record CopyMeasurement(double seconds, double syncSeconds, long bytes, double cpuSeconds, CloneLog log) {

    /** Until the copy is on the disk: the fair comparison whichever side flushes by itself. */
    double durableSeconds() {
        return seconds + syncSeconds;
    }

    double mibPerSecond() {
        return bytes / 1048576.0 / seconds;
    }

    double durableMibPerSecond() {
        return bytes / 1048576.0 / durableSeconds();
    }
}
