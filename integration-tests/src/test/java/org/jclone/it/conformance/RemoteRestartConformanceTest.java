package org.jclone.it.conformance;

import static org.jclone.it.conformance.SuiteSteps.PROGRESS;
import static org.jclone.it.conformance.SuiteSteps.PROGRESS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.STATUS;
import static org.jclone.it.conformance.SuiteSteps.STATUS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.assertSameTables;
import static org.jclone.it.conformance.SuiteSteps.exec;
import static org.jclone.it.conformance.SuiteSteps.rows;
import static org.jclone.it.conformance.SuiteSteps.table;
import static org.jclone.it.conformance.SuiteSteps.testTables;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.remote.FaultProxy;
import org.jclone.it.support.CloneOps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MySQL's remote_restart, remote_stage_restart, remote_ddl_basic_restart, remote_ddl_rename_restart
 * and remote_ddl_truncate_restart: a remote clone whose connections break during the copy. The
 * suite breaks them with the debug-only clone_restart_apply; here the server clones from itself
 * through {@link FaultProxy} on 127.0.0.1, which resets every connection of the clone on command:
 * twice in FILE COPY (before and after the DDL and DML that the ddl_* and local_stage files run
 * there), once in PAGE COPY and once in REDO COPY. With the donor's
 * clone_donor_timeout_after_network_failure = 0 the first cut fails the clone; with 15 (the
 * suite's value) the recipient resumes after each cut and the started clone holds the donor's data.
 */
@ExtendWith(MysqlServerExtension.class)
class RemoteRestartConformanceTest {

    private static final int ER_CLONE_DONOR = 3862;
    /** MiB/s: FILE COPY of the server's own data lasts seconds, long enough to cut it twice. */
    private static final int FILE_COPY_BANDWIDTH = 8;
    /** MiB/s in REDO COPY, which lasts a moment otherwise. */
    private static final int LATE_BANDWIDTH = 1;

    private static MysqlServer donor;
    private static FaultProxy proxy;
    private static MysqlServer clone;
    private static String failedMessage;
    private static int failedCode;
    private static List<List<String>> statusAfterFailure;
    private static List<List<String>> progressAfterFailure;
    private static List<List<String>> statusAfterResume;
    private static List<List<String>> progressAfterResume;
    private static final List<String> cutStages = new ArrayList<>();
    private static String stageAfterDdl;
    private static String recipientLog;

    @BeforeAll
    static void cloneThroughBrokenConnections(ServerFactory servers) throws Exception {
        donor = servers.mysql8("remote-restart").withPlugin(true).option("plugin-load-add", "mysql_clone.so")
                .start();
        proxy = new FaultProxy(donor.peerPort());
        try (Connection c = donor.connect(); Connection other = donor.connect()) {
            exec(c, "CREATE DATABASE test", "USE test", "CREATE TABLE t1(col1 INT PRIMARY KEY, col2 char(64))",
                    "INSERT INTO t1 VALUES(10, 'clone row 1'), (20, 'clone row 2'), (30, 'clone row 3')");
            List<String> ddlTables = List.of("t_dropped", "t_rename", "t_alter_rename", "t_trunc");
            for (String t : ddlTables) {
                DmlWorkload.createTable(c, t, "");
            }
            DmlWorkload.createTable(c, "t_stage", "");
            exec(c, "CREATE TABLE t_redo(id INT PRIMARY KEY AUTO_INCREMENT, payload VARCHAR(4000))");
            DmlWorkload.load(c, ddlTables, 0, 40);
            DmlWorkload.load(c, List.of("t_stage"), 0, 100);
            exec(c, "SET GLOBAL clone_autotune_concurrency = OFF", "SET GLOBAL clone_max_concurrency = 8",
                    "SET GLOBAL clone_valid_donor_list = '127.0.0.1:" + proxy.port() + "'",
                    "SET GLOBAL clone_max_data_bandwidth = " + FILE_COPY_BANDWIDTH);
            exec(other, "USE test");
            String logBefore = donor.errorLogText();

            // remote_restart, first clone: the donor keeps nothing to resume from.
            exec(c, "SET GLOBAL clone_donor_timeout_after_network_failure = 0");
            CompletableFuture<SQLException> failing = cloneAsync(CloneOps.newTarget(donor, "restart-failed"));
            awaitStageData(other, "FILE COPY", 1, failing);
            assertTrue(proxy.cutAll() >= 2, "connections open in FILE COPY");
            SQLException failure = failing.get(60, TimeUnit.SECONDS);
            assertNotNull(failure, "the clone cut with a timeout of 0 must fail");
            failedCode = failure.getErrorCode();
            failedMessage = failure.getMessage();
            statusAfterFailure = rows(c, STATUS);
            progressAfterFailure = rows(c, PROGRESS);

            // remote_restart second clone, and the other files' steps: resumed after every cut.
            exec(c, "SET GLOBAL clone_donor_timeout_after_network_failure = 15");
            Path target = CloneOps.newTarget(donor, "restart-resumed");
            CompletableFuture<SQLException> cloning = cloneAsync(target);
            awaitStageData(other, "FILE COPY", 1, cloning);
            cut(other, cloning);
            runDdlAndDml(other);
            stageAfterDdl = rows(other, "SELECT STAGE FROM performance_schema.clone_progress"
                    + " WHERE STATE = 'In Progress'").toString();
            cut(other, cloning);
            awaitFileCopyShare(other, cloning);
            // Rows written from here on give PAGE COPY pages and REDO COPY redo to copy.
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> insertUntil(stop));
            try {
                awaitStageData(other, "PAGE COPY", 1, cloning);
                cut(other, cloning);
                // REDO COPY lasts a moment at full speed: the lower limit from PAGE COPY's last MiB on.
                awaitStageRemaining(other, "PAGE COPY", 1 << 20, cloning);
                exec(other, "SET GLOBAL clone_max_data_bandwidth = " + LATE_BANDWIDTH);
                awaitStageData(other, "REDO COPY", 1, cloning);
                cut(other, cloning);
            } finally {
                stop.set(true);
                exec(other, "SET GLOBAL clone_max_data_bandwidth = 0");
            }
            writer.get(60, TimeUnit.SECONDS);
            SQLException resumedFailure = cloning.get(180, TimeUnit.SECONDS);
            if (resumedFailure != null) {
                throw new AssertionError(CloneOps.describe(resumedFailure), resumedFailure);
            }
            System.out.println("[RemoteRestartConformanceTest] clone_progress after the resumed clone: "
                    + rows(c, "SELECT STAGE, STATE, ESTIMATE, DATA, NETWORK FROM performance_schema.clone_progress"));
            statusAfterResume = rows(c, STATUS);
            progressAfterResume = rows(c, PROGRESS);
            recipientLog = donor.errorLogText().substring(logBefore.length());
            clone = CloneOps.startClone(servers, "remote-restart-clone", target);
        }
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    private static CompletableFuture<SQLException> cloneAsync(Path target) {
        String sql = "CLONE INSTANCE FROM root@'127.0.0.1':" + proxy.port() + " IDENTIFIED BY '' DATA DIRECTORY = '"
                + target + "'";
        return CompletableFuture.supplyAsync(() -> {
            try (Connection c = donor.connect()) {
                exec(c, sql);
                return null;
            } catch (SQLException e) {
                return e;
            }
        });
    }

    /** Resets every connection of the running clone and waits until the recipient has connected again. */
    private static void cut(Connection c, CompletableFuture<SQLException> running) throws Exception {
        String stage = rows(c, "SELECT STAGE FROM performance_schema.clone_progress WHERE STATE = 'In Progress'")
                .toString();
        int accepted = proxy.accepted();
        assertTrue(proxy.cutAll() >= 2, "connections open in " + stage);
        cutStages.add(stage);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (proxy.accepted() < accepted + 2) {
            assertTrue(System.nanoTime() < deadline && !running.isDone(),
                    "the recipient did not connect again after the cut in " + stage);
            Thread.sleep(20);
        }
    }

    /** Inserts one small row a commit into t_redo until stopped. */
    private static void insertUntil(AtomicBoolean stop) {
        try (Connection c = donor.connect()) {
            while (!stop.get()) {
                exec(c, "INSERT INTO test.t_redo(payload) VALUES (REPEAT('r', 4000))");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ddl_basic, ddl_rename, ddl_truncate's DDL and local_stage's committed changes, during FILE COPY. */
    private static void runDdlAndDml(Connection c) throws SQLException {
        exec(c, "CREATE TABLE t_created(k INT PRIMARY KEY, v INT, label VARCHAR(64), payload BLOB)"
                + " PARTITION BY KEY(k) PARTITIONS 5", "DROP TABLE t_dropped");
        DmlWorkload.load(c, List.of("t_created"), 0, 40);
        exec(c, "RENAME TABLE t_rename TO t_renamed", "ALTER TABLE t_alter_rename RENAME t_alter_renamed",
                "TRUNCATE TABLE t_trunc");
        DmlWorkload.load(c, List.of("t_trunc"), 100, 5);
        exec(c, "START TRANSACTION", "UPDATE t_stage SET v = v + 1 WHERE k % 3 = 0",
                "DELETE FROM t_stage WHERE k % 7 = 0", "COMMIT");
    }

    private static void awaitStageData(Connection c, String stage, long bytes, CompletableFuture<?> running)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String query = "SELECT DATA FROM performance_schema.clone_progress WHERE STAGE = '" + stage
                + "' AND STATE = 'In Progress'";
        while (true) {
            assertFalse(running.isDone(), "the clone ended before " + stage + ": " + rows(c, PROGRESS));
            List<List<String>> data = rows(c, query);
            if (!data.isEmpty() && Long.parseLong(data.get(0).get(0)) >= bytes) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the clone never reached " + stage);
            Thread.sleep(10);
        }
    }

    /** Waits until {@code stage} is done, or has less than {@code bytes} left to copy. */
    private static void awaitStageRemaining(Connection c, String stage, long bytes, CompletableFuture<?> running)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String query = "SELECT STATE <> 'In Progress' OR ESTIMATE - DATA < " + bytes
                + " FROM performance_schema.clone_progress WHERE STAGE = '" + stage + "'";
        while (!rows(c, query).equals(table("1"))) {
            assertFalse(running.isDone(), "the clone ended in " + stage);
            assertTrue(System.nanoTime() < deadline, stage + " never came near its end");
            Thread.sleep(10);
        }
    }

    /** Waits until FILE COPY is four fifths done, so the lower bandwidth starts near its end. */
    private static void awaitFileCopyShare(Connection c, CompletableFuture<?> running) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String query = "SELECT DATA * 5 >= ESTIMATE * 4 FROM performance_schema.clone_progress"
                + " WHERE STAGE = 'FILE COPY' AND STATE = 'In Progress'";
        while (!rows(c, query).equals(table("1"))) {
            assertFalse(running.isDone(), "the clone ended in FILE COPY");
            assertTrue(System.nanoTime() < deadline, "FILE COPY never came near its end");
            Thread.sleep(20);
        }
    }

    @Test
    @DisplayName("remote_restart: a network failure with clone_donor_timeout_after_network_failure = 0 fails the clone"
            + " with 3862; clone_status shows 1 Failed 3862")
    void failureWithoutRestart() {
        assertEquals(ER_CLONE_DONOR, failedCode, failedMessage);
        assertTrue(failedMessage.startsWith("Clone Donor Error: the connection to 127.0.0.1:" + proxy.port()
                + " failed during the copy ("), failedMessage);
        assertTrue(failedMessage.endsWith("(clone_donor_timeout_after_network_failure = 0)."), failedMessage);
        assertEquals(table("1\tFailed\t3862"), statusAfterFailure);
        assertEquals(table("1\tDROP DATA\tCompleted", "1\tFILE COPY\tFailed", "1\tPAGE COPY\tNot Started",
                "1\tREDO COPY\tNot Started", "1\tFILE SYNC\tNot Started", "1\tRESTART\tNot Started",
                "1\tRECOVERY\tNot Started"), progressAfterFailure);
    }

    @Test
    @DisplayName("remote_restart: with clone_donor_timeout_after_network_failure = 15 the clone cut in FILE COPY,"
            + " PAGE COPY and REDO COPY resumes each time and completes")
    void restartedCloneCompletes() {
        assertEquals(List.of("[[FILE COPY]]", "[[FILE COPY]]", "[[PAGE COPY]]", "[[REDO COPY]]"), cutStages);
        assertEquals("[[FILE COPY]]", stageAfterDdl, "every DDL ran while the clone was in FILE COPY");
        assertEquals(4, recipientLog.split("Clone: resumed from 127.0.0.1:" + proxy.port(), -1).length - 1,
                recipientLog);
        assertEquals(STATUS_COMPLETED, statusAfterResume);
        assertEquals(PROGRESS_COMPLETED, progressAfterResume);
    }

    @Test
    @DisplayName("remote_restart: server restarted on the clone sees t1 and writes to it; the donor keeps its rows")
    void dataOnTheClone() throws Exception {
        List<List<String>> three = table("10\tclone row 1", "20\tclone row 2", "30\tclone row 3");
        try (Connection c = clone.connect()) {
            exec(c, "USE test");
            assertEquals(three, rows(c, "SELECT * FROM t1 ORDER BY col1"));
            exec(c, "INSERT INTO t1 VALUES(40, 'clone row 4')");
            List<List<String>> four = new ArrayList<>(three);
            four.add(List.of("40", "clone row 4"));
            assertEquals(four, rows(c, "SELECT * FROM t1 ORDER BY col1"));
        }
        try (Connection d = donor.connect()) {
            assertEquals(three, rows(d, "SELECT * FROM test.t1 ORDER BY col1"));
        }
    }

    @Test
    @DisplayName("remote_stage_restart: rows updated and deleted and committed during FILE COPY are on the clone")
    void stageChangesOnTheClone() throws Exception {
        assertSameTables(donor, clone, "t_stage");
        try (Connection c = clone.connect()) {
            assertEquals(table("85\t29"), rows(c, "SELECT count(*), sum(v = k * 10 + 1) FROM test.t_stage"));
        }
    }

    @Test
    @DisplayName("remote_ddl_basic_restart: a table created during the resumed clone is on the clone with its rows,"
            + " a dropped one is gone")
    void createAndDrop() throws Exception {
        assertSameTables(donor, clone, "t_created");
        assertFalse(testTables(clone).contains(List.of("t_dropped")), "t_dropped must be gone");
    }

    @Test
    @DisplayName("remote_ddl_rename_restart: tables renamed during the resumed clone are on the clone under their"
            + " new names only")
    void rename() throws Exception {
        assertSameTables(donor, clone, "t_renamed", "t_alter_renamed");
        List<List<String>> names = testTables(clone);
        assertFalse(names.contains(List.of("t_rename")) || names.contains(List.of("t_alter_rename")), names.toString());
    }

    @Test
    @DisplayName("remote_ddl_truncate_restart: a table truncated during the resumed clone holds only the later rows")
    void truncate() throws Exception {
        assertSameTables(donor, clone, "t_trunc");
        try (Connection c = clone.connect()) {
            assertEquals(table("5\t100\t104"), rows(c, "SELECT count(*), min(k), max(k) FROM test.t_trunc"));
        }
    }
}
