package org.jclone.it.bench;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The donor's throughput under an OLTP load before and during a clone: per repetition a baseline
 * window, a clone at default settings, write-back and cleanup, a second baseline, a clone with
 * clone_max_data_bandwidth set, write-back and cleanup, a third baseline and a window with a clone
 * held at {@link #HELD_MIB} MiB/s (InnoDB's page tracking and redo archiving run, almost nothing
 * is copied), which is then let go to finish, and cleanup. The workload runs throughout.
 */
final class DonorImpact {

    enum Kind { BASELINE, CLONE_DEFAULT, CLONE_LIMITED, WRITEBACK, CLONE_HELD }

    /** The held clone's bandwidth limit: the clone is in FILE COPY, copying next to nothing. */
    static final int HELD_MIB = 1;
    /** From the held clone's start to its window: past DROP DATA, into FILE COPY. */
    static final long HELD_SETTLE_MS = 3000;

    /**
     * A stretch of the timeline.
     *
     * @param opsPerSecond  workload statements per second over the window
     * @param cpuBusy       share of the machine's CPU time busy, 0..1
     * @param iowait        share of the machine's CPU time idle waiting for I/O, 0..1
     * @param mysqldCores   mysqld's CPU seconds per second
     */
    record Window(Kind kind, int rep, double start, double end, double opsPerSecond, double cpuBusy, double iowait,
                  double mysqldCores) {
    }

    /** One clone under load and the baseline just before it. */
    record CloneUnderLoad(int rep, int limitMiB, CopyMeasurement copy, Window during, Window baseline) {
        double throughputRatio() {
            return during.opsPerSecond() / baseline.opsPerSecond();
        }

        /** Data the core moved per second of the statement. */
        double achievedMiBPerSecond() {
            long bytes = copy.log() != null && copy.log().bytes() > 0 ? copy.log().bytes() : copy.bytes();
            return bytes / 1048576.0 / copy.seconds();
        }
    }

    /** A window with a clone held at {@link #HELD_MIB} MiB/s, and the baseline just before it. */
    record HeldClone(int rep, Window during, Window baseline) {
        double throughputRatio() {
            return during.opsPerSecond() / baseline.opsPerSecond();
        }
    }

    record Results(List<OltpWorkload.Sample> samples, List<Window> windows, List<CloneUnderLoad> clones,
                   List<HeldClone> held, int limitMiB, boolean limitChosenAutomatically, long completedOps, long failedOps,
                   List<String> errors) {
        List<CloneUnderLoad> unlimited() {
            return clones.stream().filter(c -> c.limitMiB() == 0).toList();
        }

        List<CloneUnderLoad> limited() {
            return clones.stream().filter(c -> c.limitMiB() > 0).toList();
        }
    }

    private final Donor donor;
    private final Copier copier;
    private final OltpWorkload workload;
    private final List<Window> windows = new ArrayList<>();

    private DonorImpact(Donor donor, Copier copier, OltpWorkload workload) {
        this.donor = donor;
        this.copier = copier;
        this.workload = workload;
    }

    static Results run(Donor donor, Copier copier, DataSet dataSet, BenchmarkSettings settings)
            throws SQLException, InterruptedException {
        Map<String, Long> maxIds = new LinkedHashMap<>();
        for (String table : dataSet.tables()) {
            maxIds.put(table, Long.parseLong(donor.server().scalar("SELECT MAX(id) FROM " + table)));
        }
        // Warm page cache: random point reads over a data set larger than the buffer pool reach a
        // steady rate at once instead of climbing through the first baseline.
        PageCache.prepare(PageCache.State.WARM, settings.workDir(), List.of(dataSet.dataDir()));
        int limit = settings.bandwidthMiB();
        List<CloneUnderLoad> clones = new ArrayList<>();
        List<HeldClone> held = new ArrayList<>();
        OltpWorkload workload = new OltpWorkload(donor.server(), dataSet.tables(), maxIds, settings.workloadThreads());
        try (workload) {
            workload.start();
            DonorImpact impact = new DonorImpact(donor, copier, workload);
            BenchLog.info("donor workload: %d threads, warming up for %d s", settings.workloadThreads(),
                    settings.warmupSeconds());
            Thread.sleep(settings.warmupSeconds() * 1000L);
            for (int rep = 1; rep <= settings.repetitions(); rep++) {
                Window baseline = impact.idle(Kind.BASELINE, rep, settings.baselineSeconds());
                CloneUnderLoad unlimited = impact.cloneUnderLoad(rep, 0, baseline);
                clones.add(unlimited);
                if (limit <= 0) {
                    limit = halfOf(unlimited.achievedMiBPerSecond());
                    BenchLog.info("bandwidth limit for the limited clones: %d MiB/s (half of %.1f MiB/s)", limit,
                            unlimited.achievedMiBPerSecond());
                }
                baseline = impact.idle(Kind.BASELINE, rep, settings.baselineSeconds());
                clones.add(impact.cloneUnderLoad(rep, limit, baseline));
                baseline = impact.idle(Kind.BASELINE, rep, settings.baselineSeconds());
                held.add(impact.heldClone(rep, settings.baselineSeconds(), baseline));
            }
            workload.stop();
            return new Results(workload.samples(), List.copyOf(impact.windows), clones, held, limit,
                    settings.bandwidthMiB() <= 0, workload.completedOps(), workload.failedOps(), workload.errors());
        } finally {
            donor.resetCloneSettings();
        }
    }

    /** Half the rate, rounded down to a multiple of 5 MiB/s where that is possible, at least 1. */
    static int halfOf(double mibPerSecond) {
        int half = (int) (mibPerSecond / 2);
        return half >= 10 ? half / 5 * 5 : Math.max(1, half);
    }

    private Window idle(Kind kind, int rep, int seconds) throws InterruptedException {
        Meter meter = new Meter();
        Thread.sleep(seconds * 1000L);
        return record(meter.end(kind, rep));
    }

    private CloneUnderLoad cloneUnderLoad(int rep, int limitMiB, Window baseline) throws SQLException, InterruptedException {
        donor.configureClone(16, true, limitMiB);
        Path target = copier.nextTarget(limitMiB == 0 ? "under-load" : "under-load-limited");
        Kind kind = limitMiB == 0 ? Kind.CLONE_DEFAULT : Kind.CLONE_LIMITED;
        Meter meter = new Meter();
        Window[] during = new Window[1];
        Meter[] writeback = new Meter[1];
        CopyMeasurement copy = copier.clone(target, () -> {
            during[0] = record(meter.end(kind, rep));
            writeback[0] = new Meter();
        });
        copier.remove(target);
        Thread.sleep(2000); // let the deletion settle before the next baseline
        record(writeback[0].end(Kind.WRITEBACK, rep));
        CloneUnderLoad result = new CloneUnderLoad(rep, limitMiB, copy, during[0], baseline);
        BenchLog.info("rep %d, clone under load%s: %.2f s, %.1f MiB/s; workload %.0f -> %.0f ops/s (%.0f%%)", rep,
                limitMiB == 0 ? "" : " limited to " + limitMiB + " MiB/s", copy.seconds(),
                result.achievedMiBPerSecond(), baseline.opsPerSecond(), during[0].opsPerSecond(),
                100 * result.throughputRatio());
        return result;
    }

    /**
     * A clone held at {@link #HELD_MIB} MiB/s, measured for {@code seconds} once it is in FILE COPY,
     * then let go (the limit lifted) to finish unmeasured, and removed.
     */
    private HeldClone heldClone(int rep, int seconds, Window baseline) throws SQLException, InterruptedException {
        donor.configureClone(16, true, HELD_MIB);
        Path target = copier.nextTarget("under-load-held");
        Throwable[] failure = new Throwable[1];
        Thread clone = new Thread(() -> {
            try {
                copier.clone(target);
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "held-clone");
        clone.start();
        Window during;
        try {
            Thread.sleep(HELD_SETTLE_MS);
            during = idle(Kind.CLONE_HELD, rep, seconds);
        } finally {
            donor.configureClone(16, true, 0);
            clone.join();
        }
        if (failure[0] != null) {
            throw new IllegalStateException("the clone held at " + HELD_MIB + " MiB/s failed", failure[0]);
        }
        copier.remove(target);
        Thread.sleep(2000); // let the deletion settle before the next baseline
        HeldClone result = new HeldClone(rep, during, baseline);
        BenchLog.info("rep %d, clone held at %d MiB/s for %d s: workload %.0f -> %.0f ops/s (%.0f%%)", rep, HELD_MIB,
                seconds, baseline.opsPerSecond(), during.opsPerSecond(), 100 * result.throughputRatio());
        return result;
    }

    private Window record(Window w) {
        windows.add(w);
        return w;
    }

    /** Counters at the start of a window. */
    private final class Meter {
        private final double start = workload.secondsSinceStart();
        private final long ops = workload.completedOps();
        private final ProcFs.CpuTicks ticks = ProcFs.CpuTicks.now();
        private final double mysqldCpu = donor.cpuSeconds();

        Window end(Kind kind, int rep) {
            double end = workload.secondsSinceStart();
            double length = Math.max(end - start, 1e-9);
            ProcFs.CpuTicks now = ProcFs.CpuTicks.now();
            return new Window(kind, rep, start, end, (workload.completedOps() - ops) / length,
                    now.busyShareSince(ticks), now.iowaitShareSince(ticks), (donor.cpuSeconds() - mysqldCpu) / length);
        }
    }
}
