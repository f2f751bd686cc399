package org.jclone.it.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the benchmark reads from /proc: resident memory and CPU time of mysqld, the machine's CPU use. */
final class ProcFs {

    /** USER_HZ: the unit of the tick counts in /proc/[pid]/stat and /proc/stat (100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcFs() {
    }

    /** VmRSS of a process, in bytes. */
    static long residentBytes(long pid) {
        for (String line : lines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for pid " + pid);
    }

    /** User plus system CPU seconds a process has used so far. */
    static double cpuSeconds(long pid) {
        String stat = String.join(" ", lines(Path.of("/proc/" + pid + "/stat")));
        // Fields after the command name (which may hold spaces and parentheses).
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    }

    /** The machine's CPU tick counters at one instant (first line of /proc/stat). */
    record CpuTicks(long busy, long iowait, long total) {
        static CpuTicks now() {
            String[] f = lines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long user = Long.parseLong(f[1]);
            long nice = Long.parseLong(f[2]);
            long system = Long.parseLong(f[3]);
            long idle = Long.parseLong(f[4]);
            long iowait = Long.parseLong(f[5]);
            long irq = Long.parseLong(f[6]);
            long softirq = Long.parseLong(f[7]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            long busy = user + nice + system + irq + softirq + steal;
            return new CpuTicks(busy, iowait, busy + idle + iowait);
        }

        /** Share of all CPUs' time that was busy between {@code earlier} and this, 0..1. */
        double busyShareSince(CpuTicks earlier) {
            long total = this.total - earlier.total;
            return total <= 0 ? 0 : (double) (busy - earlier.busy) / total;
        }

        /** Share of all CPUs' time spent idle waiting for I/O between {@code earlier} and this, 0..1. */
        double iowaitShareSince(CpuTicks earlier) {
            long total = this.total - earlier.total;
            return total <= 0 ? 0 : (double) (iowait - earlier.iowait) / total;
        }
    }

    static String loadAverage() {
        String[] f = lines(Path.of("/proc/loadavg")).get(0).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    static java.util.List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
