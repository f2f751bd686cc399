package org.jclone.it.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.jclone.it.harness.FileTrees;
import org.jclone.it.harness.MysqlDistribution;
import org.jclone.it.harness.MysqlServer;

/**
 * The benchmark's data set: {@code tables} sysbench-like InnoDB tables in schema {@code bench}
 * (primary key, two secondary indexes, random payloads) whose .ibd files add up to the asked
 * size. Built once per size on MySQL 8.0.31 with bulk-load settings and kept in
 * {@code <workDir>/dataset-<size>-<tables>t/}; {@code dataset.properties}, written last, marks it
 * complete. That copy stays pristine: each run measures a fresh working copy of it
 * ({@link #workingCopy}), so the workload's writes of one run never reach the next.
 */
final class DataSet {

    static final String SCHEMA = "bench";
    /** Bump when the schema or the generator changes, so older caches are rebuilt. */
    private static final int FORMAT = 2;
    private static final long MAX_BATCH_ROWS = 500_000;
    /** innodb_redo_log_capacity's default in 8.0.31, which the measured donor keeps. */
    private static final long DEFAULT_REDO_CAPACITY = 100L << 20;

    /** Options of the server that loads the data set (not those of the measured donor). */
    static final List<String[]> LOAD_OPTIONS = List.of(
            new String[] {"innodb_buffer_pool_size", "2G"},
            new String[] {"innodb_redo_log_capacity", "1G"},
            new String[] {"innodb_flush_log_at_trx_commit", "2"},
            new String[] {"innodb_doublewrite", "OFF"},
            new String[] {"skip-log-bin", null},
            new String[] {"innodb_buffer_pool_dump_at_shutdown", "OFF"});

    private final Path dir;
    private final Path dataDir;
    private final Properties facts;
    private final boolean reused;
    private final double copySeconds;

    private DataSet(Path dir, Path dataDir, Properties facts, boolean reused, double copySeconds) {
        this.dir = dir;
        this.dataDir = dataDir;
        this.facts = facts;
        this.reused = reused;
        this.copySeconds = copySeconds;
    }

    /** The cached data set of this size, built first if missing, incomplete or {@code rebuild} was asked. */
    static DataSet ensure(BenchmarkSettings settings) {
        Path dir = settings.workDir().resolve("dataset-" + settings.sizeLabel().replace(" ", "") + "-"
                + settings.tables() + "t");
        Path marker = dir.resolve("dataset.properties");
        if (!settings.rebuild() && Files.isRegularFile(marker)) {
            Properties facts = load(marker);
            if (Integer.toString(FORMAT).equals(facts.getProperty("format"))) {
                BenchLog.info("reusing the data set in %s (built %s in %s s)", dir, facts.getProperty("builtAt"),
                        facts.getProperty("buildSeconds"));
                return new DataSet(dir, dir.resolve("data"), facts, true, 0);
            }
        }
        FileTrees.deleteTree(dir);
        // The data set, its working copy and one copy at a time; InnoDB's overhead on top of the .ibd target.
        DiskSpace.require(settings.workDir(), (long) (settings.sizeBytes() * 3.9) + (2L << 30),
                "building the " + settings.sizeLabel() + " data set and copying it");
        Properties facts = build(settings, dir);
        store(marker, facts);
        return new DataSet(dir, dir.resolve("data"), facts, false, 0);
    }

    /** This data set in a fresh copy at {@code target} (replacing what is there), for one run to change. */
    DataSet workingCopy(Path target) {
        FileTrees.deleteTree(target);
        long pristine = org.jclone.it.support.CloneOps.treeBytes(dir.resolve("data"));
        DiskSpace.require(target.getParent(), (long) (pristine * 2.6) + (1L << 30),
                "a working copy of the data set and one copy of that");
        long t0 = System.nanoTime();
        Commands.run(3600, "cp", "-a", dir.resolve("data").toString(), target.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        BenchLog.info("working copy of the data set in %s (%.1f s)", target, seconds);
        return new DataSet(dir, target, facts, reused, seconds);
    }

    /** The data directory the run uses (the working copy, once made). */
    Path dataDir() {
        return dataDir;
    }

    /** The cached, never-started-by-a-run original. */
    Path pristineDataDir() {
        return dir.resolve("data");
    }

    double copySeconds() {
        return copySeconds;
    }

    boolean reused() {
        return reused;
    }

    Properties facts() {
        return facts;
    }

    List<String> tables() {
        int n = Integer.parseInt(facts.getProperty("tables"));
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            names.add(SCHEMA + ".t" + i);
        }
        return names;
    }

    /** The benchmark tables' .ibd files, sorted. */
    List<Path> tableFiles() {
        try (Stream<Path> files = Files.list(dataDir().resolve(SCHEMA))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".ibd")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long tableBytes() {
        long total = 0;
        for (Path file : tableFiles()) {
            total += size(file);
        }
        return total;
    }

    private static Properties build(BenchmarkSettings settings, Path dir) {
        long t0 = System.nanoTime();
        Path data = dir.resolve("data");
        MysqlDistribution mysql = MysqlDistribution.mysql8();
        FileTrees.copyTree(mysql.templateDataDir(), data);
        try {
            Files.deleteIfExists(data.resolve("auto.cnf"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MysqlServer.Builder builder = MysqlServer.builder(mysql).name("bench-load").group("benchmark")
                .dataDir(data).startTimeout(Duration.ofMinutes(5));
        for (String[] option : LOAD_OPTIONS) {
            builder = option[1] == null ? builder.option(option[0]) : builder.option(option[0], option[1]);
        }
        long perTable = settings.sizeBytes() / settings.tables();
        List<Long> rows = new ArrayList<>();
        try (MysqlServer server = builder.start()) {
            server.execute("CREATE DATABASE " + SCHEMA,
                    "CREATE TABLE " + SCHEMA + ".seq1k (n INT PRIMARY KEY) ENGINE=InnoDB",
                    "INSERT INTO " + SCHEMA + ".seq1k WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s "
                            + "WHERE n < 999) SELECT n FROM s");
            int threads = Math.max(1, Math.min(settings.tables(), Runtime.getRuntime().availableProcessors()));
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Long>> filled = new ArrayList<>();
                for (int i = 1; i <= settings.tables(); i++) {
                    int table = i;
                    filled.add(pool.submit(() -> fillTable(server, data, "t" + table, perTable)));
                }
                for (Future<Long> f : filled) {
                    rows.add(f.get());
                }
            } finally {
                pool.shutdownNow();
            }
            server.execute("DROP TABLE " + SCHEMA + ".seq1k");
            shrinkRedo(server);
        } catch (Exception e) {
            throw new IllegalStateException("building the data set in " + dir + " failed", e);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Properties facts = new Properties();
        facts.setProperty("format", Integer.toString(FORMAT));
        facts.setProperty("sizeGiB", Double.toString(settings.sizeGiB()));
        facts.setProperty("tables", Integer.toString(settings.tables()));
        facts.setProperty("rows", Long.toString(rows.stream().mapToLong(Long::longValue).sum()));
        facts.setProperty("tableBytesAtBuild", Long.toString(sumIbd(data.resolve(SCHEMA))));
        facts.setProperty("builtAt", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        facts.setProperty("buildSeconds", String.format("%.0f", seconds));
        BenchLog.info("built the data set: %s rows, %.2f GiB of .ibd in %.0f s", facts.getProperty("rows"),
                Long.parseLong(facts.getProperty("tableBytesAtBuild")) / DiskSpace.GIB, seconds);
        return facts;
    }

    /**
     * Brings the redo log back to the donor's (default) capacity before the data set is cached,
     * so copies do not carry the loading server's 1 GiB of redo files.
     */
    private static void shrinkRedo(MysqlServer server) throws SQLException, InterruptedException {
        server.execute("SET GLOBAL innodb_redo_log_capacity = " + DEFAULT_REDO_CAPACITY);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!Long.toString(DEFAULT_REDO_CAPACITY).equals(server.scalar(
                "SELECT VARIABLE_VALUE FROM performance_schema.global_status "
                        + "WHERE VARIABLE_NAME = 'Innodb_redo_log_capacity_resized'"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the redo log did not shrink to " + DEFAULT_REDO_CAPACITY + " bytes");
            }
            Thread.sleep(500);
        }
    }

    /** Inserts random rows in batches until the table's .ibd reaches {@code targetBytes}; returns its rows. */
    private static long fillTable(MysqlServer server, Path data, String table, long targetBytes) throws SQLException {
        Path ibd = data.resolve(SCHEMA).resolve(table + ".ibd");
        String name = SCHEMA + "." + table;
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + name + " (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, k INT UNSIGNED NOT NULL, "
                    + "c CHAR(120) NOT NULL, pad CHAR(60) NOT NULL, payload VARBINARY(300) NOT NULL, "
                    + "PRIMARY KEY (id), KEY k_idx (k), KEY pad_idx (pad(16))) ENGINE=InnoDB");
            long rows = 0;
            // A first guess of ~600 bytes a row, corrected after each batch from the file's growth.
            long batch = Math.max(1_000, Math.min(20_000, targetBytes / 600 / 2));
            while (size(ibd) < targetBytes * 0.98) {
                s.execute("INSERT INTO " + name + " (k, c, pad, payload) SELECT FLOOR(RAND() * 1000000000), "
                        + "HEX(RANDOM_BYTES(60)), HEX(RANDOM_BYTES(30)), RANDOM_BYTES(300) "
                        + "FROM " + SCHEMA + ".seq1k a CROSS JOIN " + SCHEMA + ".seq1k b LIMIT " + batch);
                rows += batch;
                long have = size(ibd);
                double bytesPerRow = (double) have / rows;
                batch = Math.max(1_000, Math.min(MAX_BATCH_ROWS, (long) ((targetBytes - have) / bytesPerRow)));
            }
            BenchLog.info("  %s: %,d rows, %.1f MiB", name, rows, size(ibd) / 1048576.0);
            return rows;
        }
    }

    static long sumIbd(Path schemaDir) {
        try (Stream<Path> files = Files.list(schemaDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".ibd")).mapToLong(DataSet::size).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static void store(Path file, Properties p) {
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, "jclone benchmark data set; complete when this file exists");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
