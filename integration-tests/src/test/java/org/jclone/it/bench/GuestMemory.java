package org.jclone.it.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jclone.it.harness.FileTrees;
import org.jclone.it.harness.MysqlDistribution;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.support.CloneOps;
import org.jclone.it.support.DataSets;
import org.jclone.it.support.Workload;

/**
 * Whether mysqld's memory grows with the number of clones (issue 16): a donor with 300 accounts and
 * 100 MiB of blobs under money-moving DML and DDL churn, cloned locally N times in a row (each clone
 * started as a mysqld of its own and checked), mysqld's VmRSS every 10 clones (every N/10 when
 * N < 100); then a second donor
 * built the same way under the same load for the same time without clones, sampled at the same
 * moments. After the last clone the load stops and the idle RSS is read {@code guestIdleSeconds} later.
 */
final class GuestMemory {

    static final int ACCOUNTS = 300;
    static final int BALANCE = 1000;
    /** ~100 KB each: 1,000 rows are the 100 MiB of filler. */
    static final int BLOB_ROWS = 1000;
    /** Clones between readings: 10, or fewer in a short run so that it still shows a series. */
    static int sampleEvery(int clones) {
        return Math.max(1, Math.min(10, clones / 10));
    }
    /**
     * The guests' buffer pool: MySQL's default, smaller than the data (100 MiB of filler that the load
     * rewrites, events that only grow), so that it is full after the warm-up. With the benchmark's 1G
     * the pool kept filling under the load for the whole run and its growth (tens of MiB, more
     * without clones, whose load runs faster) hid what clones add.
     */
    static final String BUFFER_POOL = "128M";
    /** The warm-up ends when VmRSS grew by less than this over {@link #FLAT_WINDOW_SECONDS}. */
    static final double FLAT_MIB = 1.0;
    static final int FLAT_WINDOW_SECONDS = 30;
    /** ... or after this long, whichever comes first (the report states which). */
    static final int MAX_WARMUP_SECONDS = 300;
    private static final String SCHEMA = "bank";
    private static final String BLOBS = SCHEMA + ".filler";

    /** One reading: after {@code clones} clones (or at that moment of the run without clones). */
    record Sample(int clones, double atSeconds, double rssMiB) {
    }

    /**
     * @param withClones    RSS before the first clone (clones = 0) and every 10 clones
     * @param withoutClones the same load without clones, at the same moments
     * @param idleWith      RSS of the cloned donor {@code idleSeconds} after the last clone, load stopped
     * @param idleWithout   the same for the donor without clones
     * @param cloneSeconds  wall time of each clone
     * @param errors        workload errors (none expected)
     * @param warmupWithSeconds    how long the load ran before the first reading (negative: it
     *                             stopped at {@link #MAX_WARMUP_SECONDS} without being flat)
     * @param warmupWithoutSeconds the same for the donor without clones
     */
    record Results(int clones, List<Sample> withClones, List<Sample> withoutClones, double idleWith,
                   double idleWithout, int idleSeconds, List<Double> cloneSeconds, List<String> errors,
                   double warmupWithSeconds, double warmupWithoutSeconds) {

        double beforeFirstClone() {
            return withClones.get(0).rssMiB();
        }

        /** The last reading at or before half the clones. */
        Sample middle() {
            return withClones.stream().filter(s -> s.clones() <= clones / 2).reduce((a, b) -> b).orElseThrow();
        }

        /** RSS growth from {@link #middle()} to the last reading, MiB. */
        double growthSecondHalf() {
            return withClones.get(withClones.size() - 1).rssMiB() - middle().rssMiB();
        }
    }

    private GuestMemory() {
    }

    static Results run(BenchmarkSettings settings) throws Exception {
        int clones = settings.guestClones();
        List<Sample> with = new ArrayList<>();
        List<Double> cloneSeconds = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        double idleWith;
        double warmupWith;
        try (Donor donor = prepared("guest-donor", settings)) {
            Workload load = load(donor.server());
            warmupWith = warmUp(donor);
            long t0 = System.nanoTime();
            with.add(new Sample(0, 0, donor.residentBytes() / 1048576.0));
            BenchLog.info("guest: VmRSS before the first clone %.1f MiB", with.get(0).rssMiB());
            MemorySnapshot.write(donor, settings.workDir().resolve("guest-memory/with-clones-before"));
            Path targets = settings.workDir().resolve("guest-clones");
            FileTrees.deleteTree(targets);
            Files.createDirectories(targets);
            try {
                for (int i = 1; i <= clones; i++) {
                    Path target = targets.resolve("clone-" + i);
                    cloneSeconds.add(CloneOps.cloneLocal(donor.server(), target).toNanos() / 1e9);
                    check(target, i, settings);
                    FileTrees.deleteTree(target);
                    if (i % sampleEvery(clones) == 0 || i == clones) {
                        Sample s = new Sample(i, (System.nanoTime() - t0) / 1e9, donor.residentBytes() / 1048576.0);
                        with.add(s);
                        BenchLog.info("guest: after %d clones (%.0f s) VmRSS %.1f MiB", i, s.atSeconds(), s.rssMiB());
                    }
                }
                MemorySnapshot.write(donor, settings.workDir().resolve("guest-memory/with-clones-after"));
            } finally {
                load.stop();
                errors.addAll(load.errors());
                FileTrees.deleteTree(targets);
            }
            idleWith = idle(donor, settings.guestIdleSeconds());
            MemorySnapshot.write(donor, settings.workDir().resolve("guest-memory/with-clones-idle"));
            BenchLog.info("guest: %d s after the last clone, load stopped: VmRSS %.1f MiB", settings.guestIdleSeconds(),
                    idleWith);
        }

        List<Sample> without = new ArrayList<>();
        double idleWithout;
        double warmupWithout;
        try (Donor donor = prepared("guest-no-clones", settings)) {
            Workload load = load(donor.server());
            warmupWithout = warmUp(donor);
            long t0 = System.nanoTime();
            MemorySnapshot.write(donor, settings.workDir().resolve("guest-memory/without-clones-before"));
            try {
                for (Sample at : with) {
                    long due = t0 + (long) (at.atSeconds() * 1e9);
                    while (System.nanoTime() < due) {
                        Thread.sleep(Math.max(1, Math.min(1000, (due - System.nanoTime()) / 1_000_000)));
                    }
                    Sample s = new Sample(at.clones(), (System.nanoTime() - t0) / 1e9, donor.residentBytes() / 1048576.0);
                    without.add(s);
                    BenchLog.info("guest: without clones at %.0f s VmRSS %.1f MiB", s.atSeconds(), s.rssMiB());
                }
            } finally {
                load.stop();
                errors.addAll(load.errors());
            }
            MemorySnapshot.write(donor, settings.workDir().resolve("guest-memory/without-clones-after"));
            idleWithout = idle(donor, settings.guestIdleSeconds());
            MemorySnapshot.write(donor, settings.workDir().resolve("guest-memory/without-clones-idle"));
        }
        return new Results(clones, with, without, idleWith, idleWithout, settings.guestIdleSeconds(), cloneSeconds,
                errors, warmupWith, warmupWithout);
    }

    /** A fresh donor with the plugin installed (its JVM started), the accounts and the filler. */
    private static Donor prepared(String name, BenchmarkSettings settings) throws SQLException {
        Donor donor = Donor.startFresh(name, settings, List.of("innodb_buffer_pool_size=" + BUFFER_POOL));
        donor.ensurePlugin();
        MysqlServer server = donor.server();
        server.execute("CREATE DATABASE " + SCHEMA);
        DataSets.createAccounts(server, SCHEMA + ".accounts", ACCOUNTS, BALANCE);
        Workload.createEventsTable(server, SCHEMA);
        DataSets.createBlobs(server, BLOBS, BLOB_ROWS);
        return donor;
    }

    /**
     * Runs the load until mysqld's VmRSS is flat (less than {@link #FLAT_MIB} growth over the last
     * {@link #FLAT_WINDOW_SECONDS}), at most {@link #MAX_WARMUP_SECONDS}: the buffer pool, the
     * connections' and performance_schema's memory reach their working size first, so that the
     * series then shows what clones add rather than the load's own start. Returns its seconds.
     */
    private static double warmUp(Donor donor) throws InterruptedException {
        long t0 = System.nanoTime();
        List<Double> readings = new ArrayList<>();
        int step = 5;
        int window = FLAT_WINDOW_SECONDS / step;
        while (true) {
            readings.add(donor.residentBytes() / 1048576.0);
            double seconds = (System.nanoTime() - t0) / 1e9;
            int n = readings.size();
            boolean flat = n > window && readings.get(n - 1) - readings.get(n - 1 - window) < FLAT_MIB;
            if (flat || seconds >= MAX_WARMUP_SECONDS) {
                BenchLog.info("guest: warm-up %s after %.0f s, VmRSS %.1f MiB", flat ? "flat" : "NOT flat", seconds,
                        readings.get(n - 1));
                return flat ? seconds : -seconds;
            }
            Thread.sleep(step * 1000L);
        }
    }

    private static Workload load(MysqlServer server) {
        Workload load = new Workload(server, SCHEMA, BLOBS, ACCOUNTS, BLOB_ROWS, Duration.ofHours(24), Long.MAX_VALUE)
                .start();
        load.awaitProgress(5, Duration.ofMinutes(2));
        return load;
    }

    /** Starts the clone as a mysqld of its own: the money is all there, no blob is torn, every table checks. */
    private static void check(Path target, int number, BenchmarkSettings settings) throws SQLException {
        MysqlServer clone = MysqlServer.builder(MysqlDistribution.mysql8()).name("guest-clone").group("benchmark")
                .withPlugin(true).dataDir(target).startTimeout(Duration.ofMinutes(2)).start();
        try {
            long money = CloneOps.longValue(clone, "SELECT SUM(balance) FROM " + SCHEMA + ".accounts");
            long torn = DataSets.brokenBlobs(clone, BLOBS);
            CloneOps.CheckResult check = CloneOps.checkAllInnodbTables(clone);
            if (money != (long) ACCOUNTS * BALANCE || torn != 0 || !check.problems().isEmpty()) {
                throw new IllegalStateException("clone " + number + " does not hold: balance sum " + money
                        + ", torn blobs " + torn + ", CHECK TABLE " + check.problems());
            }
        } finally {
            clone.close();
            FileTrees.deleteTree(clone.serverDir());
        }
    }

    private static double idle(Donor donor, int seconds) throws InterruptedException {
        Thread.sleep(seconds * 1000L);
        return donor.residentBytes() / 1048576.0;
    }
}
