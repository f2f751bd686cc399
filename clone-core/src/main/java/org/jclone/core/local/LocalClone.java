package org.jclone.core.local;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.jclone.core.config.CloneConfig;
import org.jclone.core.engine.CloneServices;
import org.jclone.core.engine.InnoDbClone;
import org.jclone.core.engine.Locator;
import org.jclone.core.engine.ServerSessions;
import org.jclone.core.error.CloneException;
import org.jclone.core.error.Failure;
import org.jclone.core.error.MysqlError;
import org.jclone.core.stats.CloneStats;
import org.jclone.core.status.StatusBoard;
import org.jclone.core.throttle.BandwidthThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CLONE LOCAL DATA DIRECTORY: InnoDB's HYBRID clone (page tracking plus redo)
 * from this server into a new directory, by a master task on the client's
 * session and up to clone_max_concurrency - 1 workers with sessions of their own.
 */
public final class LocalClone {
    private static final Logger LOG = LoggerFactory.getLogger(LocalClone.class);

    private final InnoDbClone innodb;
    private final ServerSessions server;
    private final long thd;
    private final String dataDir;
    private final Path target;
    private final CloneConfig config;
    private final Failure failure = new Failure();
    private final CloneStats stats = new CloneStats();
    private final StatusBoard board;
    private final BandwidthThrottle throttle;
    private final Autotuner autotuner;
    private final List<Thread> workers = new ArrayList<>();

    private long hton;
    private Locator donorLocator;
    private Locator recipientLocator;
    private volatile int runningTasks;

    public LocalClone(CloneServices services, long thd, String dataDir) {
        this(services, thd, dataDir, Path.of(dataDir));
    }

    /** target names dataDir's bytes exactly (see PathBytes), whatever the JVM's file name encoding. */
    public LocalClone(CloneServices services, long thd, String dataDir, Path target) {
        this.target = target;
        this.innodb = services.innodb();
        this.server = services.server();
        this.thd = thd;
        this.dataDir = dataDir;
        this.config = CloneConfig.read(services.config());
        this.board = services.status();
        this.throttle = new BandwidthThrottle(() -> services.config().number("clone_max_data_bandwidth"));
        this.autotuner = new Autotuner(config.maxConcurrency(), System.nanoTime());
    }

    /** Runs the clone on the calling (client) thread; 0, or the error already raised for the client. */
    public int run() {
        boolean existed = Files.exists(target);
        try {
            CloneRegistry.enter(this);
        } catch (CloneException e) {
            server.raiseError(e.code(), e.getMessage());
            return e.code();
        }
        try {
            LOG.info("Clone begins: source LOCAL INSTANCE, destination {}, max concurrency {}, autotune {}, "
                    + "buffer {} bytes, bandwidth limit {} MiB/s", dataDir, config.maxConcurrency(),
                    config.autotuneConcurrency() ? "ON" : "OFF", config.bufferSize(),
                    config.maxDataBandwidthMiB());
            board.begin(server.threadId(thd), dataDir, target, 1);
            int rc = execute();
            if (rc != 0 || failure.failed()) {
                return report(rc, target, existed);
            }
            board.end(0, null);
            LOG.info("Clone ends: {} bytes in {} s ({} MiB/s) into {}", stats.totalBytes(),
                    String.format("%.2f", stats.elapsedSeconds()), mibPerSecond(stats.totalBytes(),
                            stats.elapsedSeconds()), dataDir);
            return 0;
        } catch (Throwable t) {
            failure.record(t);
            return report(MysqlError.ER_INTERNAL_ERROR.code(), target, existed);
        } finally {
            CloneRegistry.leave(this);
        }
    }

    private int execute() {
        hton = innodb.handlerton(thd);
        boolean locked = false;
        if (config.blockDdl()) {
            if (!server.acquireBackupLock(thd, config.ddlTimeoutSeconds())) {
                return engineError(thd, MysqlError.ER_LOCK_WAIT_TIMEOUT.code(), "backup lock");
            }
            locked = true;
        }
        try {
            Locator donor = Locator.empty();
            int rc = innodb.begin(hton, thd, donor, InnoDbClone.MODE_START);
            if (rc != 0) {
                return engineError(thd, rc, "begin");
            }
            donorLocator = donor;
            Locator recipient = donor.copy();
            rc = innodb.applyBegin(hton, thd, recipient, InnoDbClone.MODE_START, dataDir);
            if (rc != 0) {
                innodb.end(hton, thd, donorLocator, donor.taskId, rc);
                return engineError(thd, rc, "apply begin");
            }
            recipientLocator = recipient;
            runningTasks = 1;
            if (!config.autotuneConcurrency()) {
                addWorkers(config.maxConcurrency() - 1);
            }
            try (CopyTask master = new CopyTask(this, thd, recipient.taskId, true, config.bufferSize())) {
                rc = innodb.copy(hton, thd, donorLocator, donor.taskId, master, config.bufferSize());
            }
            if (rc != 0) {
                engineError(thd, rc, "copy");
            }
            joinWorkers();
            int outcome = failure.failed() ? failure.get().code() : rc;
            int applyEnd = innodb.applyEnd(hton, thd, recipientLocator, recipient.taskId, outcome);
            int end = innodb.end(hton, thd, donorLocator, donor.taskId, outcome);
            if (outcome == 0 && applyEnd != 0) {
                return engineError(thd, applyEnd, "apply end");
            }
            return outcome != 0 ? outcome : (end != 0 ? engineError(thd, end, "end") : 0);
        } finally {
            joinWorkers();
            if (locked) {
                server.releaseBackupLock(thd);
            }
        }
    }

    // ---- called by the tasks -------------------------------------------------

    Failure failure() {
        return failure;
    }

    /** Applies the pending piece of a task to the recipient. */
    int apply(long taskThd, int applyTask, long callback) {
        return innodb.apply(hton, taskThd, recipientLocator, applyTask, 0, callback);
    }

    /** Answers the donor's acknowledgement request, on the master task as MySQL's plugin does. */
    int acknowledge(long callback) {
        int rc = innodb.ack(hton, thd, donorLocator, 0, 0, callback);
        return rc == 0 ? 0 : engineError(thd, rc, "ack");
    }

    /** InnoDB moved to its next state (FILE COPY, PAGE COPY, REDO COPY, then done: FILE SYNC). */
    void stageChanged(long estimate) {
        board.nextStage(estimate, runningTasks);
    }

    /** The code a task must stop with, or 0 to go on; a KILL of the client session stops all. */
    int stopCode(long taskThd, boolean master) {
        if (master && server.killed(taskThd)) {
            return failure.record(MysqlError.ER_QUERY_INTERRUPTED.exception());
        }
        return failure.failed() ? failure.get().code() : 0;
    }

    /** Accounts for moved bytes: statistics, bandwidth limit, autotuning; returns a stop code or 0. */
    int moved(long bytes, long taskThd, boolean master) {
        stats.add(bytes);
        board.addData(bytes);
        if (!throttle.pace(bytes, () -> stopCode(taskThd, master) != 0)) {
            return stopCode(taskThd, master);
        }
        if (config.autotuneConcurrency()) {
            int add = autotuner.workersToAdd(runningTasks, stats.totalBytes(), System.nanoTime());
            if (add > 0) {
                LOG.info("Clone autotune: throughput still rising, adding {} task(s) to {}", add, runningTasks);
                addWorkers(add);
            }
        }
        return stopCode(taskThd, master);
    }

    /** Records an error InnoDB or the server returned, with the message it raised if any. */
    int engineError(long sessionThd, int code, String step) {
        String message = server.pendingErrorMessage(sessionThd);
        int raised = server.pendingErrorCode(sessionThd);
        if (raised != 0 && message != null) {
            return failure.recordCode(raised, message);
        }
        String text = code == MysqlError.ER_LOCK_WAIT_TIMEOUT.code()
                ? MysqlError.ER_LOCK_WAIT_TIMEOUT.message()
                : MysqlError.ER_INTERNAL_ERROR.message("clone " + step + " failed in InnoDB with error " + code);
        int reported = code == MysqlError.ER_LOCK_WAIT_TIMEOUT.code() ? code : MysqlError.ER_INTERNAL_ERROR.code();
        failure.recordCode(reported, text);
        return code;
    }

    // ---- workers ---------------------------------------------------------------

    private synchronized void addWorkers(int count) {
        for (int i = 0; i < count && runningTasks < config.maxConcurrency(); i++) {
            int index = runningTasks++;
            Thread worker = new Thread(null, () -> runWorker(index), "jclone-worker-" + index, 4L << 20);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        board.threads(runningTasks);
    }

    private void runWorker(int index) {
        long workerThd = server.startSession();
        try {
            if (failure.failed()) {
                return;
            }
            Locator donor = donorLocator.copy();
            int rc = innodb.begin(hton, workerThd, donor, InnoDbClone.MODE_ADD_TASK);
            if (rc != 0) {
                engineError(workerThd, rc, "begin of task " + index);
                return;
            }
            Locator recipient = donorLocator.copy();
            rc = innodb.applyBegin(hton, workerThd, recipient, InnoDbClone.MODE_ADD_TASK, dataDir);
            if (rc != 0) {
                innodb.end(hton, workerThd, donor, donor.taskId, rc);
                engineError(workerThd, rc, "apply begin of task " + index);
                return;
            }
            try (CopyTask task = new CopyTask(this, workerThd, recipient.taskId, false, config.bufferSize())) {
                rc = innodb.copy(hton, workerThd, donor, donor.taskId, task, config.bufferSize());
            }
            if (rc != 0) {
                engineError(workerThd, rc, "copy of task " + index);
            }
            innodb.applyEnd(hton, workerThd, recipientLocator, recipient.taskId, rc);
            innodb.end(hton, workerThd, donor, donor.taskId, rc);
        } catch (Throwable t) {
            failure.record(t);
        } finally {
            server.finishSession(workerThd);
        }
    }

    private void joinWorkers() {
        while (true) {
            Thread next;
            synchronized (this) {
                next = workers.isEmpty() ? null : workers.remove(0);
            }
            if (next == null) {
                return;
            }
            boolean interrupted = false;
            while (next.isAlive()) {
                try {
                    next.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- the end -----------------------------------------------------------------

    /** Raises the clone's error for the client, logs it and removes what the clone created. */
    private int report(int rc, Path target, boolean existed) {
        CloneException error = failure.get();
        if (error == null) {
            error = MysqlError.ER_INTERNAL_ERROR.exception("clone failed with error " + rc);
        }
        if (server.pendingErrorCode(thd) == 0 || error.code() == MysqlError.ER_QUERY_INTERRUPTED.code()) {
            server.raiseError(error.code(), error.getMessage());
        }
        board.end(error.code(), error.getMessage());
        LOG.error("Clone failed after {} bytes: error {}: {}", stats.totalBytes(), error.code(), error.getMessage(),
                error.getCause());
        if (!existed) {
            removeTree(target);
        }
        return error.code();
    }

    private static void removeTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
            LOG.info("Removed the incomplete clone at {}", root);
        } catch (IOException e) {
            LOG.warn("Could not remove the incomplete clone at {}: {}", root, e.toString());
        }
    }

    private static String mibPerSecond(long bytes, double seconds) {
        return String.format("%.1f", seconds <= 0 ? 0 : bytes / (1024.0 * 1024.0) / seconds);
    }
}
