package org.jclone.it.harness;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.utility.DockerImageName;

/**
 * The Docker backend ({@code -Djclone.it.backend=docker}): the same {@link MysqlServer} API on
 * the official {@code mysql:<version>} image. With {@code withPlugin(true)} the image is extended
 * by this Dockerfile (built by Testcontainers, build context = the server's plugin directory):
 * <pre>
 * FROM eclipse-temurin:17-jre AS jre
 * FROM mysql:8.0.31
 * COPY --from=jre /opt/java/openjdk /opt/java/openjdk
 * ENV JAVA_HOME=/opt/java/openjdk
 * ENV LD_LIBRARY_PATH=/opt/java/openjdk/lib/server
 * COPY plugin/ /usr/lib64/mysql/plugin/
 * </pre>
 * The data directory is a bind mount of {@code <serverDir>/data} (or of {@code dataDir(..)}), so
 * it survives stop/start and can be inspected from the host. Options become mysqld arguments.
 * mysqld runs as PID 1, so {@code MYSQLD_PARENT_PID=0} plus an on-failure restart policy lets it
 * RESTART itself like under systemd. Servers reach each other on a shared network by name.
 */
public final class ContainerMysqlServer extends BaseMysqlServer {

    private static final int MYSQL_PORT = 3306;
    private static final String DATA_IN_CONTAINER = "/var/lib/mysql";
    private static final Map<String, ImageFromDockerfile> PLUGIN_IMAGES = new ConcurrentHashMap<>();

    private final GenericContainer<?> container;
    private boolean created;
    private int restartsSeen;

    private ContainerMysqlServer(ServerSpec spec) {
        super(spec);
        prepareDirectories();
        this.container = newContainer();
    }

    /** Fails (never skips) when Docker was asked for but there is no engine. */
    static ContainerMysqlServer create(ServerSpec spec) {
        checkPluginSource(spec);
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException(HarnessConfig.BACKEND + "=docker was requested but no Docker engine"
                    + " is reachable; run without it to use local mysqld processes");
        }
        return new ContainerMysqlServer(spec);
    }

    private void prepareDirectories() {
        try {
            Files.createDirectories(pluginDir);
            if (spec.withPlugin()) {
                FileTrees.copyTree(spec.pluginSource(), pluginDir);
                // The bundled runtime is built against this host's glibc (2.34+ on Debian 12), newer
                // than the mysql image's: the image's own JDK (JAVA_HOME) serves there.
                FileTrees.deleteTree(pluginDir.resolve("mysql_clone_jre"));
            }
            if (spec.dataDir() == null) {
                // Empty: the image's entrypoint initializes it with the server's options, so
                // initializeWith's options (which are among them) apply to the initialization too.
                Files.createDirectories(dataDir);
                if (spec.dataDirSource() != null) {
                    FileTrees.copyTree(spec.dataDirSource(), dataDir);
                    Files.deleteIfExists(dataDir.resolve("auto.cnf"));
                }
            }
            Files.writeString(configFile, "# passed as arguments to the container's mysqld\n"
                    + String.join("\n", arguments()) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> arguments() {
        List<ServerSpec.Option> defaults = new ArrayList<>(List.of(
                new ServerSpec.Option("server-id", Integer.toString(1 + Math.abs(spec.name().hashCode() % 100000))),
                new ServerSpec.Option("log_error_verbosity", "3"),
                new ServerSpec.Option("innodb_buffer_pool_size", "128M")));
        if (spec.distribution().is80OrLater()) {
            defaults.add(new ServerSpec.Option("mysqlx", "OFF"));
        }
        List<String> args = new ArrayList<>();
        for (String line : MyCnf.render(defaults, spec).split("\n")) {
            if (!line.isBlank() && !line.startsWith("#") && !line.startsWith("[")) {
                args.add("--" + line);
            }
        }
        return args;
    }

    @SuppressWarnings("resource") // closed in close()
    private GenericContainer<?> newContainer() {
        GenericContainer<?> c = spec.withPlugin()
                ? new GenericContainer<>(pluginImage())
                : new GenericContainer<>(DockerImageName.parse(spec.distribution().dockerImage()));
        c.withExposedPorts(MYSQL_PORT)
                .withNetwork(Network.SHARED)
                .withNetworkAliases(spec.name())
                .withEnv("MYSQL_ALLOW_EMPTY_PASSWORD", "yes")
                .withEnv("MYSQL_ROOT_HOST", "%")
                .withEnv(spec.env())
                .withFileSystemBind(dataDir.toString(), DATA_IN_CONTAINER, BindMode.READ_WRITE)
                .withCommand(arguments().toArray(String[]::new))
                // Readiness is checked over JDBC (awaitReady) so failed starts can be observed too.
                .withStartupCheckStrategy(new StartupCheckStrategy() {
                    @Override
                    public StartupStatus checkStartupState(DockerClient docker, String containerId) {
                        return StartupStatus.SUCCESSFUL;
                    }
                })
                .waitingFor(new AbstractWaitStrategy() {
                    @Override
                    protected void waitUntilReady() {
                    }
                });
        if (spec.supervised()) {
            c.withEnv("MYSQLD_PARENT_PID", "0");
            c.withCreateContainerCmdModifier(cmd ->
                    cmd.getHostConfig().withRestartPolicy(RestartPolicy.onFailureRestart(10)));
        }
        return c;
    }

    private ImageFromDockerfile pluginImage() {
        String version = spec.distribution().version();
        return PLUGIN_IMAGES.computeIfAbsent(version, v -> new ImageFromDockerfile("jclone-mysql-plugin:" + v, true)
                .withFileFromPath("plugin", pluginDir)
                .withFileFromString("Dockerfile", String.join("\n",
                        "FROM eclipse-temurin:17-jre AS jre",
                        "FROM " + spec.distribution().dockerImage(),
                        "COPY --from=jre /opt/java/openjdk /opt/java/openjdk",
                        "ENV JAVA_HOME=/opt/java/openjdk",
                        "ENV LD_LIBRARY_PATH=/opt/java/openjdk/lib/server",
                        "COPY plugin/ /usr/lib64/mysql/plugin/",
                        "")));
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    @Override
    public void start() {
        startContainer();
        awaitReady(spec.startTimeout());
    }

    private void startContainer() {
        if (isRunning()) {
            throw new IllegalStateException(name() + " is already running");
        }
        if (!created) {
            container.start();
            created = true;
        } else {
            docker().startContainerCmd(container.getContainerId()).exec();
        }
        restartsSeen = restartCount();
    }

    @Override
    public int startExpectingFailure(Duration timeout) {
        startContainer();
        Integer exitCode = exitCodeWithin(timeout);
        if (exitCode != null) {
            return exitCode;
        }
        kill();
        throw new AssertionError(name() + " was expected to fail to start but still ran after " + timeout);
    }

    @Override
    public void stop() {
        if (created && isRunning()) {
            docker().stopContainerCmd(container.getContainerId()).withTimeout(60).exec();
        }
        snapshotLogs();
    }

    @Override
    public void restart() {
        stop();
        start();
    }

    @Override
    public void kill() {
        if (created && isRunning()) {
            docker().killContainerCmd(container.getContainerId()).exec();
        }
        snapshotLogs();
    }

    @Override
    public boolean isRunning() {
        return created && Boolean.TRUE.equals(inspect().getState().getRunning());
    }

    @Override
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            InspectContainerResponse.ContainerState state = inspect().getState();
            boolean up = Boolean.TRUE.equals(state.getRunning());
            if (!up && !Boolean.TRUE.equals(state.getRestarting())) {
                throw new IllegalStateException(name() + " exited with code " + state.getExitCodeLong()
                        + "; log tail:\n" + FileTrees.tail(snapshotLogs(), 50));
            }
            if (up) {
                try (Connection c = connect(); Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                    return;
                } catch (SQLException e) {
                    last = e;
                }
            }
            sleep(250);
        }
        throw new IllegalStateException(name() + " did not accept connections within " + timeout
                + (last != null ? " (" + last.getMessage() + ")" : "") + "; log tail:\n"
                + FileTrees.tail(snapshotLogs(), 50));
    }

    @Override
    public void awaitRestart(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (restartCount() <= restartsSeen) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name() + " did not restart itself within " + timeout);
            }
            sleep(250);
        }
        restartsSeen = restartCount();
        awaitReady(Duration.ofNanos(Math.max(deadline - System.nanoTime(), Duration.ofSeconds(5).toNanos())));
    }

    @Override
    public int awaitExit(Duration timeout) {
        Integer exitCode = exitCodeWithin(timeout);
        if (exitCode != null) {
            return exitCode;
        }
        throw new AssertionError(name() + " still running after " + timeout);
    }

    /** The container's exit code once it has stopped for good, or null if it still runs after {@code timeout}. */
    private Integer exitCodeWithin(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            InspectContainerResponse.ContainerState state = inspect().getState();
            if (!Boolean.TRUE.equals(state.getRunning()) && !Boolean.TRUE.equals(state.getRestarting())) {
                return state.getExitCodeLong().intValue();
            }
            sleep(250);
        }
        return null;
    }

    @Override
    public int restartCount() {
        if (!created) {
            return 0;
        }
        Integer count = inspect().getRestartCount();
        return count == null ? 0 : count;
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            container.close(); // removes the container; the bind-mounted data stays on the host
        }
    }

    // ---- access ------------------------------------------------------------------------------

    @Override
    public String host() {
        return container.getHost();
    }

    /** Host port mapped to 3306; looked up each time because a container restart may change it. */
    @Override
    public int port() {
        Ports.Binding[] bindings = inspect().getNetworkSettings().getPorts().getBindings()
                .get(ExposedPort.tcp(MYSQL_PORT));
        if (bindings == null || bindings.length == 0) {
            throw new IllegalStateException(name() + " has no published port (not running?)");
        }
        return Integer.parseInt(bindings[0].getHostPortSpec());
    }

    @Override
    public String peerHost() {
        return spec.name();
    }

    @Override
    public int peerPort() {
        return MYSQL_PORT;
    }

    /** A host copy of the container log (the image logs to stderr), refreshed on each call. */
    @Override
    public Path errorLog() {
        return snapshotLogs();
    }

    @Override
    public String errorLogText() {
        return FileTrees.readIfExists(snapshotLogs());
    }

    @Override
    public List<Path> diagnosticFiles() {
        snapshotLogs();
        return List.of(errorLog, configFile);
    }

    private Path snapshotLogs() {
        if (created) {
            try {
                Files.writeString(errorLog, container.getLogs(), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                // keep the previous snapshot: the container may already be gone
            }
        }
        return errorLog;
    }

    private DockerClient docker() {
        return container.getDockerClient();
    }

    private InspectContainerResponse inspect() {
        return docker().inspectContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public String toString() {
        return name() + " (container, " + spec.distribution().dockerImage() + ", " + serverDir + ")";
    }
}
