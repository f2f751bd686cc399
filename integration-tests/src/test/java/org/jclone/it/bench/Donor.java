package org.jclone.it.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.jclone.it.harness.FileTrees;
import org.jclone.it.harness.MysqlDistribution;
import org.jclone.it.harness.MysqlServer;

/**
 * The measured server: MySQL 8.0.31 running in place on the cached data set, with this plugin in
 * its plugin-dir. Default settings except the options listed in {@link #options}.
 */
final class Donor implements AutoCloseable {

    /** Options of the measured donor besides the harness defaults (stated in the report). */
    static List<String> options(BenchmarkSettings settings) {
        return List.of("innodb_buffer_pool_size=" + settings.bufferPool(), "skip-log-bin",
                "innodb_buffer_pool_load_at_startup=OFF", "innodb_buffer_pool_dump_at_shutdown=OFF",
                "max_connections=300");
    }

    private final MysqlServer server;

    private Donor(MysqlServer server) {
        this.server = server;
    }

    static Donor start(DataSet dataSet, BenchmarkSettings settings) {
        return start(dataSet.dataDir(), settings, List.of());
    }

    /** A donor on {@code dataDir} with {@code extraOptions} (name=value or a bare flag) after the usual ones. */
    static Donor start(Path dataDir, BenchmarkSettings settings, List<String> extraOptions) {
        MysqlServer.Builder builder = MysqlServer.builder(MysqlDistribution.mysql8()).name("bench-donor")
                .group("benchmark").withPlugin(true).dataDir(dataDir).startTimeout(Duration.ofMinutes(5));
        List<String> all = new java.util.ArrayList<>(options(settings));
        all.addAll(extraOptions);
        for (String option : all) {
            int eq = option.indexOf('=');
            builder = eq < 0 ? builder.option(option) : builder.option(option.substring(0, eq), option.substring(eq + 1));
        }
        return new Donor(builder.start());
    }

    /** A donor on a fresh copy of the template data directory (no data set). */
    static Donor startFresh(String name, BenchmarkSettings settings) {
        return startFresh(name, settings, List.of());
    }

    /** A donor on a fresh copy of the template data directory with {@code extraOptions} after the usual ones. */
    static Donor startFresh(String name, BenchmarkSettings settings, List<String> extraOptions) {
        MysqlServer.Builder builder = MysqlServer.builder(MysqlDistribution.mysql8()).name(name)
                .group("benchmark").withPlugin(true).startTimeout(Duration.ofMinutes(5));
        List<String> all = new java.util.ArrayList<>(options(settings));
        all.addAll(extraOptions);
        for (String option : all) {
            int eq = option.indexOf('=');
            builder = eq < 0 ? builder.option(option) : builder.option(option.substring(0, eq), option.substring(eq + 1));
        }
        return new Donor(builder.start());
    }

    /** Threads of mysqld now (entries of /proc/[pid]/task). */
    long threads() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
            return tasks.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    MysqlServer server() {
        return server;
    }

    long pid() {
        try {
            return Long.parseLong(Files.readString(server.serverDir().resolve("mysqld.pid")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long residentBytes() {
        return ProcFs.residentBytes(pid());
    }

    double cpuSeconds() {
        return ProcFs.cpuSeconds(pid());
    }

    boolean pluginActive() throws SQLException {
        return "ACTIVE".equals(server.scalar(
                "SELECT PLUGIN_STATUS FROM INFORMATION_SCHEMA.PLUGINS WHERE PLUGIN_NAME = 'clone'"));
    }

    /** INSTALL PLUGIN clone; returns its wall time in seconds. */
    double installPlugin() throws SQLException {
        long t0 = System.nanoTime();
        server.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
        return (System.nanoTime() - t0) / 1e9;
    }

    void uninstallPluginIfActive() throws SQLException {
        if (pluginActive()) {
            server.execute("UNINSTALL PLUGIN clone");
        }
    }

    void ensurePlugin() throws SQLException {
        if (!pluginActive()) {
            installPlugin();
        }
    }

    void restart() {
        server.restart();
    }

    /** Sets the clone variables for the next clone. */
    void configureClone(int maxConcurrency, boolean autotune, int bandwidthMiB) throws SQLException {
        server.execute("SET GLOBAL clone_max_concurrency = " + maxConcurrency,
                "SET GLOBAL clone_autotune_concurrency = " + (autotune ? "ON" : "OFF"),
                "SET GLOBAL clone_max_data_bandwidth = " + bandwidthMiB);
    }

    void resetCloneSettings() throws SQLException {
        server.execute("SET GLOBAL clone_max_concurrency = DEFAULT", "SET GLOBAL clone_autotune_concurrency = DEFAULT",
                "SET GLOBAL clone_max_data_bandwidth = DEFAULT");
    }

    long errorLogSize() {
        try {
            return Files.exists(server.errorLog()) ? Files.size(server.errorLog()) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String errorLogFrom(long offset) {
        return FileTrees.readFrom(server.errorLog(), offset);
    }

    /**
     * Bytes of the files a clone copies (tablespaces: ibdata, undo, .ibd), to check each clone
     * produced a complete data directory.
     */
    long innodbFileBytes() {
        try (Stream<Path> walk = Files.walk(server.dataDir())) {
            return walk.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).filter(f -> {
                String name = f.getFileName().toString();
                return name.endsWith(".ibd") || name.startsWith("ibdata") || name.startsWith("undo_");
            }).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException vanished) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
