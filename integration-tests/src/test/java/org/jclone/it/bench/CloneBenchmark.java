package org.jclone.it.bench;

import static org.jclone.it.bench.Targets.f;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jclone.it.harness.FileTrees;
import org.jclone.it.support.CloneOps;

/**
 * The benchmark of issue 5 (not a test: run by {@code bash scripts/benchmark.sh}, i.e. the Maven
 * profile {@code benchmark}): clone speed against cp -r and a native copy loop, the donor's
 * throughput under an OLTP load during clones, and the embedded JVM's cost, on MySQL 8.0.31 with
 * this plugin. Writes docs/benchmarks.md and two PNG plots. Settings: {@link BenchmarkSettings}.
 *
 * <p>Order: data set (built or reused), mover vs native loop (donor stopped), then on the running
 * donor the JVM footprint, clone vs cp (donor idle), the donor under load, and remote clones from it
 * into a second mysqld on 127.0.0.1 beside cp -r and a mydumper/myloader dump and load ({@link RemoteCases}).
 */
public final class CloneBenchmark {

    private CloneBenchmark() {
    }

    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        int exit = 1;
        try {
            run(BenchmarkSettings.fromSystemProperties());
            exit = 0;
        } catch (Throwable t) {
            System.err.println("[bench] FAILED: " + t);
            t.printStackTrace();
        }
        System.exit(exit); // also stops a mysqld left running by a failure (the harness's shutdown hook)
    }

    static void run(BenchmarkSettings settings) throws Exception {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        BenchLog.info("settings: %s", settings);
        Files.createDirectories(settings.workDir());
        Machine machine = Machine.describe(settings.workDir());
        BenchLog.info("machine: %s", machine);
        PageCache cache = PageCache.choose(settings.cache(), settings.workDir());
        BenchLog.info("page cache: %s", cache.description());
        Path copiesDir = settings.workDir().resolve("copies");
        FileTrees.deleteTree(copiesDir); // left by an interrupted run

        // The guest part makes its own donors; it runs first, on a machine not yet busy with the rest.
        GuestMemory.Results guest = null;
        if (settings.runs("guest")) {
            BenchLog.info("part 6: mysqld's memory over %d clones under load", settings.guestClones());
            guest = GuestMemory.run(settings);
        }

        DataSet dataSet = null;
        MoverVsNative.Results mover = null;
        JvmFootprint footprint = new JvmFootprint();
        Map<CopyConfig, List<CopyMeasurement>> copies = null;
        DonorImpact.Results donorResults = null;
        FileSystemCases.Results fileSystems = null;
        RemoteCases.Results remote = null;
        String version = null;
        long dataDirBytes = 0;
        long tableBytes = 0;
        List<String> donorOptions = Donor.options(settings);
        if (!settings.needsDataSet()) {
            if (settings.runs("footprint")) {
                // No data set needed: fresh servers on the template data directory.
                try (Donor donor = Donor.startFresh("bench-footprint", settings)) {
                    version = donor.server().scalar("SELECT VERSION()");
                    BenchLog.info("part 4: the embedded JVM's start time and memory");
                    footprint.measure(donor, settings.repetitions());
                }
            }
        } else {
            dataSet = DataSet.ensure(settings).workingCopy(settings.workDir().resolve("donor-data"));
            if (settings.runs("mover")) {
                BenchLog.info("part 2: the Java mover against the native loop");
                mover = MoverVsNative.run(dataSet, cache, settings);
            }
            try {
                try (Donor donor = Donor.start(dataSet, settings)) {
                    version = donor.server().scalar("SELECT VERSION()");
                    if (settings.runs("footprint")) {
                        BenchLog.info("part 4: the embedded JVM's start time and memory");
                        footprint.measure(donor, settings.repetitions());
                    } else {
                        donor.ensurePlugin();
                    }
                    footprint.beforeClones(donor);
                    dataDirBytes = CloneOps.treeBytes(donor.server().dataDir());
                    tableBytes = dataSet.tableBytes();
                    Copier copier = new Copier(donor, copiesDir);
                    copier.removeAll();
                    try {
                        if (settings.runs("copy")) {
                            BenchLog.info("part 1: CLONE LOCAL against cp -r");
                            copies = CloneVsCopy.run(donor, copier, cache, settings, footprint);
                        }
                        if (settings.runs("donor")) {
                            BenchLog.info("part 3: the donor under load while it is cloned");
                            donorResults = DonorImpact.run(donor, copier, dataSet, settings);
                        }
                        if (settings.runs("remote")) {
                            BenchLog.info("part 7: remote clone over loopback against the local clone, cp -r "
                                    + "and mydumper/myloader");
                            remote = RemoteCases.run(donor, copier, dataSet, cache, settings);
                        }
                    } finally {
                        copier.removeAll();
                    }
                }
                if (settings.runs("filesystems")) {
                    // On the working copy (O_DIRECT) and a copy of it on XFS, the measured donor stopped.
                    fileSystems = FileSystemCases.run(dataSet.dataDir(), cache, settings);
                }
            } finally {
                FileTrees.deleteTree(dataSet.dataDir()); // the working copy; the cached original stays
            }
        }

        RunResults results = new RunResults(settings, machine, ProcFs.loadAverage(), cache, dataSet, dataDirBytes,
                tableBytes, version, donorOptions, copies, mover, donorResults, settings.runs("footprint") ? footprint : null,
                fileSystems, guest, remote, started, (System.nanoTime() - t0) / 1e9);
        List<Targets.Outcome> outcomes = Targets.evaluate(results);
        Files.createDirectories(settings.docsDir());
        if (copies != null) {
            Charts.throughput(copies, f("CLONE LOCAL DATA DIRECTORY vs cp -r: %s data set, %s page cache, %d repetition(s)",
                    settings.sizeLabel(), cache.state().name().toLowerCase(), settings.repetitions()), settings.docsDir());
        }
        if (donorResults != null) {
            Charts.donor(donorResults, f("Donor OLTP workload (%d threads) during clones: %s data set",
                    settings.workloadThreads(), settings.sizeLabel()), settings.docsDir());
        }
        if (guest != null) {
            Charts.guest(guest, f("mysqld VmRSS over %d local clones under load, and the same load without clones",
                    guest.clones()), settings.docsDir());
        }
        Path report = Report.write(results, outcomes, copies != null, donorResults != null);
        Path raw = RawFigures.write(results, settings.workDir().resolve("last-run.txt"));
        BenchLog.info("report: %s; plots in %s; raw figures: %s", report, settings.docsDir(), raw);
        for (Targets.Outcome o : outcomes) {
            BenchLog.info("target: %s: %s (%s)", o.target(), o.verdict(), o.measured());
        }
    }
}
