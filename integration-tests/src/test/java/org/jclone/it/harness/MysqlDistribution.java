package org.jclone.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One official MySQL generic Linux build, extracted from the tarball that maven-dependency-plugin
 * left under {@code jclone.mysqlArchives/<version>/} into {@code jclone.mysqlDist/<version>/}.
 * Extraction and the template data directory happen lazily, once per build (see {@link BuildOnce}),
 * so only tests that need a version pay for it.
 */
public final class MysqlDistribution {

    private static final String ARCHIVE_NAME = "mysql-Linux-amd64.tar.gz";
    private static final MysqlDistribution MYSQL_80 = new MysqlDistribution("8.0.31");
    private static final MysqlDistribution MYSQL_57 = new MysqlDistribution("5.7.22");

    private final String version;
    // Non-null: a copy of the build whose mysqld reports this version instead (see reportingVersion).
    private final String reportedVersion;

    private MysqlDistribution(String version) {
        this(version, null);
    }

    private MysqlDistribution(String version, String reportedVersion) {
        this.version = version;
        this.reportedVersion = reportedVersion;
    }

    /**
     * MySQL 8.0.31 whose mysqld reports another version of the same length (e.g. "8.0.99"): a
     * copy of the installation with the version text in bin/mysqld patched, everything else
     * linked. For testing the plugin's refusal of other versions without a second server build.
     */
    public static MysqlDistribution mysql8ReportingVersion(String reported) {
        if (reported.length() != MYSQL_80.version.length()) {
            throw new IllegalArgumentException("the patched version must be as long as " + MYSQL_80.version);
        }
        return new MysqlDistribution(MYSQL_80.version, reported);
    }

    /** MySQL 8.0.31, the server the plugin is built for. */
    public static MysqlDistribution mysql8() {
        return MYSQL_80;
    }

    /** MySQL 5.7.22, used to produce data directories that 8.0.31 upgrades in place. */
    public static MysqlDistribution mysql57() {
        return MYSQL_57;
    }

    public String version() {
        return version;
    }

    /** True for 8.0 and later (X plugin, lib/plugin components, redo-log capacity, ...). */
    public boolean is80OrLater() {
        return Integer.parseInt(version.substring(0, version.indexOf('.'))) >= 8;
    }

    /** Docker image of the same server version, for the container backend. */
    public String dockerImage() {
        return "mysql:" + version;
    }

    /** The extracted installation (bin/, share/, lib/). */
    public Path baseDir() {
        if (reportedVersion == null) {
            return extractedDir();
        }
        Path built = extractedDir();
        return BuildOnce.ensure(HarnessConfig.mysqlDistRoot().resolve(version + "-as-" + reportedVersion),
                dir -> VersionPatch.copy(built, dir, version, reportedVersion));
    }

    private Path extractedDir() {
        Path target = HarnessConfig.mysqlDistRoot().resolve(version);
        return BuildOnce.ensure(target, dir -> {
            Path archive = HarnessConfig.mysqlArchiveRoot().resolve(version).resolve(ARCHIVE_NAME);
            if (!Files.isRegularFile(archive)) {
                throw new IllegalStateException("MySQL " + version + " archive not found at " + archive
                        + " (it is unpacked by maven-dependency-plugin in generate-test-resources)");
            }
            long t0 = System.nanoTime();
            TarGzExtractor.extract(archive, dir);
            HarnessLog.info("extracted MySQL %s in %d ms", version, (System.nanoTime() - t0) / 1_000_000);
        });
    }

    public Path mysqld() {
        return baseDir().resolve("bin/mysqld");
    }

    /** Holds english/errmsg.sys and charsets/; mysqld's lc-messages-dir. */
    public Path shareDir() {
        return baseDir().resolve("share");
    }

    /** Plugins/components shipped with the build (8.0: component_reference_cache.so). */
    public List<Path> bundledPlugins() {
        Path dir = baseDir().resolve("lib/plugin");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".so")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A freshly initialized data directory (root@localhost, empty password). Never start a server
     * on it: copy it (servers do that by default). Initialized once per build and version.
     */
    public Path templateDataDir() {
        if (reportedVersion != null) {
            return new MysqlDistribution(version).templateDataDir();
        }
        Path base = baseDir();
        Path target = HarnessConfig.mysqlDistRoot().resolve("templates").resolve(version);
        BuildOnce.ensure(target, dir -> {
            long t0 = System.nanoTime();
            initialize(base, dir, List.of());
            HarnessLog.info("initialized the MySQL %s template data directory in %d ms",
                    version, (System.nanoTime() - t0) / 1_000_000);
        });
        return target.resolve("data");
    }

    /**
     * Like {@link #templateDataDir()}, but initialized with these options as well (for example a
     * system tablespace of several files: innodb_data_file_path); one directory per build, version
     * and option list. A server on a copy must be started with the same InnoDB layout options
     * ({@link MysqlServer.Builder#initializeWith} passes them to both). No options: the plain template.
     */
    public Path templateDataDir(List<ServerSpec.Option> initializeOptions) {
        if (initializeOptions.isEmpty()) {
            return templateDataDir();
        }
        if (reportedVersion != null) {
            return new MysqlDistribution(version).templateDataDir(initializeOptions);
        }
        List<String> extra = new ArrayList<>();
        for (ServerSpec.Option option : initializeOptions) {
            extra.add("--" + option.key() + (option.value() == null ? "" : "=" + option.value()));
        }
        Path base = baseDir();
        Path target = HarnessConfig.mysqlDistRoot().resolve("templates")
                .resolve(version + "-" + Integer.toHexString(String.join("\n", extra).hashCode()));
        BuildOnce.ensure(target, dir -> {
            long t0 = System.nanoTime();
            initialize(base, dir, extra);
            HarnessLog.info("initialized a MySQL %s data directory with %s in %d ms",
                    version, extra, (System.nanoTime() - t0) / 1_000_000);
        });
        return target.resolve("data");
    }

    private void initialize(Path base, Path dir, List<String> extra) throws IOException, InterruptedException {
        Path data = dir.resolve("data");
        Path log = dir.resolve("initialize.log");
        List<String> cmd = new ArrayList<>(List.of(
                base.resolve("bin/mysqld").toString(),
                "--no-defaults",
                "--initialize-insecure",
                "--basedir=" + base,
                "--datadir=" + data,
                "--user=root",
                "--lc-messages-dir=" + base.resolve("share")));
        cmd.addAll(extra);
        // The command line heads the log, so the directory says how it was initialized.
        Files.writeString(log, String.join(" ", cmd) + "\n");
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IllegalStateException("mysqld " + version + " --initialize timed out:\n"
                    + FileTrees.tail(log, 50));
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("mysqld " + version + " --initialize failed with exit code "
                    + p.exitValue() + ":\n" + FileTrees.tail(log, 50));
        }
        // Every copy must get its own server_uuid; mysqld writes a new auto.cnf when it is missing.
        Files.deleteIfExists(data.resolve("auto.cnf"));
    }

    @Override
    public String toString() {
        return "MySQL " + version + (reportedVersion == null ? "" : " reporting " + reportedVersion);
    }
}
