package org.jclone.it.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jclone.it.support.CloneOps;

/**
 * Remote clone over loopback (issue 10): a recipient mysqld on 127.0.0.1 pulls the measured donor
 * with CLONE INSTANCE FROM ... DATA DIRECTORY, beside a CLONE LOCAL of the same donor; without
 * and with clone_enable_compression; then limited by clone_max_network_bandwidth and by
 * clone_max_data_bandwidth, whose FILE COPY stage is judged against the limit. Beside them (issue
 * 12) cp -r of the donor's data directory, and a logical dump and load with mydumper/myloader
 * ({@link DumpLoad}). The donor idle, the same page-cache preparation before each copy; each copy
 * checked and removed.
 */
final class RemoteCases {

    static final String USER = "bench_clone";
    private static final String PASSWORD = "bench-clone-secret";
    /** A limited clone's FILE COPY stage should last at least this long (issue 10 asks 10 s or more). */
    static final double MIN_LIMITED_SECONDS = 12;
    private static final Pattern APPLY_TASKS = Pattern.compile("Clone Apply State Change : Number of tasks = (\\d+)");

    enum Kind {
        LOCAL("CLONE LOCAL of the donor"),
        REMOTE("remote, compression OFF"),
        COMPRESSED("remote, clone_enable_compression = ON"),
        NETWORK_LIMITED("remote, clone_max_network_bandwidth"),
        DATA_LIMITED("remote, clone_max_data_bandwidth"),
        CP("cp -r of the donor's data directory");

        final String label;

        Kind(String label) {
            this.label = label;
        }

        boolean remote() {
            return this != LOCAL && this != CP;
        }
    }

    /** The FILE COPY row of clone_progress: bytes applied, bytes read from the network, its length. */
    record Stage(long dataBytes, long networkBytes, double seconds) {
        double dataMiBPerSecond() {
            return seconds <= 0 ? 0 : dataBytes / 1048576.0 / seconds;
        }

        double networkMiBPerSecond() {
            return seconds <= 0 ? 0 : networkBytes / 1048576.0 / seconds;
        }
    }

    /**
     * One clone.
     *
     * @param copy          wall time, write-back, bytes in the copy, CPU of donor and recipient together,
     *                      the core's log (the recipient's for a remote clone)
     * @param dataBytes     SUM(DATA) of clone_progress on the server that ran the statement
     * @param networkBytes  SUM(NETWORK) there (0 for a local clone)
     * @param limitMiB      the bandwidth limit in force, 0 for none
     * @param tasks         most concurrent tasks InnoDB logged on the side that applied the data
     * @param machineBusy   share of the machine's CPU time busy (anyone's) during the clone, 0..1
     */
    record Measurement(Kind kind, int rep, CopyMeasurement copy, long dataBytes, long networkBytes, Stage fileCopy,
                       double donorCpuSeconds, double recipientCpuSeconds, int limitMiB, int tasks,
                       double machineBusy) {
        /** The rate the limit is about: the network's for clone_max_network_bandwidth, else the data's. */
        double limitedRate() {
            return kind == Kind.NETWORK_LIMITED ? fileCopy.networkMiBPerSecond() : fileCopy.dataMiBPerSecond();
        }

        Measurement withMachineBusy(double busy) {
            return new Measurement(kind, rep, copy, dataBytes, networkBytes, fileCopy, donorCpuSeconds,
                    recipientCpuSeconds, limitMiB, tasks, busy);
        }
    }

    /**
     * @param limitsChosen whether the limits came from the first unlimited remote clone (else -Dbench.remoteLimitMiB)
     * @param transport    how the recipient connected (TLS or not), for the report
     * @param dumps        mydumper/myloader's dumps and loads of the same data set
     */
    record Results(Map<Kind, List<Measurement>> byKind, int networkLimitMiB, int dataLimitMiB, boolean limitsChosen,
                   String transport, DumpLoad.Results dumps) {
        List<Measurement> of(Kind kind) {
            return byKind.getOrDefault(kind, List.of());
        }
    }

    private final Donor donor;
    private final Donor recipient;
    private final Copier copier;
    private final PageCache cache;
    private final BenchmarkSettings settings;
    private final List<String> tables;

    private RemoteCases(Donor donor, Donor recipient, Copier copier, PageCache cache, BenchmarkSettings settings,
                        List<String> tables) {
        this.donor = donor;
        this.recipient = recipient;
        this.copier = copier;
        this.cache = cache;
        this.settings = settings;
        this.tables = tables;
    }

    static Results run(Donor donor, Copier copier, DataSet dataSet, PageCache cache, BenchmarkSettings settings)
            throws SQLException {
        donor.server().execute("CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                "GRANT BACKUP_ADMIN ON *.* TO '" + USER + "'@'%'");
        donor.resetCloneSettings();
        Map<Kind, List<Measurement>> byKind = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            byKind.put(k, new ArrayList<>());
        }
        int networkLimit = settings.remoteLimitMiB();
        int dataLimit = settings.remoteLimitMiB();
        // A server of its own on the harness's template data directory: only the plugin and the donor list set.
        try (Donor recipient = Donor.startFresh("bench-recipient", settings)) {
            recipient.ensurePlugin();
            recipient.server().execute("SET GLOBAL clone_valid_donor_list = '" + donor.server().peerAddress() + "'");
            RemoteCases cases = new RemoteCases(donor, recipient, copier, cache, settings, dataSet.tables());
            for (int rep = 1; rep <= settings.repetitions(); rep++) {
                // The unlimited copies rotate, so none always runs first after the limited ones.
                List<Kind> order = List.of(Kind.LOCAL, Kind.REMOTE, Kind.COMPRESSED, Kind.CP);
                for (int i = 0; i < order.size(); i++) {
                    Kind kind = order.get((i + rep - 1) % order.size());
                    byKind.get(kind).add(cases.measure(kind, rep, 0));
                }
                if (networkLimit <= 0) {
                    Measurement first = byKind.get(Kind.REMOTE).get(0);
                    networkLimit = limitFor(first.fileCopy().networkMiBPerSecond(), first.fileCopy().networkBytes());
                    dataLimit = limitFor(first.fileCopy().dataMiBPerSecond(), first.fileCopy().dataBytes());
                    BenchLog.info("remote limits: network %d MiB/s, data %d MiB/s (from FILE COPY at %.1f / %.1f "
                            + "MiB/s unlimited; the stage at least %.0f s)", networkLimit, dataLimit,
                            first.fileCopy().networkMiBPerSecond(), first.fileCopy().dataMiBPerSecond(),
                            MIN_LIMITED_SECONDS);
                }
                byKind.get(Kind.NETWORK_LIMITED).add(cases.measure(Kind.NETWORK_LIMITED, rep, networkLimit));
                byKind.get(Kind.DATA_LIMITED).add(cases.measure(Kind.DATA_LIMITED, rep, dataLimit));
            }
        }
        // After the recipient stopped: the loads get servers of their own, one at a time beside the donor.
        DumpLoad.Results dumps = DumpLoad.run(donor, copier, cache, settings);
        return new Results(byKind, networkLimit, dataLimit, settings.remoteLimitMiB() <= 0,
                "REQUIRE NO SSL (plain TCP on 127.0.0.1), so that compression is the only difference between the "
                        + "remote rows", dumps);
    }

    /**
     * Half the unlimited rate (so the limit binds), and low enough that the stage's bytes take at
     * least {@link #MIN_LIMITED_SECONDS} at it.
     */
    static int limitFor(double unlimitedMiBPerSecond, long stageBytes) {
        int half = DonorImpact.halfOf(unlimitedMiBPerSecond);
        int forLength = (int) Math.floor(stageBytes / 1048576.0 / MIN_LIMITED_SECONDS);
        return Math.max(1, Math.min(half, forLength));
    }

    private Measurement measure(Kind kind, int rep, int limitMiB) throws SQLException {
        Path target = copier.nextTarget("remote-" + kind.name().toLowerCase());
        long expected = donor.innodbFileBytes();
        DiskSpace.require(target.getParent(), (long) (expected * 1.3) + (1L << 30), "a clone of the data set");
        cache.prepare(settings.workDir(), List.of(donor.server().dataDir()));
        Measurement m;
        ProcFs.CpuTicks ticks = ProcFs.CpuTicks.now();
        if (kind == Kind.CP) {
            CopyMeasurement copy = copier.copy(target); // checks the bytes
            m = new Measurement(kind, rep, copy, copy.bytes(), 0, new Stage(0, 0, 0), 0, 0, 0, 0, 0);
        } else if (kind == Kind.LOCAL) {
            double recipientCpu0 = recipient.cpuSeconds();
            CopyMeasurement copy = copier.clone(target); // checks the bytes, reads the donor's log
            m = new Measurement(kind, rep, copy, progressSum(donor, "DATA"), 0, fileCopyStage(donor),
                    copy.cpuSeconds(), recipient.cpuSeconds() - recipientCpu0, 0, copy.log().tasks(), 0);
        } else {
            m = remote(kind, rep, target, limitMiB, expected);
        }
        m = m.withMachineBusy(ProcFs.CpuTicks.now().busyShareSince(ticks));
        checkTables(target);
        copier.remove(target);
        BenchLog.info("rep %d, %-40s %6.2f s + sync %5.2f s, %,8.1f MiB -> %6.1f MiB/s; network %,.1f MiB; "
                        + "FILE COPY %.2f s at %.1f MiB/s data, %.1f MiB/s network; machine CPU %.0f%% busy%s", rep, kind.label, m.copy().seconds(),
                m.copy().syncSeconds(), m.copy().bytes() / 1048576.0, m.copy().durableMibPerSecond(),
                m.networkBytes() / 1048576.0, m.fileCopy().seconds(), m.fileCopy().dataMiBPerSecond(),
                m.fileCopy().networkMiBPerSecond(), 100 * m.machineBusy(), limitMiB > 0 ? " (limit " + limitMiB + " MiB/s)" : "");
        return m;
    }

    private Measurement remote(Kind kind, int rep, Path target, int limitMiB, long expected) throws SQLException {
        recipient.server().execute(
                "SET GLOBAL clone_enable_compression = " + (kind == Kind.COMPRESSED ? "ON" : "OFF"),
                "SET GLOBAL clone_max_network_bandwidth = " + (kind == Kind.NETWORK_LIMITED ? limitMiB : 0),
                "SET GLOBAL clone_max_data_bandwidth = " + (kind == Kind.DATA_LIMITED ? limitMiB : 0));
        long logOffset = recipient.errorLogSize();
        double donorCpu0 = donor.cpuSeconds();
        double recipientCpu0 = recipient.cpuSeconds();
        long t0 = System.nanoTime();
        try {
            recipient.server().execute("CLONE INSTANCE FROM '" + USER + "'@'" + donor.server().peerHost() + "':"
                    + donor.server().peerPort() + " IDENTIFIED BY '" + PASSWORD + "' DATA DIRECTORY = '"
                    + target.toString().replace("'", "''") + "' REQUIRE NO SSL");
        } finally {
            recipient.server().execute("SET GLOBAL clone_enable_compression = DEFAULT",
                    "SET GLOBAL clone_max_network_bandwidth = DEFAULT", "SET GLOBAL clone_max_data_bandwidth = DEFAULT");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double donorCpu = donor.cpuSeconds() - donorCpu0;
        double recipientCpu = recipient.cpuSeconds() - recipientCpu0;
        double sync = Commands.syncFileSystem(target.getParent());
        long bytes = CloneOps.treeBytes(target);
        if (bytes < expected * 0.98) {
            throw new IllegalStateException(String.format("the remote clone in %s holds %,d bytes, less than the %,d "
                    + "bytes of the donor's tablespaces: it is incomplete", target, bytes, expected));
        }
        String logText = recipient.errorLogFrom(logOffset);
        CloneLog log = CloneLog.parse(logText);
        if (log.bytes() < 0) {
            BenchLog.info("WARNING: no \"Clone ends\" note in the recipient's error log for %s", target);
        }
        CopyMeasurement copy = new CopyMeasurement(seconds, sync, bytes, donorCpu + recipientCpu, log);
        return new Measurement(kind, rep, copy, progressSum(recipient, "DATA"), progressSum(recipient, "NETWORK"),
                fileCopyStage(recipient), donorCpu, recipientCpu, limitMiB, maxApplyTasks(logText), 0);
    }

    /** The recipient's InnoDB logs "Clone Apply State Change : Number of tasks = N" (the donor's lacks "Apply"). */
    static int maxApplyTasks(String logText) {
        int max = 0;
        Matcher m = APPLY_TASKS.matcher(logText);
        while (m.find()) {
            max = Math.max(max, Integer.parseInt(m.group(1)));
        }
        return max;
    }

    /** Every benchmark table arrived: its .ibd file is in the copy. */
    private void checkTables(Path target) {
        for (String table : tables) {
            Path ibd = target.resolve(table.replace('.', '/') + ".ibd");
            if (!Files.isRegularFile(ibd)) {
                throw new IllegalStateException("the clone in " + target + " lacks " + ibd.getFileName()
                        + " of " + table + ": it is incomplete");
            }
        }
    }

    private static long progressSum(Donor server, String column) throws SQLException {
        String v = server.server().scalar("SELECT SUM(" + column + ") FROM performance_schema.clone_progress");
        return v == null ? 0 : Long.parseLong(v);
    }

    private static Stage fileCopyStage(Donor server) throws SQLException {
        List<List<String>> rows = server.server().query("SELECT DATA, NETWORK, "
                + "TIMESTAMPDIFF(MICROSECOND, BEGIN_TIME, END_TIME) FROM performance_schema.clone_progress "
                + "WHERE STAGE = 'FILE COPY'");
        if (rows.isEmpty() || rows.get(0).get(2) == null) {
            return new Stage(0, 0, 0);
        }
        List<String> row = rows.get(0);
        return new Stage(Long.parseLong(row.get(0)), row.get(1) == null ? 0 : Long.parseLong(row.get(1)),
                Long.parseLong(row.get(2)) / 1e6);
    }
}
