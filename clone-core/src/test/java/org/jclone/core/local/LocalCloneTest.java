package org.jclone.core.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jclone.core.config.ConfigSource;
import org.jclone.core.engine.CloneServices;
import org.jclone.core.engine.InnoDbClone;
import org.jclone.core.engine.TargetDirectory;
import org.jclone.core.status.CloneProgress;
import org.jclone.core.status.CloneState;
import org.jclone.core.status.CloneStatus;
import org.jclone.core.status.StatusBoard;
import org.jclone.core.status.StatusSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LocalClone's error paths against fakes of InnoDB and the server: whatever fails
 * or is thrown, every begin is ended on its own session, newest first, with the
 * clone's error code, and the next clone is admitted.
 */
class LocalCloneTest {
    private static final int ER_INTERNAL_ERROR = 1815;
    private static final int ER_QUERY_INTERRUPTED = 1317;
    private static final int ER_CLONE_DDL_IN_PROGRESS = 3625;

    @TempDir
    Path dir;

    private final FakeSessions sessions = new FakeSessions();
    private final FakeInnoDb innodb = new FakeInnoDb(sessions);
    private final Map<String, Long> variables = new HashMap<>(Map.of(
            "clone_buffer_size", 65536L, "clone_block_ddl", 0L, "clone_ddl_timeout", 300L,
            "clone_autotune_concurrency", 0L, "clone_max_concurrency", 3L, "clone_max_data_bandwidth", 0L,
            "clone_delay_after_data_drop", 0L));
    private StatusSink sink = StatusSink.NONE;
    private LocalClone.TaskFactory tasks = CopyTask::new;
    private ThreadFactory threads = Thread::new;

    @AfterEach
    void nothingLeftBehind() {
        assertFalse(CloneRegistry.inProgress(), "the registry still holds a clone");
        assertEquals(List.of(), innodb.unpaired());
        assertEquals(0, sessions.backupLocksHeld(), "backup lock left held");
        assertTrue(sessions.workerSessions().isEmpty(), "worker sessions left open: " + sessions.workerSessions());
    }

    private Path target() {
        return dir.resolve("clone");
    }

    private int runClone() {
        ConfigSource config = new ConfigSource() {
            @Override
            public long number(String name) {
                return variables.get(name);
            }

            @Override
            public String text(String name) {
                return "";
            }
        };
        StatusBoard board = StatusBoard.restore(dir.resolve("server"), sink);
        CloneServices services = new CloneServices(innodb, sessions, config, board);
        return new LocalClone(services, FakeSessions.CLIENT, target().toString(), tasks, threads).run();
    }

    /** A fresh clone after the one under test, with nothing scripted to fail, is admitted and succeeds. */
    private void assertNextCloneAdmitted() throws Exception {
        FakeSessions freshSessions = new FakeSessions();
        FakeInnoDb fresh = new FakeInnoDb(freshSessions);
        StatusBoard board = StatusBoard.restore(dir.resolve("server"), StatusSink.NONE);
        ConfigSource config = new ConfigSource() {
            @Override
            public long number(String name) {
                return variables.get(name);
            }

            @Override
            public String text(String name) {
                return "";
            }
        };
        Path next = Files.createTempDirectory(dir, "next").resolve("clone");
        int rc = new LocalClone(new CloneServices(fresh, freshSessions, config, board), FakeSessions.CLIENT,
                next.toString()).run();
        assertEquals(0, rc, "the next clone: " + freshSessions.raised());
        assertEquals(List.of(), fresh.unpaired());
    }

    private static List<String> masterAll(int code) {
        if (code == 0) {
            return List.of("begin", "applyBegin", "copy", "applyEnd 0", "end 0");
        }
        // A failed master tells the apply side before it waits for the workers.
        return List.of("begin", "applyBegin", "copy", "apply error " + code, "applyEnd " + code, "end " + code);
    }

    private static List<String> workerAll(int code) {
        return List.of("begin task", "applyBegin task", "copy", "applyEnd " + code, "end " + code);
    }

    @Test
    void aCloneEndsEveryTaskWithSuccess() throws Exception {
        assertEquals(0, runClone(), sessions.raised().toString());

        Map<Long, List<String>> calls = innodb.calls();
        assertEquals(Map.of(FakeSessions.CLIENT, masterAll(0), 1L, workerAll(0), 2L, workerAll(0)), calls);
        assertTrue(Files.exists(target().resolve("ibdata1")));
        assertEquals(List.of(), sessions.raised());
        assertNextCloneAdmitted();
    }

    @Test
    void everyApplyBeginGetsTheClonesOwnNulTerminatedTarget() {
        assertEquals(0, runClone());

        List<TargetDirectory> targets = innodb.targets();
        assertEquals(3, targets.size());
        TargetDirectory first = targets.get(0);
        targets.forEach(t -> assertTrue(t == first, "one target object for the whole clone"));
        ByteBuffer bytes = first.nulTerminated();
        assertTrue(bytes.isDirect());
        byte[] expected = (target().toString() + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] actual = new byte[bytes.remaining()];
        bytes.duplicate().get(actual);
        assertEquals(new String(expected, java.nio.charset.StandardCharsets.UTF_8),
                new String(actual, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void whenBeginFailsNothingIsEnded() throws Exception {
        innodb.begin = (thd, mode) -> {
            sessions.raiseOn(thd, ER_CLONE_DDL_IN_PROGRESS, "Concurrent DDL is performed during clone operation.");
            return ER_CLONE_DDL_IN_PROGRESS;
        };

        assertEquals(ER_CLONE_DDL_IN_PROGRESS, runClone());

        assertEquals(Map.of(FakeSessions.CLIENT, List.of("begin failed 3625")), innodb.calls());
        assertFalse(Files.exists(target()));
        assertNextCloneAdmitted();
    }

    @Test
    void whenApplyBeginFailsTheCopyIsEndedWithItsError() throws Exception {
        innodb.applyBegin = (thd, mode) -> ER_INTERNAL_ERROR;

        assertEquals(ER_INTERNAL_ERROR, runClone());

        assertEquals(List.of("begin", "applyBegin failed 1815", "end 1815"), innodb.calls(FakeSessions.CLIENT));
        assertEquals(List.of("1815: Internal error: clone apply begin failed in InnoDB with error 1815"),
                sessions.raised());
        assertNextCloneAdmitted();
    }

    @Test
    void whenTheBackupLockTimesOutNothingIsBegun() throws Exception {
        variables.put("clone_block_ddl", 1L);
        sessions.backupLockFree = false;

        assertEquals(1205, runClone());

        assertEquals(Map.of(), innodb.calls());
        assertNextCloneAdmitted();
    }

    @Test
    void theBackupLockIsReleasedAfterTheEnds() throws Exception {
        variables.put("clone_block_ddl", 1L);
        innodb.end = (thd, error) -> {
            if (sessions.backupLocksHeld() != 1) {
                throw new AssertionError("the backup lock was released before InnoDB's end");
            }
            return 0;
        };
        innodb.copy = (thd, callbacks) -> ER_INTERNAL_ERROR;

        assertEquals(ER_INTERNAL_ERROR, runClone());

        assertEquals(masterAll(ER_INTERNAL_ERROR), innodb.calls(FakeSessions.CLIENT));
        assertNextCloneAdmitted();
    }

    @Test
    void whenTheMastersCopyFailsEveryTaskEndsWithInnoDbsError() throws Exception {
        innodb.copy = (thd, callbacks) -> {
            if (thd == FakeSessions.CLIENT) {
                sessions.raiseOn(thd, ER_CLONE_DDL_IN_PROGRESS, "Concurrent DDL is performed during clone operation.");
                return ER_CLONE_DDL_IN_PROGRESS;
            }
            return innodb.offerPieces(thd, callbacks);
        };

        assertEquals(ER_CLONE_DDL_IN_PROGRESS, runClone());

        assertEquals(masterAll(ER_CLONE_DDL_IN_PROGRESS), innodb.calls(FakeSessions.CLIENT));
        // The worker may start after the failure and begin nothing, or finish its part before it (ending with 0).
        List<String> worker = innodb.calls(1L);
        assertTrue(worker.isEmpty() || worker.equals(workerAll(ER_CLONE_DDL_IN_PROGRESS))
                || worker.equals(workerAll(0)), worker.toString());
        assertFalse(Files.exists(target()), "a failed clone leaves nothing behind");
        assertNextCloneAdmitted();
    }

    @Test
    void aWorkerThatInnoDbRefusesAtBeginIsLeftOut() throws Exception {
        innodb.begin = (thd, mode) -> {
            if (mode == InnoDbClone.MODE_ADD_TASK) {
                sessions.raiseOn(thd, ER_INTERNAL_ERROR, "Internal error: Innodb Clone add task refers non-existing clone");
                return ER_INTERNAL_ERROR;
            }
            return 0;
        };

        assertEquals(0, runClone(), sessions.raised().toString());

        assertEquals(masterAll(0), innodb.calls(FakeSessions.CLIENT));
        assertEquals(List.of("begin task failed 1815"), innodb.calls(1L));
        assertEquals(List.of("begin task failed 1815"), innodb.calls(2L));
        assertTrue(Files.exists(target().resolve("ibdata1")));
        assertNextCloneAdmitted();
    }

    @Test
    void aWorkerWithoutAServerSessionIsLeftOut() throws Exception {
        sessions.sessionsRefused = true;

        assertEquals(0, runClone(), sessions.raised().toString());

        assertEquals(Map.of(FakeSessions.CLIENT, masterAll(0)), innodb.calls());
        assertNextCloneAdmitted();
    }

    @Test
    void afterARefusedWorkerNoMoreAreAskedFor() throws Exception {
        // Workers run one after the other, on the thread that adds them.
        threads = task -> new Thread(task) {
            @Override
            public synchronized void start() {
                run();
            }
        };
        innodb.begin = (thd, mode) -> mode == InnoDbClone.MODE_ADD_TASK ? ER_INTERNAL_ERROR : 0;

        assertEquals(0, runClone(), sessions.raised().toString());

        assertEquals(Map.of(FakeSessions.CLIENT, masterAll(0), 1L, List.of("begin task failed 1815")),
                innodb.calls());
        assertNextCloneAdmitted();
    }

    @Test
    void aWorkerThatInnoDbRefusesAtApplyBeginEndsItsIdleCopyTaskAndIsLeftOut() throws Exception {
        innodb.applyBegin = (thd, mode) -> mode == InnoDbClone.MODE_ADD_TASK ? ER_INTERNAL_ERROR : 0;

        assertEquals(0, runClone(), sessions.raised().toString());

        assertEquals(masterAll(0), innodb.calls(FakeSessions.CLIENT));
        assertEquals(List.of("begin task", "applyBegin task failed 1815", "end 0"), innodb.calls(1L));
        assertNextCloneAdmitted();
    }

    @Test
    void anExceptionInsideAWorkerEndsEveryTaskWithTheError() throws Exception {
        innodb.copy = (thd, callbacks) -> {
            if (thd == 1L) {
                throw new IllegalStateException("worker broke");
            }
            return innodb.offerPieces(thd, callbacks);
        };

        assertEquals(ER_INTERNAL_ERROR, runClone());

        assertEquals(List.of("1815: Internal error: the clone engine failed: java.lang.IllegalStateException: "
                + "worker broke"), sessions.raised());
        assertEquals(workerAll(ER_INTERNAL_ERROR), innodb.calls(1L));
        assertEquals(List.of("applyEnd 1815", "end 1815"), tail(innodb.calls(FakeSessions.CLIENT)));
        assertNextCloneAdmitted();
    }

    @Test
    void anOutOfMemoryErrorInTheMastersCopyEndsEverything() throws Exception {
        innodb.copy = (thd, callbacks) -> {
            if (thd == FakeSessions.CLIENT) {
                throw new OutOfMemoryError("Cannot reserve 268439552 bytes of direct buffer memory");
            }
            return innodb.offerPieces(thd, callbacks);
        };

        assertEquals(ER_INTERNAL_ERROR, runClone());

        assertEquals(masterAll(ER_INTERNAL_ERROR), innodb.calls(FakeSessions.CLIENT));
        assertEquals(List.of("1815: Internal error: the clone engine ran out of Java memory (Cannot reserve "
                + "268439552 bytes of direct buffer memory)"), sessions.raised());
        assertNextCloneAdmitted();
    }

    @Test
    void aWorkerThreadThatCannotStartIsLeftOut() throws Exception {
        threads = task -> new Thread(task) {
            @Override
            public synchronized void start() {
                throw new OutOfMemoryError("unable to create native thread: possibly out of memory");
            }
        };

        assertEquals(0, runClone(), sessions.raised().toString());

        assertEquals(Map.of(FakeSessions.CLIENT, masterAll(0)), innodb.calls());
        assertNextCloneAdmitted();
    }

    @Test
    void aMasterCopyTaskThatCannotBeMadeEndsTheClone() throws Exception {
        tasks = (clone, thd, applyTask, master, bufferSize) -> {
            throw new OutOfMemoryError("Direct buffer memory");
        };

        assertEquals(ER_INTERNAL_ERROR, runClone());

        assertEquals(List.of("begin", "applyBegin", "applyEnd 1815", "end 1815"),
                innodb.calls(FakeSessions.CLIENT));
        assertNextCloneAdmitted();
    }

    @Test
    void aWorkerCopyTaskThatCannotBeMadeEndsEveryTaskWithTheError() throws Exception {
        variables.put("clone_max_concurrency", 2L);
        tasks = (clone, thd, applyTask, master, bufferSize) -> {
            if (!master) {
                throw new IllegalArgumentException("no task for you");
            }
            return new CopyTask(clone, thd, applyTask, master, bufferSize);
        };

        assertEquals(ER_INTERNAL_ERROR, runClone());

        assertEquals(List.of("begin task", "applyBegin task", "applyEnd 1815", "end 1815"), innodb.calls(1L));
        assertEquals(List.of("applyEnd 1815", "end 1815"), tail(innodb.calls(FakeSessions.CLIENT)));
        assertNextCloneAdmitted();
    }

    @Test
    void aKillOfTheClientEndsEveryTaskAsInterrupted() throws Exception {
        sessions.clientKilled = true;

        assertEquals(ER_QUERY_INTERRUPTED, runClone());

        assertEquals(masterAll(ER_QUERY_INTERRUPTED), innodb.calls(FakeSessions.CLIENT));
        assertEquals(List.of("1317: Query execution was interrupted"), sessions.raised());
        assertNextCloneAdmitted();
    }

    @Test
    void aWorkerThatInnoDbHoldsInApplyBeginIsReleasedWhenTheMasterIsKilled() throws Exception {
        // InnoDB holds a worker's apply begin until the recipient has FILE COPY's metadata, or until an
        // error is saved on the apply side. A master killed before it sends the metadata never sends it.
        variables.put("clone_max_concurrency", 2L);
        CountDownLatch workerHeld = new CountDownLatch(1);
        innodb.applyBegin = (thd, mode) -> {
            if (mode != InnoDbClone.MODE_ADD_TASK) {
                return 0;
            }
            workerHeld.countDown();
            return innodb.awaitApplyError(20) ? ER_QUERY_INTERRUPTED : ER_INTERNAL_ERROR;
        };
        innodb.copy = (thd, callbacks) -> {
            if (thd == FakeSessions.CLIENT) {
                try {
                    workerHeld.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                sessions.clientKilled = true;
            }
            return innodb.offerPieces(thd, callbacks);
        };

        assertEquals(ER_QUERY_INTERRUPTED, runClone());

        assertEquals(masterAll(ER_QUERY_INTERRUPTED), innodb.calls(FakeSessions.CLIENT));
        assertEquals(List.of("begin task", "applyBegin task failed 1317", "end 1317"), innodb.calls(1L),
                "the worker was let go by the saved error, not by a timeout (1815)");
        assertNextCloneAdmitted();
    }

    @Test
    void whenTellingTheApplySideThrowsTheWorkersAreStillJoinedBeforeTheEnds() throws Exception {
        variables.put("clone_max_concurrency", 2L);
        innodb.applyErrorThrows = true;
        CountDownLatch workerCopying = new CountDownLatch(1);
        CountDownLatch masterFailed = new CountDownLatch(1);
        AtomicBoolean workerStillCopying = new AtomicBoolean(true);
        AtomicBoolean endedBeforeTheJoin = new AtomicBoolean();
        innodb.copy = (thd, callbacks) -> {
            try {
                if (thd == FakeSessions.CLIENT) {
                    workerCopying.await();
                    sessions.raiseOn(thd, ER_CLONE_DDL_IN_PROGRESS, "Concurrent DDL is performed during clone operation.");
                    masterFailed.countDown();
                    return ER_CLONE_DDL_IN_PROGRESS;
                }
                workerCopying.countDown();
                masterFailed.await();
                Thread.sleep(300); // still copying while the master ends, unless it joins first
                workerStillCopying.set(false);
                return innodb.offerPieces(thd, callbacks);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        innodb.applyEnd = (thd, error) -> {
            if (thd == FakeSessions.CLIENT && workerStillCopying.get()) {
                endedBeforeTheJoin.set(true);
            }
            return 0;
        };

        assertEquals(ER_CLONE_DDL_IN_PROGRESS, runClone());

        assertFalse(endedBeforeTheJoin.get(), "the master's apply end ran while a worker still copied");
        assertEquals(masterAll(ER_CLONE_DDL_IN_PROGRESS), innodb.calls(FakeSessions.CLIENT));
        assertNextCloneAdmitted();
    }

    @Test
    void aFailedApplyEndIsPassedToTheEnd() throws Exception {
        innodb.applyEnd = (thd, error) -> thd == FakeSessions.CLIENT ? ER_INTERNAL_ERROR : 0;

        assertEquals(ER_INTERNAL_ERROR, runClone());

        assertEquals(List.of("applyEnd 0", "end 1815"), tail(innodb.calls(FakeSessions.CLIENT)));
        assertNextCloneAdmitted();
    }

    @Test
    void anEndThatThrowsDoesNotKeepTheOlderStepsFromEnding() throws Exception {
        variables.put("clone_block_ddl", 1L);
        innodb.applyEnd = (thd, error) -> {
            if (thd == FakeSessions.CLIENT) {
                throw new IllegalStateException("apply end broke");
            }
            return 0;
        };

        assertEquals(ER_INTERNAL_ERROR, runClone());

        assertEquals(List.of("applyEnd 0", "end 1815"), tail(innodb.calls(FakeSessions.CLIENT)));
        assertNextCloneAdmitted();
    }

    @Test
    void noPendingDataIsAnErrorNotZeroBytes() throws Exception {
        innodb.copy = (thd, callbacks) -> callbacks.onBufferData(thd, null, false, 0);

        assertEquals(ER_INTERNAL_ERROR, runClone());

        assertEquals(List.of("1815: Internal error: clone apply was asked for data, but the donor offered none "
                + "to this task"), sessions.raised());
        assertNextCloneAdmitted();
    }

    @Test
    void whatFollowsInnoDbsSuccessCannotUndoIt() throws Exception {
        sink = new StatusSink() {
            @Override
            public void publish(CloneStatus status) {
                if (status.state() == CloneState.COMPLETED) {
                    throw new IllegalStateException("performance_schema went away");
                }
            }

            @Override
            public void publish(CloneProgress progress) {}
        };

        assertEquals(0, runClone());

        assertEquals(masterAll(0), innodb.calls(FakeSessions.CLIENT));
        assertTrue(Files.exists(target().resolve("ibdata1")), "the finished clone was removed");
        assertEquals(List.of(), sessions.raised());
    }

    @Test
    void aSecondCloneIsRefusedBeforeItsTargetReachesInnoDb() throws Exception {
        innodb.copy = (thd, callbacks) -> {
            if (thd == FakeSessions.CLIENT) {
                FakeSessions otherSessions = new FakeSessions();
                FakeInnoDb other = new FakeInnoDb(otherSessions);
                StatusBoard board = StatusBoard.restore(dir.resolve("other"), StatusSink.NONE);
                ConfigSource config = new ConfigSource() {
                    @Override
                    public long number(String name) {
                        return variables.get(name);
                    }

                    @Override
                    public String text(String name) {
                        return "";
                    }
                };
                int rc = new LocalClone(new CloneServices(other, otherSessions, config, board), FakeSessions.CLIENT,
                        target().toString()).run();
                if (rc != 3634 || !other.calls().isEmpty() || !other.targets().isEmpty()) {
                    throw new AssertionError("the second clone got " + rc + " and called " + other.calls());
                }
            }
            return innodb.offerPieces(thd, callbacks);
        };

        assertEquals(0, runClone(), sessions.raised().toString());
        assertTrue(Files.exists(target().resolve("ibdata1")));
    }

    private static List<String> tail(List<String> calls) {
        return calls.subList(calls.size() - 2, calls.size());
    }
}
