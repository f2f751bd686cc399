package org.jclone.it.harness;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A MySQL server under test: a local mysqld process ({@link ProcessMysqlServer}, default) or a
 * Docker container ({@link ContainerMysqlServer}, with {@code -Djclone.it.backend=docker}).
 * Create one with {@link #builder(MysqlDistribution)} or, inside a test, with the
 * {@link ServerFactory} that {@link MysqlServerExtension} injects (which also stops it and keeps
 * its logs when the test fails).
 */
public interface MysqlServer extends AutoCloseable {

    static Builder builder(MysqlDistribution distribution) {
        return new Builder(distribution);
    }

    String name();

    MysqlDistribution distribution();

    /** Starts and waits until a root connection works; throws with the error-log tail otherwise. */
    void start();

    /**
     * Starts a server that is expected not to come up, and returns mysqld's exit code once it has
     * exited by itself. Fails if it is still running after {@code timeout}.
     */
    int startExpectingFailure(Duration timeout);

    /** Graceful shutdown (SIGTERM, then SIGKILL after 60 s). No-op when not running. */
    void stop();

    void restart();

    /** SIGKILL: a crash, as far as InnoDB is concerned. */
    void kill();

    boolean isRunning();

    /** Waits until a root connection works (e.g. after a self-restart). */
    void awaitReady(Duration timeout);

    /**
     * Waits for a restart mysqld asked for itself (exit code 16 after RESTART or after
     * CLONE INSTANCE into its own data directory), then until it accepts connections again.
     * Only supervised servers (the default) are restarted; see {@link Builder#supervised(boolean)}.
     */
    void awaitRestart(Duration timeout);

    /** Waits until mysqld exits by itself and returns its exit code. */
    int awaitExit(Duration timeout);

    /** How many self-restarts (exit code 16) the harness has carried out. */
    int restartCount();

    /** Host and port a test connects to. */
    String host();

    int port();

    /** Host and port another server under test uses to reach this one (clone donor address). */
    String peerHost();

    int peerPort();

    /** {@code peerHost():peerPort()}, the form clone_valid_donor_list wants. */
    default String peerAddress() {
        return peerHost() + ":" + peerPort();
    }

    String jdbcUrl();

    default Connection connect() throws SQLException {
        return connect("root", "");
    }

    Connection connect(String user, String password) throws SQLException;

    /** target/servers/&lt;group&gt;/&lt;name&gt;-&lt;n&gt;/ */
    Path serverDir();

    Path dataDir();

    Path errorLog();

    String errorLogText();

    Path pluginDir();

    /** The generated my.cnf. */
    Path configFile();

    /** Files worth keeping when a test fails: error log, my.cnf, captured stdout/stderr. */
    List<Path> diagnosticFiles();

    /** Runs a statement as root and returns every row as strings (SQL NULL as null). */
    default List<List<String>> query(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            List<List<String>> rows = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>(meta.getColumnCount());
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** Runs statements as root, in order, on one connection. */
    default void execute(String... sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    /** First column of the first row, or null when there is no row. */
    default String scalar(String sql) throws SQLException {
        List<List<String>> rows = query(sql);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    /** Stops the server; never throws for an already stopped one. */
    @Override
    void close();

    /** Spec environment key that the process backend turns into an address-space limit. */
    String ADDRESS_SPACE_LIMIT_KIB = "JCLONE_IT_ADDRESS_SPACE_LIMIT_KIB";

    /** Collects a {@link ServerSpec}; {@link #build()} picks the backend. */
    final class Builder {
        private final MysqlDistribution distribution;
        private String name = "mysqld";
        private String group = "adhoc";
        private final List<ServerSpec.Option> options = new ArrayList<>();
        private final Set<String> removedOptions = new LinkedHashSet<>();
        private Path dataDir;
        private Path dataDirSource;
        private final List<ServerSpec.Option> initializeOptions = new ArrayList<>();
        private boolean withPlugin;
        private Path pluginSource;
        private final Map<String, String> env = new LinkedHashMap<>();
        private List<String> launchPrefix = List.of();
        private boolean supervised = true;
        private Duration startTimeout = Duration.ofSeconds(60);
        private Consumer<MysqlServer> onBuild = s -> { };

        Builder(MysqlDistribution distribution) {
            this.distribution = Objects.requireNonNull(distribution);
        }

        /** Short name, used for the server directory and kept log names. */
        public Builder name(String name) {
            if (!name.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("server name must be file-name safe: " + name);
            }
            this.name = name;
            return this;
        }

        /** Adds {@code key=value} to my.cnf; replaces a harness default of the same key. */
        public Builder option(String key, String value) {
            options.add(new ServerSpec.Option(key, value));
            return this;
        }

        /** Adds a bare {@code key} line (a boolean flag such as skip-log-bin). */
        public Builder option(String key) {
            return option(key, null);
        }

        /** Leaves a harness default out of my.cnf (e.g. "mysqlx"). */
        public Builder withoutOption(String key) {
            removedOptions.add(ServerSpec.normalize(key));
            return this;
        }

        /**
         * An option InnoDB fixes when the data directory is initialized (innodb_data_file_path,
         * innodb_file_per_table for the system tables, ...): the data directory is a copy of a
         * template initialized with every such option (made once per build, like the plain one),
         * and {@code key=value} goes into my.cnf as {@link #option(String, String)} does, since
         * the server must start with the layout it was initialized with. With {@link #dataDir}
         * or {@link #copyDataDirFrom} only the my.cnf line remains.
         */
        public Builder initializeWith(String key, String value) {
            initializeOptions.add(new ServerSpec.Option(key, value));
            return option(key, value);
        }

        /** Runs on this existing directory in place (e.g. a clone's target) instead of a template copy. */
        public Builder dataDir(Path existing) {
            this.dataDir = existing.toAbsolutePath().normalize();
            this.dataDirSource = null;
            return this;
        }

        /** Runs on a private copy of this directory (e.g. another version's template). */
        public Builder copyDataDirFrom(Path source) {
            this.dataDirSource = source.toAbsolutePath().normalize();
            this.dataDir = null;
            return this;
        }

        /** Copies the built plugin directory (jclone.pluginDir) into this server's plugin-dir. */
        public Builder withPlugin(boolean withPlugin) {
            this.withPlugin = withPlugin;
            return this;
        }

        /** Overrides jclone.pluginDir for this server. */
        public Builder pluginSource(Path dir) {
            this.pluginSource = dir.toAbsolutePath().normalize();
            return this;
        }

        /**
         * Starts mysqld under this address-space limit (RLIMIT_AS, as {@code ulimit -v}); process
         * backend only. Carried in the spec's environment under {@link #ADDRESS_SPACE_LIMIT_KIB}.
         */
        public Builder addressSpaceLimitKib(long kib) {
            env.put(ADDRESS_SPACE_LIMIT_KIB, Long.toString(kib));
            return this;
        }

        /**
         * Words before mysqld's command line, a program that ends by exec'ing the rest (so that
         * mysqld keeps its pid): e.g. {@code unshare -m} and a shell that mounts something first.
         * Process backend only.
         */
        public Builder launchPrefix(List<String> words) {
            this.launchPrefix = List.copyOf(words);
            return this;
        }

        /** Extra environment for the mysqld process (e.g. JAVA_HOME, LD_LIBRARY_PATH). */
        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /**
         * Whether the harness acts as mysqld's supervisor (default true, like systemd): the test
         * JVM's pid goes into MYSQLD_PARENT_PID, so mysqld may RESTART itself (exit code 16), which
         * a remote clone into the live data directory does, and the harness starts it again with
         * the same my.cnf (data dir, port). Unsupervised, RESTART fails with error 3707 and a
         * replacing clone shuts the server down.
         */
        public Builder supervised(boolean supervised) {
            this.supervised = supervised;
            return this;
        }

        /** {@code supervised(true)}: says so explicitly in a test that relies on self-restarts. */
        public Builder supervised() {
            return supervised(true);
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** Directory under target/servers/ (normally set by {@link ServerFactory} to the test class). */
        public Builder group(String group) {
            this.group = group;
            return this;
        }

        Builder onBuild(Consumer<MysqlServer> callback) {
            this.onBuild = callback;
            return this;
        }

        public ServerSpec spec() {
            Path plugins = pluginSource != null ? pluginSource : HarnessConfig.pluginDir();
            List<ServerSpec.Option> options = withPlugin && HarnessConfig.checkJni()
                    ? JniWarnings.withCheckJni(this.options)
                    : this.options;
            return new ServerSpec(distribution, name, group, List.copyOf(options), Set.copyOf(removedOptions),
                    dataDir, dataDirSource, List.copyOf(initializeOptions), withPlugin, plugins, Map.copyOf(env),
                    launchPrefix, supervised, startTimeout);
        }

        /** Prepares the server directory (data, plugin-dir, config) without starting it. */
        public MysqlServer build() {
            ServerSpec spec = spec();
            MysqlServer server = switch (HarnessConfig.backend()) {
                case PROCESS -> new ProcessMysqlServer(spec);
                case DOCKER -> ContainerMysqlServer.create(spec);
            };
            onBuild.accept(server);
            return server;
        }

        /** {@link #build()} then {@link MysqlServer#start()}. */
        public MysqlServer start() {
            MysqlServer server = build();
            server.start();
            return server;
        }
    }
}
