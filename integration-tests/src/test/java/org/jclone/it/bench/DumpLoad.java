package org.jclone.it.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jclone.it.harness.FileTrees;
import org.jclone.it.support.CloneOps;

/**
 * What users run instead of a clone to provision a server (issue 12): a logical dump of the
 * donor's benchmark schema with mydumper and its load with myloader into a fresh mysqld, without
 * and with mydumper's compression. Each load is checked to have every table with the donor's row
 * count. The donor idle; the dump on the file system the clones go to.
 */
final class DumpLoad {

    /** Set by scripts/benchmark.sh when it could not install mydumper (why), for the report. */
    static final String INSTALL_NOTE_ENV = "BENCH_MYDUMPER_NOTE";

    enum Variant {
        PLAIN("mydumper → myloader", List.of()),
        COMPRESSED("mydumper -c → myloader", List.of("--compress"));

        final String label;
        final List<String> dumpOptions;

        Variant(String label, List<String> dumpOptions) {
            this.label = label;
            this.dumpOptions = dumpOptions;
        }
    }

    /**
     * One dump and load.
     *
     * @param dumpSeconds wall time of mydumper
     * @param loadSeconds wall time of myloader into the fresh server (its start not counted)
     * @param dumpBytes   the dump's files (sum of their lengths)
     * @param dumpFiles   how many files the dump has
     * @param rows        rows the loaded server's tables hold (equal to the donor's, checked)
     */
    record Measurement(Variant variant, int rep, double dumpSeconds, double loadSeconds, long dumpBytes, int dumpFiles,
                       long rows) {
        double totalSeconds() {
            return dumpSeconds + loadSeconds;
        }
    }

    /**
     * @param skipped     why nothing was measured, or null
     * @param version     mydumper's package version and what it says of itself
     * @param threads     --threads of mydumper and of myloader
     * @param loaderOptions options of the loading mysqld besides the harness's (the remote recipient's)
     * @param loaderVariables what the loading mysqld reported of the settings that decide a load's speed
     */
    record Results(List<Measurement> runs, String skipped, String version, int threads, List<String> loaderOptions,
                   String loaderVariables) {
        static Results skipped(String why) {
            return new Results(List.of(), why, null, 0, List.of(), null);
        }

        List<Measurement> of(Variant variant) {
            return runs.stream().filter(m -> m.variant() == variant).toList();
        }
    }

    private DumpLoad() {
    }

    /** Both variants, {@code bench.dumpRepetitions} times each, alternating which goes first. */
    static Results run(Donor donor, Copier copier, PageCache cache, BenchmarkSettings settings) throws SQLException {
        if (settings.dumpRepetitions() == 0) {
            return Results.skipped("-Dbench.dumpRepetitions=0");
        }
        String version = installedVersion();
        if (version == null) {
            String note = System.getenv(INSTALL_NOTE_ENV);
            return Results.skipped("mydumper and myloader are not installed" + (note == null || note.isBlank() ? ""
                    : ": " + note.strip()) + " (`sudo apt-get install -y mydumper`; scripts/benchmark.sh does it "
                    + "when run as root)");
        }
        Map<String, Long> donorRows = rowCounts(donor);
        List<Measurement> runs = new ArrayList<>();
        String[] variables = {null};
        for (int rep = 1; rep <= settings.dumpRepetitions(); rep++) {
            Variant[] order = rep % 2 == 1 ? new Variant[] {Variant.PLAIN, Variant.COMPRESSED}
                    : new Variant[] {Variant.COMPRESSED, Variant.PLAIN};
            for (Variant variant : order) {
                runs.add(measure(donor, copier, cache, settings, variant, rep, donorRows, variables));
            }
        }
        return new Results(runs, null, version, settings.dumpThreads(), Donor.options(settings), variables[0]);
    }

    private static Measurement measure(Donor donor, Copier copier, PageCache cache, BenchmarkSettings settings,
                                       Variant variant, int rep, Map<String, Long> donorRows, String[] variables)
            throws SQLException {
        Path dumpDir = copier.nextTarget("dump-" + variant.name().toLowerCase());
        long tables = donor.innodbFileBytes();
        // The dump (0.7 of the tablespaces uncompressed in a 1 GiB run) and the loaded copy (about their size).
        DiskSpace.require(dumpDir.getParent(), (long) (tables * 2.2) + (1L << 30), "a dump of the data set and its load");
        cache.prepare(settings.workDir(), List.of(donor.server().dataDir()));
        String threads = Integer.toString(settings.dumpThreads());
        List<String> dump = new ArrayList<>(List.of("mydumper", "--host", donor.server().host(), "--port",
                Integer.toString(donor.server().port()), "--user", "root", "--database", DataSet.SCHEMA,
                "--threads", threads, "--outputdir", dumpDir.toString()));
        dump.addAll(variant.dumpOptions);
        long t0 = System.nanoTime();
        Commands.run(4 * 3600, dump.toArray(String[]::new));
        double dumpSeconds = (System.nanoTime() - t0) / 1e9;
        long dumpBytes = CloneOps.treeBytes(dumpDir);
        int dumpFiles = fileCount(dumpDir);
        // A server of its own, as the remote clone's recipient: the harness's template data directory, the same options.
        Donor loader = Donor.startFresh("bench-loader", settings);
        Path loaderDir = loader.server().serverDir();
        try {
            variables[0] = loadSettings(loader);
            long t1 = System.nanoTime();
            Commands.run(4 * 3600, "myloader", "--host", loader.server().host(), "--port",
                    Integer.toString(loader.server().port()), "--user", "root", "--threads", threads,
                    "--directory", dumpDir.toString());
            double loadSeconds = (System.nanoTime() - t1) / 1e9;
            List<String> wrong = mismatches(donorRows, rowCounts(loader));
            if (!wrong.isEmpty()) {
                throw new IllegalStateException(variant.label + " did not load every row: " + String.join("; ", wrong));
            }
            Measurement m = new Measurement(variant, rep, dumpSeconds, loadSeconds, dumpBytes, dumpFiles,
                    donorRows.values().stream().mapToLong(Long::longValue).sum());
            BenchLog.info("rep %d, %-40s dump %6.2f s (%,.1f MiB in %d files), load %6.2f s, total %6.2f s; %,d rows "
                    + "checked; the loaded data directory %,.1f MiB", rep, variant.label, dumpSeconds,
                    dumpBytes / 1048576.0, dumpFiles, loadSeconds, m.totalSeconds(), m.rows(),
                    CloneOps.treeBytes(loader.server().dataDir()) / 1048576.0);
            return m;
        } finally {
            loader.close();
            FileTrees.deleteTree(loaderDir);
            copier.remove(dumpDir);
        }
    }

    /** "table: N rows, loaded M" for every donor table the load lacks or holds another count of. */
    static List<String> mismatches(Map<String, Long> donor, Map<String, Long> loaded) {
        List<String> wrong = new ArrayList<>();
        donor.forEach((table, rows) -> {
            Long got = loaded.get(table);
            if (!rows.equals(got)) {
                wrong.add(table + ": " + rows + " rows on the donor, " + (got == null ? "missing" : got + " loaded"));
            }
        });
        if (donor.isEmpty()) {
            wrong.add("the donor has no tables in " + DataSet.SCHEMA);
        }
        return wrong;
    }

    /** The loading server's binary log, doublewrite, redo flushing and pool, as it reports them. */
    private static String loadSettings(Donor server) throws SQLException {
        List<String> names = List.of("log_bin", "innodb_doublewrite", "innodb_flush_log_at_trx_commit",
                "innodb_redo_log_capacity", "innodb_buffer_pool_size", "innodb_flush_method");
        List<String> values = server.server().query("SELECT " + String.join(", ",
                names.stream().map(n -> "@@" + n).toList())).get(0);
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            pairs.add(names.get(i) + " = " + values.get(i));
        }
        return String.join(", ", pairs);
    }

    /** Seconds per GiB of {@code bytes}: how a time scales to another data set size. */
    static double secondsPerGiB(double seconds, long bytes) {
        return bytes <= 0 ? Double.NaN : seconds / (bytes / (double) (1L << 30));
    }

    /** COUNT(*) of every base table in the benchmark schema. */
    private static Map<String, Long> rowCounts(Donor server) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (List<String> row : server.server().query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE "
                + "TABLE_SCHEMA = '" + DataSet.SCHEMA + "' AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")) {
            String table = DataSet.SCHEMA + "." + row.get(0);
            counts.put(table, Long.parseLong(server.server().scalar("SELECT COUNT(*) FROM " + table)));
        }
        return counts;
    }

    private static int fileCount(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return (int) files.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "0.10.1-1+deb12u2 (mydumper 0.10.0, built against MySQL 10.11.14)", or null when either tool is missing. */
    private static String installedVersion() {
        try {
            String says = Commands.run(30, "mydumper", "--version").strip();
            Commands.run(30, "myloader", "--version");
            String pkg;
            try {
                pkg = Commands.run(30, "dpkg-query", "-W", "-f=${Version}", "mydumper").strip();
            } catch (RuntimeException notDebian) {
                pkg = "";
            }
            return pkg.isEmpty() ? says : "Debian package " + pkg + " (" + says + ")";
        } catch (UncheckedIOException | IllegalStateException missing) {
            return null;
        }
    }
}
