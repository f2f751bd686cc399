package org.jclone.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A mysqld child process of the test JVM, living in its own server directory:
 * <pre>
 *   my.cnf  data/  plugin/  tmp/  error.log  mysqld.out  mysqld.pid  mysql.sock
 * </pre>
 */
public final class ProcessMysqlServer extends BaseMysqlServer {

    /** Exit code with which mysqld asks its supervisor for a restart. */
    static final int RESTART_EXIT_CODE = 16;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_UNIX_SOCKET_PATH = 100; // sun_path holds 108 bytes

    private final Path outputFile;
    private final int port;

    // Guards process replacement: start/stop from the test thread vs. the restart monitor.
    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile Process process;
    private volatile boolean stopping;
    private volatile boolean expectingFailure;
    private volatile int restartCount;
    private int acknowledgedRestarts;
    private volatile long errorLogOffset; // error.log size when the current process was launched

    ProcessMysqlServer(ServerSpec spec) {
        super(spec);
        this.outputFile = serverDir.resolve("mysqld.out");
        this.port = PortAllocator.freePort();
        long t0 = System.nanoTime();
        prepare();
        HarnessLog.info("prepared %s in %s (%d ms)", name(), serverDir, (System.nanoTime() - t0) / 1_000_000);
    }

    private void prepare() {
        try {
            Files.createDirectories(serverDir.resolve("tmp"));
            Files.createDirectories(pluginDir);
            if (spec.withPlugin()) {
                // The bundled runtime (~66 MB) is only read: linked, not copied, for each server.
                FileTrees.copyTree(spec.pluginSource(), pluginDir, Path.of("mysql_clone_jre"));
            }
            // 8.0 loads this component at startup from plugin-dir.
            for (Path bundled : spec.distribution().bundledPlugins()) {
                Files.copy(bundled, pluginDir.resolve(bundled.getFileName().toString()),
                        StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
            if (spec.dataDir() == null) {
                Path source = spec.dataDirSource() != null
                        ? spec.dataDirSource() : spec.distribution().templateDataDir();
                FileTrees.copyTree(source, dataDir);
                // A copied auto.cnf would give two servers the same server_uuid.
                Files.deleteIfExists(dataDir.resolve("auto.cnf"));
            }
            MyCnf.write(configFile, defaultOptions(), spec);
        } catch (IOException e) {
            throw new UncheckedIOException("preparing " + serverDir, e);
        }
    }

    private List<ServerSpec.Option> defaultOptions() {
        MysqlDistribution dist = spec.distribution();
        List<ServerSpec.Option> o = new ArrayList<>();
        o.add(new ServerSpec.Option("basedir", dist.baseDir().toString()));
        o.add(new ServerSpec.Option("datadir", dataDir.toString()));
        o.add(new ServerSpec.Option("port", Integer.toString(port)));
        o.add(new ServerSpec.Option("socket", socketPath().toString()));
        o.add(new ServerSpec.Option("pid-file", serverDir.resolve("mysqld.pid").toString()));
        o.add(new ServerSpec.Option("log-error", errorLog.toString()));
        o.add(new ServerSpec.Option("plugin-dir", pluginDir.toString()));
        o.add(new ServerSpec.Option("bind-address", "127.0.0.1"));
        o.add(new ServerSpec.Option("lc-messages-dir", dist.shareDir().toString()));
        o.add(new ServerSpec.Option("tmpdir", serverDir.resolve("tmp").toString()));
        o.add(new ServerSpec.Option("user", "root"));
        o.add(new ServerSpec.Option("server-id", Integer.toString(port)));
        o.add(new ServerSpec.Option("log_error_verbosity", "3"));
        o.add(new ServerSpec.Option("innodb_buffer_pool_size", "128M"));
        if (dist.is80OrLater()) {
            o.add(new ServerSpec.Option("mysqlx", "OFF"));
        }
        return o;
    }

    private Path socketPath() {
        Path inDir = serverDir.resolve("mysql.sock");
        if (inDir.toString().length() <= MAX_UNIX_SOCKET_PATH) {
            return inDir;
        }
        return Path.of(System.getProperty("java.io.tmpdir"),
                "jclone-" + ProcessHandle.current().pid() + "-" + port + ".sock");
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    @Override
    public void start() {
        long t0 = System.nanoTime();
        launchFresh(false);
        awaitReady(spec.startTimeout());
        HarnessLog.info("%s ready on port %d after %d ms", name(), port, (System.nanoTime() - t0) / 1_000_000);
    }

    @Override
    public int startExpectingFailure(Duration timeout) {
        Process p = launchFresh(true);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new AssertionError(name() + " was expected to fail to start but still ran after "
                        + timeout + "; error log tail:\n" + FileTrees.tail(errorLog, 50));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return p.exitValue();
    }

    private Process launchFresh(boolean expectFailure) {
        lifecycle.lock();
        try {
            if (isRunning()) {
                throw new IllegalStateException(name() + " is already running");
            }
            if (!Files.isDirectory(dataDir)) {
                throw new IllegalStateException(name() + ": data directory " + dataDir + " does not exist");
            }
            stopping = false;
            expectingFailure = expectFailure;
            acknowledgedRestarts = restartCount;
            return launch();
        } finally {
            lifecycle.unlock();
        }
    }

    /** Caller holds {@link #lifecycle}. */
    private Process launch() {
        List<String> command = new ArrayList<>(List.of(
                spec.distribution().mysqld().toString(), "--defaults-file=" + configFile));
        String addressSpaceLimit = spec.env().get(MysqlServer.ADDRESS_SPACE_LIMIT_KIB);
        if (addressSpaceLimit != null) {
            // The shell sets the limit and execs mysqld, which keeps the shell's pid and parent.
            command.addAll(0, List.of("/bin/sh", "-c",
                    "ulimit -v " + Long.parseLong(addressSpaceLimit) + " && exec \"$0\" \"$@\""));
        }
        command.addAll(0, spec.launchPrefix());
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(serverDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile.toFile()));
        pb.environment().putAll(spec.env());
        pb.environment().remove(MysqlServer.ADDRESS_SPACE_LIMIT_KIB);
        if (spec.supervised()) {
            // mysqld only honours RESTART when this names its parent process.
            pb.environment().put("MYSQLD_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        } else {
            pb.environment().remove("MYSQLD_PARENT_PID");
        }
        try {
            errorLogOffset = Files.exists(errorLog) ? Files.size(errorLog) : 0;
            Process p = pb.start();
            LiveProcesses.add(p);
            process = p;
            p.onExit().thenAccept(this::onExit);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + spec.distribution().mysqld(), e);
        }
    }

    /** The supervisor part: restart mysqld when it exits asking for it. */
    private void onExit(Process exited) {
        lifecycle.lock();
        try {
            if (exited != process || stopping || expectingFailure || !spec.supervised()
                    || exited.exitValue() != RESTART_EXIT_CODE) {
                return;
            }
            restartCount++;
            launch();
        } catch (RuntimeException e) {
            e.printStackTrace(); // nowhere to throw to; awaitReady will report the dead server
        } finally {
            lifecycle.unlock();
        }
    }

    @Override
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            Process p = process;
            if (p == null) {
                throw new IllegalStateException(name() + " was never started");
            }
            if (!p.isAlive()) {
                boolean restartPending = spec.supervised() && !stopping && !expectingFailure
                        && p.exitValue() == RESTART_EXIT_CODE;
                if (!restartPending) {
                    throw new IllegalStateException(name() + " (" + spec.distribution() + ") exited with code "
                            + p.exitValue() + " instead of accepting connections; " + logTails());
                }
            } else {
                try (Connection c = connect(); Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                    return;
                } catch (SQLException e) {
                    last = e;
                }
            }
            sleep(200);
        }
        throw new IllegalStateException(name() + " did not accept connections within " + timeout
                + (last != null ? " (last error: " + last.getMessage() + ")" : "") + "; " + logTails());
    }

    @Override
    public void awaitRestart(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (restartCount <= acknowledgedRestarts) {
            Process p = process;
            if (p != null && !p.isAlive() && p.exitValue() != RESTART_EXIT_CODE) {
                throw new IllegalStateException(name() + " exited with code " + p.exitValue()
                        + " instead of restarting; " + logTails());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name() + " did not restart itself within " + timeout
                        + (spec.supervised() ? "" : " (it is not supervised)") + "; " + logTails());
            }
            sleep(100);
        }
        acknowledgedRestarts = restartCount;
        awaitReady(Duration.ofNanos(Math.max(deadline - System.nanoTime(), Duration.ofSeconds(5).toNanos())));
    }

    @Override
    public int awaitExit(Duration timeout) {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException(name() + " was never started");
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name() + " still running after " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return p.exitValue();
    }

    @Override
    public void stop() {
        Process p = markStopping();
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy(); // SIGTERM: mysqld shuts down cleanly
        try {
            if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println("[jclone-it] " + name() + " ignored SIGTERM for " + STOP_TIMEOUT + ", killing it");
                p.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void kill() {
        Process p = markStopping();
        if (p == null) {
            return;
        }
        try {
            p.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Process markStopping() {
        lifecycle.lock();
        try {
            stopping = true; // no supervisor restart from here on
            return process;
        } finally {
            lifecycle.unlock();
        }
    }

    @Override
    public void restart() {
        stop();
        start();
    }

    @Override
    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    @Override
    public int restartCount() {
        return restartCount;
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            kill(); // no-op unless stop() was interrupted
        }
    }

    // ---- access ------------------------------------------------------------------------------

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String peerHost() {
        return host();
    }

    @Override
    public int peerPort() {
        return port;
    }

    @Override
    public Path errorLog() {
        return errorLog;
    }

    @Override
    public String errorLogText() {
        return FileTrees.readIfExists(errorLog);
    }

    @Override
    public List<Path> diagnosticFiles() {
        return List.of(errorLog, configFile, outputFile);
    }

    /** The [ERROR] lines of the current run first: with verbosity 3 the tail is mostly shutdown notes. */
    private String logTails() {
        List<String> errors = FileTrees.errorLines(FileTrees.readFrom(errorLog, errorLogOffset), 20);
        String out = FileTrees.tail(outputFile, 20);
        return (errors.isEmpty() ? "" : "errors logged:\n" + String.join("\n", errors) + "\n")
                + "error log " + errorLog + " ends with:\n" + FileTrees.tail(errorLog, 50)
                + (out.isEmpty() ? "" : "\nmysqld stdout/stderr ends with:\n" + out);
    }

    @Override
    public String toString() {
        return name() + "@" + host() + ":" + port + " (" + spec.distribution() + ", " + serverDir + ")";
    }
}
