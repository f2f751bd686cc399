package org.jclone.core.local;

import static org.jclone.core.error.BestEffort.bestEffort;

import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import org.jclone.core.config.CloneConfig;
import org.jclone.core.engine.CloneServices;
import org.jclone.core.engine.InnoDbClone;
import org.jclone.core.engine.Locator;
import org.jclone.core.engine.ServerSessions;
import org.jclone.core.engine.TargetDirectory;
import org.jclone.core.error.CloneException;
import org.jclone.core.error.Failure;
import org.jclone.core.error.MysqlError;
import org.jclone.core.io.IncompleteClone;
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
    private static final ThreadFactory WORKER_THREADS = task -> new Thread(null, task, "jclone-worker", 4L << 20);

    /** Makes one InnoDB task's copy task; tests substitute one that fails. */
    @FunctionalInterface
    interface TaskFactory {
        CopyTask create(LocalClone clone, long thd, int applyTask, boolean master, int bufferSize);
    }

    private final InnoDbClone innodb;
    private final ServerSessions server;
    private final long thd;
    private final String dataDir;
    private final Path targetPath;
    private final CloneConfig config;
    private final Failure failure = new Failure();
    private final CloneStats stats = new CloneStats();
    private final StatusBoard board;
    private final BandwidthThrottle throttle;
    private final Autotuner autotuner;
    private final TaskFactory tasks;
    private final TaskThreads workers;

    private long hton;
    private TargetDirectory target;
    private Locator donorLocator;
    private Locator recipientLocator;

    public LocalClone(CloneServices services, long thd, String dataDir) {
        this(services, thd, dataDir, Path.of(dataDir));
    }

    /** targetPath names dataDir's bytes exactly (see PathBytes), whatever the JVM's file name encoding. */
    public LocalClone(CloneServices services, long thd, String dataDir, Path targetPath) {
        this(services, thd, dataDir, targetPath, CopyTask::new, WORKER_THREADS);
    }

    LocalClone(CloneServices services, long thd, String dataDir, TaskFactory tasks, ThreadFactory threads) {
        this(services, thd, dataDir, Path.of(dataDir), tasks, threads);
    }

    private LocalClone(CloneServices services, long thd, String dataDir, Path targetPath, TaskFactory tasks,
                       ThreadFactory threads) {
        this.targetPath = targetPath;
        this.innodb = services.innodb();
        this.server = services.server();
        this.thd = thd;
        this.dataDir = dataDir;
        this.config = CloneConfig.read(services.config());
        this.board = services.status();
        this.throttle = new BandwidthThrottle(() -> services.config().number("clone_max_data_bandwidth"));
        this.autotuner = new Autotuner(config.maxConcurrency(), System.nanoTime());
        this.tasks = tasks;
        this.workers = new TaskThreads(threads, "jclone-worker-");
    }

    /** Runs the clone on the calling (client) thread; 0, or the error already raised for the client. */
    public int run() {
        try {
            CloneRegistry.enter(this);
        } catch (CloneException e) {
            server.raiseError(e.code(), e.getMessage());
            return e.code();
        }
        try {
            return runAdmitted();
        } finally {
            CloneRegistry.leave(this);
        }
    }

    // Only an admitted clone makes its target known to InnoDB, in memory of its own.
    private int runAdmitted() {
        Path path = null;
        boolean existed = true;
        int rc;
        try {
            path = targetPath;
            existed = Files.exists(path);
            target = TargetDirectory.of(dataDir);
            bestEffort("log the clone's start", () -> LOG.info("Clone begins: source LOCAL INSTANCE, destination {}, "
                    + "max concurrency {}, autotune {}, buffer {} bytes, bandwidth limit {} MiB/s", dataDir,
                    config.maxConcurrency(), config.autotuneConcurrency() ? "ON" : "OFF", config.bufferSize(),
                    config.maxDataBandwidthMiB()));
            Path destination = path;
            bestEffort("record the clone's start", () -> board.begin(server.threadId(thd), dataDir, destination, 1));
            rc = execute();
        } catch (Throwable t) {
            rc = failure.record(t);
        } finally {
            // InnoDB used the target's address until the last apply end, inside execute().
            Reference.reachabilityFence(target);
        }
        if (rc == 0) {
            succeeded();
            return 0;
        }
        return report(rc, path, existed);
    }

    /** Begins, copies and ends; whatever happens, everything begun is ended, newest first. */
    private int execute() {
        BegunSteps begun = new BegunSteps();
        int rc;
        try {
            rc = beginAndCopy(begun);
        } catch (Throwable t) {
            rc = failure.record(t);
        }
        int copied = rc;
        begun.endAll(() -> outcome(copied), endTrouble(thd));
        return outcome(rc);
    }

    private int beginAndCopy(BegunSteps begun) {
        hton = innodb.handlerton(thd);
        if (config.blockDdl()) {
            if (!server.acquireBackupLock(thd, config.ddlTimeoutSeconds())) {
                return engineError(thd, MysqlError.ER_LOCK_WAIT_TIMEOUT.code(), "backup lock");
            }
            begun.begun("backup lock release", error -> {
                server.releaseBackupLock(thd);
                return 0;
            });
        }
        Locator donor = Locator.empty();
        int rc = innodb.begin(hton, thd, donor, InnoDbClone.MODE_START);
        if (rc != 0) {
            return engineError(thd, rc, "begin");
        }
        donorLocator = donor;
        begun.begun("end", error -> innodb.end(hton, thd, donor, donor.taskId, error));
        Locator recipient = donor.copy();
        rc = innodb.applyBegin(hton, thd, recipient, InnoDbClone.MODE_START, target);
        if (rc != 0) {
            return engineError(thd, rc, "apply begin");
        }
        recipientLocator = recipient;
        begun.begun("apply end", error -> innodb.applyEnd(hton, thd, recipient, recipient.taskId, error));
        // The master's task exists before any worker, so workers never wait on a master that cannot copy.
        try (CopyTask master = tasks.create(this, thd, recipient.taskId, true, config.bufferSize())) {
            begun.begun("wait for the workers", error -> {
                try {
                    if (error != 0) {
                        // A worker in apply begin waits for the recipient's FILE COPY metadata, which a failed
                        // master never sends; InnoDB lets it go only once the apply side holds an error, and
                        // apply end (which would save it) comes after this join. Tell it first.
                        innodb.apply(hton, thd, recipient, recipient.taskId, error, 0);
                    }
                } finally {
                    workers.closeAndJoin();
                }
                return 0;
            });
            if (!config.autotuneConcurrency()) {
                addWorkers(config.maxConcurrency() - 1);
            }
            rc = innodb.copy(hton, thd, donor, donor.taskId, master, config.bufferSize());
        }
        if (rc != 0) {
            engineError(thd, rc, "copy");
        }
        return rc;
    }

    /** The clone's error so far: the first failure recorded by any task, else {@code rc}. */
    private int outcome(int rc) {
        CloneException first = failure.get();
        return first != null ? first.code() : rc;
    }

    private BegunSteps.Trouble endTrouble(long sessionThd) {
        return new BegunSteps.Trouble() {
            @Override
            public void endFailed(String step, int code) {
                engineError(sessionThd, code, step);
            }

            @Override
            public void endThrew(String step, Throwable thrown) {
                failure.record(thrown);
            }
        };
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
        board.nextStage(estimate, workers.running());
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
            int running = workers.running();
            int add = autotuner.workersToAdd(running, stats.totalBytes(), System.nanoTime());
            if (add > 0) {
                LOG.info("Clone autotune: throughput still rising, adding {} task(s) to {}", add, running);
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

    private void addWorkers(int count) {
        int running = workers.add(count, config.maxConcurrency(), this::runWorker);
        bestEffort("show the task count", () -> board.threads(running));
    }

    private void runWorker(int index) {
        BegunSteps begun = new BegunSteps();
        long session = 0;
        int rc;
        try {
            session = server.startSession();
            if (session == 0) {
                // The server could not make a session: nothing was begun, go on without this task.
                refused(index, 0, 0, "session");
                return;
            }
            long workerThd = session;
            begun.begun("session end of task " + index, error -> {
                server.finishSession(workerThd);
                return 0;
            });
            rc = beginAndCopyTask(index, workerThd, begun);
        } catch (Throwable t) {
            rc = failure.record(t);
        }
        int copied = rc;
        begun.endAll(() -> outcome(copied), endTrouble(session));
    }

    private int beginAndCopyTask(int index, long workerThd, BegunSteps begun) {
        if (failure.failed()) {
            return 0;
        }
        Locator donor = donorLocator.copy();
        int rc = innodb.begin(hton, workerThd, donor, InnoDbClone.MODE_ADD_TASK);
        if (rc != 0) {
            refused(index, workerThd, rc, "begin");
            return 0;
        }
        // A refused apply begin leaves this donor task idle: it ends with the clone's own outcome, since
        // an error here would be saved on the whole clone and stop the tasks that do copy.
        begun.begun("end of task " + index, error -> innodb.end(hton, workerThd, donor, donor.taskId, error));
        Locator recipient = donorLocator.copy();
        rc = innodb.applyBegin(hton, workerThd, recipient, InnoDbClone.MODE_ADD_TASK, target);
        if (rc != 0) {
            refused(index, workerThd, rc, "apply begin");
            return 0;
        }
        begun.begun("apply end of task " + index,
                error -> innodb.applyEnd(hton, workerThd, recipientLocator, recipient.taskId, error));
        try (CopyTask task = tasks.create(this, workerThd, recipient.taskId, false, config.bufferSize())) {
            rc = innodb.copy(hton, workerThd, donor, donor.taskId, task, config.bufferSize());
        }
        if (rc != 0) {
            engineError(workerThd, rc, "copy of task " + index);
        }
        return rc;
    }

    /**
     * InnoDB would not take one more task (the clone may be finishing): as MySQL's plugin, go on
     * without it, and ask for no more, since the next would most likely be refused too.
     */
    private void refused(int index, long workerThd, int rc, String step) {
        int running = workers.refused();
        boolean cloneFailed = failure.failed();
        bestEffort("log a refused task", () -> {
            String why = workerThd == 0 ? "no server session" : server.pendingErrorMessage(workerThd);
            if (cloneFailed) {
                // InnoDB let a waiting task go with the clone's own error: nothing goes on.
                LOG.info("Clone task {} stopped in its {}: the clone failed with error {} ({})", index, step, rc, why);
            } else {
                LOG.info("Clone task {} not added: its {} failed with error {} ({}); going on with {} task(s)",
                        index, step, rc, why, running);
            }
        });
        bestEffort("show the task count", () -> board.threads(running));
    }

    // ---- the end -----------------------------------------------------------------

    /** InnoDB reported success: what follows only tells about it, and cannot undo it. */
    private void succeeded() {
        bestEffort("record the clone's success", () -> board.end(0, null));
        bestEffort("log the clone's end", () -> LOG.info("Clone ends: {} bytes in {} s ({} MiB/s) into {}",
                stats.totalBytes(), String.format("%.2f", stats.elapsedSeconds()),
                mibPerSecond(stats.totalBytes(), stats.elapsedSeconds()), dataDir));
    }

    /** Raises the clone's error for the client, logs it and removes what the clone created. */
    private int report(int rc, Path path, boolean existed) {
        CloneException error = failure.get() != null ? failure.get()
                : MysqlError.ER_INTERNAL_ERROR.exception("clone failed with error " + rc);
        bestEffort("raise the clone's error", () -> {
            if (server.pendingErrorCode(thd) == 0 || error.code() == MysqlError.ER_QUERY_INTERRUPTED.code()) {
                server.raiseError(error.code(), error.getMessage());
            }
        });
        bestEffort("record the clone's failure", () -> board.end(error.code(), error.getMessage()));
        bestEffort("log the clone's failure", () -> LOG.error("Clone failed after {} bytes: error {}: {}",
                stats.totalBytes(), error.code(), error.getMessage(), error.getCause()));
        if (!existed && path != null) {
            bestEffort("remove the incomplete clone", () -> IncompleteClone.remove(path));
        }
        return error.code();
    }

    private static String mibPerSecond(long bytes, double seconds) {
        return String.format("%.1f", seconds <= 0 ? 0 : bytes / (1024.0 * 1024.0) / seconds);
    }
}
