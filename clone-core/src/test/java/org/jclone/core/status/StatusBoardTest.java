package org.jclone.core.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The board's life cycle and its files, in MySQL's layout, on a real directory. */
class StatusBoardTest {
    @TempDir
    Path dataDir;

    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong micros = new AtomicLong(1_700_000_000_000_000L);
    private final List<Object> published = new ArrayList<>();
    private final StatusSink sink = new StatusSink() {
        @Override
        public void publish(CloneStatus status) {
            published.add(status);
        }

        @Override
        public void publish(CloneProgress progress) {
            published.add(progress);
        }
    };

    private StatusBoard board() {
        StatusBoard board = new StatusBoard(dataDir, sink, nanos::get, micros::get);
        board.load();
        return board;
    }

    private void tick(long millis) {
        nanos.addAndGet(millis * 1_000_000L);
        micros.addAndGet(millis * 1_000L);
    }

    @Test
    void aCloneRunsThroughItsStagesAndIsReadBackAfterARestart() throws Exception {
        StatusBoard board = board();
        assertEquals(0, board.status().id(), "nothing before the first clone");
        board.begin(42, "/srv/clone/", null, 1);
        for (long estimate : new long[] {1000, 200, 100, 0}) {
            tick(10);
            board.nextStage(estimate, 2);
            board.addData(estimate);
        }
        tick(1500);
        board.addData(0);
        board.end(0, null);

        CloneStatus status = board.status();
        assertEquals(1, status.id());
        assertEquals(CloneState.COMPLETED, status.state());
        List<CloneState> states = board.progress().stages().stream().map(StageProgress::state).toList();
        assertEquals(List.of(CloneState.COMPLETED, CloneState.COMPLETED, CloneState.COMPLETED,
                CloneState.COMPLETED, CloneState.COMPLETED, CloneState.NOT_STARTED, CloneState.NOT_STARTED), states);
        assertEquals(1000, board.progress().stage(CloneStage.FILE_COPY).data());

        StatusBoard restarted = board();
        CloneStatus read = restarted.status();
        assertEquals(0, read.pid(), "no session survives a restart");
        assertEquals("/srv/clone/", read.destination());
        assertEquals(status.beginMicros(), read.beginMicros());
        assertEquals(status.endMicros(), read.endMicros());
        assertEquals(CloneState.COMPLETED, read.state());
        assertEquals(board.progress(), restarted.progress());

        restarted.begin(7, "/srv/other/", null, 1);
        assertEquals(1, restarted.status().id(), "every clone is ID 1, as with MySQL's plugin");
        assertEquals(1, restarted.progress().id());
    }

    @Test
    void resumesAndTheBytesAppliedAgainAreCountedPerStageAndReadBackAfterARestart() throws Exception {
        StatusBoard board = board();
        board.begin(42, "/srv/clone/", null, 1);
        board.resumed(); // in DROP DATA: nothing copied, nothing resent
        tick(10);
        board.nextStage(1000, 2);
        board.addData(600);
        assertEquals(0, board.stage(CloneStage.FILE_COPY).resumes());
        board.resumed();
        assertEquals(0, board.stage(CloneStage.FILE_COPY).dataResent(), "nothing beyond the estimate yet");
        board.addData(700); // 300 bytes applied a second time
        board.resumed();
        board.addData(100);
        tick(10);
        board.nextStage(200, 2);
        board.addData(50);
        board.resumed();
        tick(10);
        board.nextStage(100, 2);
        board.end(0, null);
        CloneProgress progress = board.progress();
        assertEquals(1, progress.stage(CloneStage.DROP_DATA).resumes());
        assertEquals(0, progress.stage(CloneStage.DROP_DATA).dataResent());
        assertEquals(2, progress.stage(CloneStage.FILE_COPY).resumes());
        assertEquals(400, progress.stage(CloneStage.FILE_COPY).dataResent(), "DATA beyond the files' size");
        assertEquals(1, progress.stage(CloneStage.PAGE_COPY).resumes());
        assertEquals(StageProgress.UNKNOWN, progress.stage(CloneStage.PAGE_COPY).dataResent(), "no exact estimate");
        assertEquals(0, progress.stage(CloneStage.REDO_COPY).resumes());
        assertEquals(0, progress.stage(CloneStage.REDO_COPY).dataResent());
        List<String> lines = Files.readAllLines(dataDir.resolve("#clone/#view_progress"));
        assertTrue(lines.get(2).endsWith(" 2 400"), "MySQL's seven numbers, then ours: " + lines.get(2));
        assertEquals(progress, board().progress(), "read back after a restart");
    }

    @Test
    void progressFilesWithoutResumeFiguresReadAsNeverResumed() throws Exception {
        // As MySQL's plugin (and ours before RESUMES and DATA_RESENT) writes them: seven numbers a stage.
        Path folder = Files.createDirectories(dataDir.resolve("#clone"));
        StringBuilder text = new StringBuilder("1\n");
        for (int i = 0; i < CloneStage.COUNT; i++) {
            text.append(i < 5 ? "2 1 1700000000000000 1700000000100000 1000 1000 1200\n" : "0 0 0 0 0 0 0\n");
        }
        Files.writeString(folder.resolve("#view_progress"), text);
        CloneProgress progress = board().progress();
        assertEquals(1000, progress.stage(CloneStage.FILE_COPY).data());
        assertEquals(1200, progress.stage(CloneStage.FILE_COPY).network());
        for (StageProgress stage : progress.stages()) {
            assertEquals(0, stage.resumes(), stage.stage().label());
            assertEquals(0, stage.dataResent(), stage.stage().label());
        }
    }

    @Test
    void filesUseMySqlsLayoutAndARunningCloneIsWrittenAsInterrupted() throws Exception {
        StatusBoard board = board();
        board.begin(42, "/srv/clone/", null, 1);
        tick(5);
        board.nextStage(4096, 3);
        List<String> status = Files.readAllLines(dataDir.resolve("#clone/#view_status"));
        assertEquals("1 1", status.get(0), "state In Progress (1), ID 1");
        assertEquals("LOCAL INSTANCE", status.get(2));
        assertEquals("1317", status.get(3), "a crash now would read as an interruption");
        assertEquals("Query execution was interrupted", status.get(4));
        List<String> progress = Files.readAllLines(dataDir.resolve("#clone/#view_progress"));
        assertEquals(8, progress.size());
        assertTrue(progress.get(2).startsWith("3 3 "), "running FILE COPY written as failed (3) with 3 threads: "
                + progress.get(2));

        StatusBoard afterCrash = board();
        assertEquals(CloneState.FAILED, afterCrash.status().state());
        assertEquals(1317, afterCrash.status().errorNo());
        assertEquals(CloneState.FAILED, afterCrash.progress().stage(CloneStage.FILE_COPY).state());
    }

    @Test
    void aClonedDirectoryFoldsInInnoDbsRecoveryFileOnceTheServerIsDone() throws Exception {
        StatusBoard donor = board();
        donor.begin(42, "/srv/clone/", null, 1);
        for (int i = 0; i < 4; i++) {
            tick(10);
            donor.nextStage(0, 1);
        }
        donor.end(0, null);
        // What InnoDB leaves in a clone's #clone folder, first start half done.
        Path folder = dataDir.resolve("#clone");
        Files.writeString(folder.resolve("#replace_files"), "");
        Files.writeString(folder.resolve("#status_recovery"), "1700000000100000\n1700000000200000\n"
                + "./binlog.000003\n157\n");
        Files.delete(folder.resolve("#view_destination"));

        StatusBoard clone = board();
        assertEquals("binlog.000003", clone.status().binlogFileName());
        assertEquals(CloneStatus.LOCAL_INSTANCE, clone.status().destination());
        assertTrue(Files.exists(folder.resolve("#status_recovery")), "kept until the server has added the GTIDs");

        Files.writeString(folder.resolve("#status_recovery"), "uuid:1-5\n", java.nio.file.StandardOpenOption.APPEND);
        Files.delete(folder.resolve("#replace_files"));
        clone.finishRecovery();
        clone.close();
        assertFalse(Files.exists(folder.resolve("#status_recovery")));
        assertEquals("uuid:1-5", clone.status().gtidExecuted());
        assertEquals(157, clone.status().binlogPosition());
        assertEquals(1_700_000_000_200_000L, clone.status().endMicros());
        assertEquals(CloneState.COMPLETED, clone.progress().stage(CloneStage.RESTART).state());
        assertEquals(CloneState.COMPLETED, clone.progress().stage(CloneStage.RECOVERY).state());
        assertEquals("uuid:1-5", board().status().gtidExecuted(), "saved for the next start");
    }

    @Test
    void aCloneThatBeginsBeforeTheFirstStartIsFoldedInIsNotOverwrittenByIt() throws Exception {
        StatusBoard donor = board();
        donor.begin(42, "/srv/clone/", null, 1);
        for (int i = 0; i < 4; i++) {
            tick(10);
            donor.nextStage(0, 1);
        }
        donor.end(0, null);
        Path folder = dataDir.resolve("#clone");
        Files.writeString(folder.resolve("#replace_files"), "");
        Files.writeString(folder.resolve("#status_recovery"), "1700000000100000\n1700000000200000\n"
                + "./binlog.000003\n157\n");
        StatusBoard restarted = board(); // the server's first start is not done: the watcher polls

        restarted.begin(7, "/srv/next/", null, 1);
        restarted.end(3989, "Schema 'schema_read_only' is in read only mode.");
        restarted.finishRecovery(); // the watcher's fold, arriving after the new clone began
        restarted.close();

        assertEquals(3989, restarted.status().errorNo());
        assertEquals(CloneState.FAILED, restarted.progress().stage(CloneStage.DROP_DATA).state());
        for (CloneStage later : new CloneStage[] {CloneStage.FILE_SYNC, CloneStage.RESTART, CloneStage.RECOVERY}) {
            assertEquals(CloneState.NOT_STARTED, restarted.progress().stage(later).state(), later.name());
        }
        assertFalse(Files.exists(folder.resolve("#status_recovery")), "superseded, so the next start cannot fold it in");
        assertEquals(3989, board().status().errorNo(), "the next start reads the new clone's status");
    }

    @Test
    void aFailedCloneKeepsItsErrorAndTheStageItFailedIn() {
        StatusBoard board = board();
        board.begin(1, "/srv/clone/", null, 1);
        board.nextStage(100, 1);
        board.addData(10);
        board.end(1317, "Query execution was interrupted");
        assertEquals(CloneState.FAILED, board.status().state());
        assertEquals("Query execution was interrupted", board.status().errorMessage());
        assertEquals(CloneState.FAILED, board.progress().stage(CloneStage.FILE_COPY).state());
        assertEquals(CloneState.NOT_STARTED, board.progress().stage(CloneStage.PAGE_COPY).state());
        assertTrue(published.size() >= 4, "every change reaches the tables");
    }
}
