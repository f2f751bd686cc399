package org.jclone.it.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jclone.it.harness.MysqlServer;

/**
 * A CLONE LOCAL statement running on a connection and thread of its own, so a test can act on
 * the donor (KILL, a second clone, SHUTDOWN) while it runs. Records when the statement returned.
 */
public final class BackgroundClone implements AutoCloseable {

    private final Path target;
    private final String sql;
    private final Connection connection;
    private final long connectionId;
    private final CompletableFuture<SQLException> outcome = new CompletableFuture<>();
    private final Thread thread;
    private volatile long startedNanos;
    private volatile long endedNanos;

    private BackgroundClone(MysqlServer donor, Path target, String user, String password, String sql)
            throws SQLException {
        this.target = target;
        this.sql = sql;
        this.connection = donor.connect(user, password);
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            this.connectionId = rs.getLong(1);
        }
        this.thread = new Thread(this::run, "clone-" + target.getFileName());
        this.thread.setDaemon(true);
    }

    public static BackgroundClone start(MysqlServer donor, Path target) throws SQLException {
        return start(donor, target, "root", "");
    }

    public static BackgroundClone start(MysqlServer donor, Path target, String user, String password)
            throws SQLException {
        return startStatement(donor, target, user, password, CloneOps.cloneSql(target));
    }

    /** Runs another clone statement into {@code target} (e.g. CLONE INSTANCE FROM) the same way. */
    public static BackgroundClone startStatement(MysqlServer server, Path target, String user, String password,
            String sql) throws SQLException {
        BackgroundClone clone = new BackgroundClone(server, target, user, password, sql);
        clone.startedNanos = System.nanoTime();
        clone.thread.start();
        return clone;
    }

    private void run() {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
            endedNanos = System.nanoTime();
            outcome.complete(null);
        } catch (SQLException e) {
            endedNanos = System.nanoTime();
            outcome.complete(e);
        } catch (Throwable t) {
            endedNanos = System.nanoTime();
            outcome.completeExceptionally(t);
        }
    }

    public long connectionId() {
        return connectionId;
    }

    public Path target() {
        return target;
    }

    public boolean isDone() {
        return outcome.isDone();
    }

    /** Waits for the statement; returns its error, or null when it succeeded. */
    public SQLException await(Duration timeout) throws Exception {
        try {
            return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("CLONE into " + target + " still running after " + timeout);
        } catch (ExecutionException e) {
            throw new AssertionError("CLONE thread failed unexpectedly", e.getCause());
        }
    }

    /** System.nanoTime() when the statement returned (0 while it runs). */
    public long endedNanos() {
        return endedNanos;
    }

    public long startedNanos() {
        return startedNanos;
    }

    /** Wall time of the statement. */
    public Duration elapsed() {
        return Duration.ofNanos(endedNanos - startedNanos);
    }

    /**
     * Waits until the clone has written at least {@code bytes} (disk blocks allocated) into its
     * target, failing if the statement ends first or the time runs out.
     */
    public long awaitCopied(long bytes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long copied = 0;
        while (System.nanoTime() < deadline) {
            if (outcome.isDone()) {
                throw new AssertionError("CLONE into " + target + " ended before copying " + bytes
                        + " bytes (it copied " + copied + "): " + describeOutcome());
            }
            // Allocated, not apparent, size: InnoDB may extend a file before the data arrives.
            copied = Files.exists(target) ? CloneOps.treeAllocatedBytesOrZero(target) : 0;
            if (copied >= bytes) {
                return copied;
            }
            CloneOps.sleep(100);
        }
        throw new AssertionError("CLONE into " + target + " copied only " + copied + " bytes in " + timeout);
    }

    private String describeOutcome() {
        SQLException e = outcome.getNow(null);
        return e == null ? (outcome.isCompletedExceptionally() ? "thread failed" : "success") : CloneOps.describe(e);
    }

    @Override
    public void close() {
        try {
            if (outcome.isDone()) {
                connection.close();
            } else {
                // close() would wait for the running statement's lock, forever on a hung server;
                // abort() drops the socket without it, on a thread of its own.
                connection.abort(task -> {
                    Thread aborter = new Thread(task, "abort-" + target.getFileName());
                    aborter.setDaemon(true);
                    aborter.start();
                });
            }
        } catch (SQLException ignored) {
            // the connection may be gone already (KILL CONNECTION, shutdown)
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
