package org.jclone.core.status;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.jclone.core.error.MysqlError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last clone's status and progress, as performance_schema shows them: kept
 * in memory, published to the tables as they change (data at most every 100 ms),
 * written to the data directory at every stage change, and read back when the
 * plugin starts. Each stage's start and end also goes to the error log.
 *
 * <p>The files go where MySQL's plugin puts them, in the clone's own #clone folder,
 * so a server started on the clone shows how it was made; and also into this
 * server's, so the donor's view survives its restart (MySQL's does not).
 */
public final class StatusBoard {
    private static final Logger LOG = LoggerFactory.getLogger(StatusBoard.class);
    private static final long PUBLISH_INTERVAL_NANOS = 100_000_000L;
    private static final long SPEED_WINDOW_NANOS = 1_000_000_000L;
    private static final int CLONE_ID = 1;
    private static final String RECOVERY_FAILED =
            "Recovery failed. Please Retry Clone. For details, look into server error log.";

    private final StatusFiles ownFiles;
    private final StatusSink sink;
    private final LongSupplier nanoClock;
    private final LongSupplier microClock;

    private CloneStatus status;
    private final StageProgress[] stages = new StageProgress[CloneStage.COUNT];
    private int progressId;
    private CloneStage current;
    private StatusFiles cloneFiles;
    private boolean writeFailureLogged;
    private RecoveryWatcher recoveryWatcher;
    private boolean recoveryPending; // a cloned directory's first start is not yet folded in

    // The current stage's data speed over the last second, and when the tables were last refreshed.
    private long speedSampleNanos;
    private long speedSampleBytes;
    private long lastPublishNanos;
    private long stageStartNanos;

    StatusBoard(Path ownDataDir, StatusSink sink, LongSupplier nanoClock, LongSupplier microClock) {
        this.ownFiles = StatusFiles.in(ownDataDir);
        this.sink = sink;
        this.nanoClock = nanoClock;
        this.microClock = microClock;
        this.status = CloneStatus.NONE;
        setProgress(CloneProgress.none());
    }

    /** The board of a server whose data directory is {@code ownDataDir}, with what its files say. */
    public static StatusBoard restore(Path ownDataDir, StatusSink sink) {
        StatusBoard board = new StatusBoard(ownDataDir, sink, System::nanoTime, StatusBoard::epochMicros);
        board.load();
        return board;
    }

    // ---- a clone's life --------------------------------------------------------------

    /**
     * A clone begins: In Progress, and its first stage (DROP DATA). The tables hold one
     * clone, so its ID is always 1, as MySQL's plugin shows it (scripts select WHERE ID = 1).
     */
    public synchronized void begin(long pid, String destination, Path destinationDir, int threads) {
        begin(pid, CloneStatus.LOCAL_INSTANCE, destination, destinationDir, threads);
    }

    /** A clone from {@code source} (a remote clone's "host:port") begins. */
    public synchronized void begin(long pid, String source, String destination, Path destinationDir, int threads) {
        supersedeRecovery();
        int id = CLONE_ID;
        long now = microClock.getAsLong();
        status = new CloneStatus(id, pid, CloneState.IN_PROGRESS, now, 0, source,
                destination, 0, "", "", 0, "");
        setProgress(CloneProgress.none());
        progressId = id;
        current = null;
        cloneFiles = destinationDir == null ? null : StatusFiles.in(destinationDir);
        writeFailureLogged = false;
        startStage(CloneStage.DROP_DATA, threads, 0);
        writeDestination(destination);
        persist();
        publishAll();
    }

    /** InnoDB moved to its next state: the current stage ends well, the next begins. */
    public synchronized void nextStage(long estimate, int threads) {
        if (current == null) {
            return;
        }
        CloneStage next = current.next();
        finishStage(CloneState.COMPLETED);
        if (next != null && next != CloneStage.RESTART) {
            startStage(next, threads, estimate);
        }
        persist();
        publishAll();
    }

    /** A stage's row as it stands (null before the clone began). */
    public synchronized StageProgress stage(CloneStage stage) {
        return stages[stage.ordinal()];
    }

    /** Bytes applied to the clone in the current stage. */
    public synchronized void addData(long bytes) {
        if (current == null) {
            return;
        }
        StageProgress row = stages[current.ordinal()];
        long data = row.data() + bytes;
        long speed = row.dataSpeed();
        long now = nanoClock.getAsLong();
        if (now - speedSampleNanos >= SPEED_WINDOW_NANOS) {
            speed = (data - speedSampleBytes) * 1_000_000_000L / (now - speedSampleNanos);
            speedSampleNanos = now;
            speedSampleBytes = data;
        }
        stages[current.ordinal()] = row.withData(data, speed);
        if (now - lastPublishNanos >= PUBLISH_INTERVAL_NANOS) {
            publishProgress();
        }
    }

    /** Bytes a remote clone received over the network in the current stage (compressed, if it is on). */
    public synchronized void addNetwork(long bytes) {
        if (current == null) {
            return;
        }
        StageProgress row = stages[current.ordinal()];
        long network = row.network() + bytes;
        long now = nanoClock.getAsLong();
        long elapsed = now - stageStartNanos;
        long speed = elapsed <= 0 ? row.networkSpeed() : network * 1_000_000_000L / elapsed;
        stages[current.ordinal()] = row.withNetwork(network, speed);
    }

    /**
     * A remote clone resumed after a network failure: counted in the current stage, whose label is
     * returned for the log (null before the first stage).
     */
    public synchronized String resumed() {
        if (current == null) {
            return null;
        }
        stages[current.ordinal()] = stages[current.ordinal()].resumed();
        persist();
        publishProgress();
        return current.label();
    }

    /** The number of tasks now copying. */
    public synchronized void threads(int threads) {
        if (current == null) {
            return;
        }
        stages[current.ordinal()] = stages[current.ordinal()].withThreads(threads);
        publishProgress();
    }

    /** The clone ends: Completed, or Failed with the error the client got. */
    public synchronized void end(int errorNo, String errorMessage) {
        if (current != null) {
            finishStage(errorNo == 0 ? CloneState.COMPLETED : CloneState.FAILED);
        }
        status = status.ended(errorNo == 0 ? CloneState.COMPLETED : CloneState.FAILED, microClock.getAsLong(), errorNo,
                errorNo == 0 ? "" : errorMessage);
        persist();
        publishAll();
        cloneFiles = null;
    }

    /**
     * A clone that replaced this server's data succeeded: its stages up to FILE SYNC are done and
     * the clone stays In Progress until the restarted server's recovery (as MySQL's plugin shows it).
     */
    public synchronized void provisioned() {
        if (current != null) {
            finishStage(CloneState.COMPLETED);
        }
        persist();
        publishAll();
        cloneFiles = null;
    }

    public synchronized CloneStatus status() {
        return status;
    }

    public synchronized CloneProgress progress() {
        return new CloneProgress(progressId, List.of(stages));
    }

    // ---- stages ------------------------------------------------------------------------

    private void startStage(CloneStage stage, int threads, long estimate) {
        current = stage;
        stageStartNanos = nanoClock.getAsLong();
        // Like MySQL's plugin, each stage's speed starts from zero.
        speedSampleNanos = stageStartNanos;
        speedSampleBytes = 0;
        stages[stage.ordinal()] = StageProgress.started(stage, threads, microClock.getAsLong(), estimate);
        LOG.info("Clone stage {} begins: estimate {} bytes, {} task(s)", stage.label(), estimate, threads);
    }

    private void finishStage(CloneState outcome) {
        StageProgress row = stages[current.ordinal()];
        stages[current.ordinal()] = row.ended(outcome, microClock.getAsLong());
        double seconds = (nanoClock.getAsLong() - stageStartNanos) / 1e9;
        String rate = String.format("%.2f s (%.1f MiB/s)", seconds,
                seconds <= 0 ? 0.0 : row.data() / (1024.0 * 1024.0) / seconds);
        if (outcome == CloneState.COMPLETED) {
            LOG.info("Clone stage {} ends: {} bytes in {}", current.label(), row.data(), rate);
        } else {
            LOG.info("Clone stage {} failed: {} bytes in {}", current.label(), row.data(), rate);
        }
        current = null;
    }

    private void setProgress(CloneProgress progress) {
        progressId = progress.id();
        for (StageProgress stage : progress.stages()) {
            stages[stage.stage().ordinal()] = stage;
        }
    }

    // ---- tables and files ------------------------------------------------------------

    private void publishAll() {
        sink.publish(status);
        publishProgress();
    }

    private void publishProgress() {
        lastPublishNanos = nanoClock.getAsLong();
        sink.publish(progress());
    }

    private void persist() {
        CloneProgress progress = progress();
        write(ownFiles, progress);
        // The clone's folder exists once InnoDB has created the directory; never create it ourselves.
        if (cloneFiles != null && Files.isDirectory(cloneFiles.folder())) {
            write(cloneFiles, progress);
        }
    }

    private void write(StatusFiles files, CloneProgress progress) {
        try {
            files.writeStatus(status);
            files.writeProgress(progress);
        } catch (IOException | RuntimeException e) {
            logWriteFailure(files, e);
        }
    }

    private void writeDestination(String destination) {
        try {
            ownFiles.writeDestination(destination);
        } catch (IOException | RuntimeException e) {
            logWriteFailure(ownFiles, e);
        }
    }

    private void logWriteFailure(StatusFiles files, Exception e) {
        if (!writeFailureLogged) {
            writeFailureLogged = true;
            LOG.warn("Clone status cannot be saved in {}: {}; performance_schema still shows it", files.folder(),
                    e.toString());
        }
    }

    /** Reads the saved status, folds in a first start after cloning, and publishes. */
    synchronized void load() {
        try {
            Optional<CloneStatus> saved = ownFiles.readStatus();
            ownFiles.readProgress().ifPresent(this::setProgress);
            if (saved.isPresent()) {
                status = saved.get().afterRestart(ownFiles.readDestination().orElse(CloneStatus.LOCAL_INSTANCE));
            }
            Optional<StatusFiles.Recovery> recovery = ownFiles.readRecovery();
            if (recovery.isPresent()) {
                applyRecovery(recovery.get());
                recoveryPending = true;
                if (ownFiles.serverRecoveryDone()) {
                    finishRecovery();
                } else {
                    recoveryWatcher = RecoveryWatcher.start(ownFiles, this::finishRecovery);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Clone status in {} cannot be read: {}", ownFiles.folder(), e.toString());
        }
        publishAll();
    }

    /**
     * The server has appended the cloned GTIDs to #status_recovery: fold the whole
     * file in, save the view files and consume it, as MySQL's plugin does.
     */
    synchronized void finishRecovery() {
        if (!recoveryPending) {
            return; // folded in already, or superseded by a clone that began since
        }
        recoveryPending = false;
        try {
            Optional<StatusFiles.Recovery> recovery = ownFiles.readRecovery();
            if (recovery.isEmpty()) {
                return;
            }
            applyRecovery(recovery.get());
            write(ownFiles, progress());
            ownFiles.deleteRecovery();
            LOG.info("Clone recovery status folded into performance_schema.clone_status: binary log {} at {}",
                    status.binlogFileName(), status.binlogPosition());
        } catch (IOException | RuntimeException e) {
            LOG.warn("Clone recovery status in {} cannot be read: {}", ownFiles.folder(), e.toString());
        }
        publishAll();
    }

    /**
     * A clone begins before the watcher folded in the cloned directory's first start (it polls):
     * the new clone's status replaces that one, and a fold arriving later must not overwrite the
     * new clone's stages. The recovery file goes too, or the next start would fold it in again.
     */
    private void supersedeRecovery() {
        if (!recoveryPending) {
            return;
        }
        recoveryPending = false;
        if (recoveryWatcher != null) {
            recoveryWatcher.cancel(); // no join: its thread may be waiting for this board's lock
            recoveryWatcher = null;
        }
        try {
            ownFiles.deleteRecovery();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Clone recovery status in {} cannot be removed: {}", ownFiles.folder(), e.toString());
        }
        LOG.info("Clone status: a clone begins before the first start of this cloned directory was folded in; "
                + "the new clone's status replaces it");
    }

    /** Stops watching for the end of a cloned directory's first start. */
    public void close() {
        RecoveryWatcher watcher;
        synchronized (this) {
            watcher = recoveryWatcher;
            recoveryWatcher = null;
        }
        if (watcher != null) {
            watcher.stop();
        }
    }

    /** This directory was made by a clone and has just started: RESTART and RECOVERY are done. */
    private void applyRecovery(StatusFiles.Recovery recovery) {
        boolean recovered = recovery.endMicros() != 0;
        status = status.ended(recovered ? CloneState.COMPLETED : CloneState.FAILED, recovery.endMicros(),
                recovered ? 0 : MysqlError.ER_INTERNAL_ERROR.code(),
                recovered ? "" : MysqlError.ER_INTERNAL_ERROR.message(RECOVERY_FAILED))
                .withBinlog(recovery.binlogFile(), recovery.binlogPosition(), recovery.gtidExecuted());
        StageProgress sync = stages[CloneStage.FILE_SYNC.ordinal()];
        if (sync.state() != CloneState.COMPLETED || sync.endMicros() == 0) {
            sync = sync.ended(CloneState.COMPLETED, sync.beginMicros());
            stages[CloneStage.FILE_SYNC.ordinal()] = sync;
        }
        stages[CloneStage.RESTART.ordinal()] = new StageProgress(CloneStage.RESTART, CloneState.COMPLETED, 0,
                sync.endMicros(), recovery.beginMicros(), 0, 0, 0, 0, 0);
        stages[CloneStage.RECOVERY.ordinal()] = new StageProgress(CloneStage.RECOVERY,
                recovered ? CloneState.COMPLETED : CloneState.FAILED, 0, recovery.beginMicros(),
                recovery.endMicros(), 0, 0, 0, 0, 0);
    }

    private static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
