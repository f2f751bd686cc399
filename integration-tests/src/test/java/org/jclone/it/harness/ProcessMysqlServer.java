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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    /**
     * One mysqld process; {@code exitHandled} completes once the supervisor has looked at its exit
     * (and relaunched it if it asked), so a caller that saw it exit also sees the decision.
     */
    private record Run(Process process, CompletableFuture<Void> exitHandled) { }

    // Guards process replacement: start/stop from the test thread vs. the restart monitor.
    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile Run run;
    private volatile RuntimeException relaunchFailure;
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
                        ? spec.dataDirSource() : spec.distribution().templateDataDir(spec.initializeOptions());
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
            relaunchFailure = null;
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
            // 8.0.31's is_mysqld_managed(): strtol(getenv("MYSQLD_PARENT_PID")) == getppid().
            // The JVM is the direct parent (also through the ulimit shell, which execs mysqld).
            pb.environment().put("MYSQLD_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        } else {
            pb.environment().remove("MYSQLD_PARENT_PID");
        }
        try {
            errorLogOffset = Files.exists(errorLog) ? Files.size(errorLog) : 0;
            Process p = pb.start();
            LiveProcesses.add(p);
            CompletableFuture<Void> handled = new CompletableFuture<>();
            run = new Run(p, handled);
            p.onExit().whenComplete((exited, error) -> {
                try {
                    onExit(exited);
                } finally {
                    handled.complete(null);
                }
            });
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + spec.distribution().mysqld(), e);
        }
    }

    /**
     * The supervisor part, as mysqld_safe and systemd do it: start mysqld again with the same
     * my.cnf (data dir, port, options) when it exits with code 16, and only then. A stop() or
     * kill() from the harness, a SHUTDOWN (exit 0) or a crash is never restarted.
     */
    private void onExit(Process exited) {
        lifecycle.lock();
        try {
            Run current = run;
            if (exited == null || current == null || exited != current.process() || stopping || expectingFailure
                    || !spec.supervised() || exited.exitValue() != RESTART_EXIT_CODE) {
                return;
            }
            restartCount++;
            HarnessLog.info("%s exited with code %d (restart request); starting it again (restart %d)",
                    name(), RESTART_EXIT_CODE, restartCount);
            launch();
        } catch (RuntimeException e) {
            relaunchFailure = e; // nowhere to throw to here; awaitReady/awaitRestart report it
        } finally {
            lifecycle.unlock();
        }
    }

    @Override
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            Process p = currentProcess();
            if (relaunchFailure != null) {
                throw new IllegalStateException(name() + " asked for a restart but could not be started again",
                        relaunchFailure);
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
            Process p = currentProcess();
            if (!p.isAlive() && p.exitValue() != RESTART_EXIT_CODE) {
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
        Run r = run;
        if (r == null) {
            throw new IllegalStateException(name() + " was never started");
        }
        try {
            if (!r.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name() + " still running after " + timeout);
            }
            awaitExitHandled(r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return r.process().exitValue();
    }

    /** The exit handler runs on another thread; once it is done, isRunning() tells its decision. */
    private static void awaitExitHandled(Run r) throws InterruptedException {
        try {
            r.exitHandled().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("supervisor did not handle the exit of pid " + r.process().pid(), e);
        }
    }

    private Process currentProcess() {
        Run r = run;
        if (r == null) {
            throw new IllegalStateException(name() + " was never started");
        }
        return r.process();
    }

    @Override
    public void stop() {
        Run r = markStopping();
        if (r == null) {
            return;
        }
        Process p = r.process();
        p.destroy(); // SIGTERM: mysqld shuts down cleanly (exit 0, never taken for a restart request)
        try {
            if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println("[jclone-it] " + name() + " ignored SIGTERM for " + STOP_TIMEOUT + ", killing it; "
                        + HungProcessReport.of(p.pid()));
                p.destroyForcibly().waitFor();
            }
            awaitExitHandled(r);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void kill() {
        Run r = markStopping();
        if (r == null) {
            return;
        }
        try {
            r.process().destroyForcibly().waitFor();
            awaitExitHandled(r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** From here on no supervisor restart; returns the run to end (a relaunched one included). */
    private Run markStopping() {
        lifecycle.lock();
        try {
            stopping = true;
            return run;
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
        Run r = run;
        return r != null && r.process().isAlive();
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
