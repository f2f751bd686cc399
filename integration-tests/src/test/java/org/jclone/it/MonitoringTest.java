package org.jclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.support.BackgroundClone;
import org.jclone.it.support.CloneOps;
import org.jclone.it.support.DataSets;
import org.jclone.it.support.Tmpfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * performance_schema.clone_status and clone_progress, read with SQL from other sessions while
 * clones run, after they end, after restarts, and on the started clone; and the clone's story
 * in the error log.
 */
@ExtendWith(MysqlServerExtension.class)
class MonitoringTest {

    private static final List<String> STAGES = List.of(
            "DROP DATA", "FILE COPY", "PAGE COPY", "REDO COPY", "FILE SYNC", "RESTART", "RECOVERY");
    private static final List<String> STATUS_COLUMNS = List.of("ID", "PID", "STATE", "BEGIN_TIME", "END_TIME",
            "SOURCE", "DESTINATION", "ERROR_NO", "ERROR_MESSAGE", "BINLOG_FILE", "BINLOG_POSITION", "GTID_EXECUTED");
    /** MySQL's eleven columns, then ours: RESUMES and DATA_RESENT. */
    private static final List<String> PROGRESS_COLUMNS = List.of("ID", "STAGE", "STATE", "BEGIN_TIME", "END_TIME",
            "THREADS", "ESTIMATE", "DATA", "NETWORK", "DATA_SPEED", "NETWORK_SPEED", "RESUMES", "DATA_RESENT");
    private static final String STATUS = "SELECT * FROM performance_schema.clone_status";
    private static final String PROGRESS = "SELECT * FROM performance_schema.clone_progress";
    private static final long MIB = 1024L * 1024L;

    private static MysqlServer donor;

    @BeforeAll
    static void startDonor(ServerFactory servers) throws Exception {
        donor = servers.mysql8("monitor-donor").withPlugin(true)
                .option("gtid_mode", "ON")
                .option("enforce_gtid_consistency", "ON")
                .option("innodb_flush_log_at_trx_commit", "2")
                .start();
        // INSTALL (not plugin-load-add) so restarts and the started clones load the plugin too.
        donor.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'",
                "CREATE DATABASE monitor");
        DataSets.createBlobs(donor, "monitor.blobs", 600);
    }

    @AfterEach
    void restoreDefaults() throws SQLException {
        if (donor != null && donor.isRunning()) {
            donor.execute("SET GLOBAL clone_max_data_bandwidth = 0");
        }
    }

    @Test
    void tablesAppearWithThePluginAndGoWithUninstall(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("monitor-install").withPlugin(true).start();
        assertNoCloneTables(server);
        server.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
        assertEquals(STATUS_COLUMNS, columns(server, "clone_status"));
        assertEquals(PROGRESS_COLUMNS, columns(server, "clone_progress"));
        assertEquals(List.of(), server.query(STATUS), "no clone has run on this server");
        assertEquals(List.of(), server.query(PROGRESS), "no clone has run on this server");
        SQLException readOnly = assertThrows(SQLException.class,
                () -> server.execute("TRUNCATE TABLE performance_schema.clone_status"));
        // performance_schema refuses TRUNCATE of a read-only table as MySQL's plugin's: ER_TABLEACCESS_DENIED_ERROR.
        CloneOps.assertErrorCode(1142, readOnly);
        assertEquals("DROP command denied to user 'root'@'localhost' for table 'clone_status'", readOnly.getMessage());

        server.execute("UNINSTALL PLUGIN clone");
        assertNoCloneTables(server);
        server.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
        assertEquals(STATUS_COLUMNS, columns(server, "clone_status"));
        server.stop();
    }

    @Test
    void progressMovesDuringAThrottledCloneAndStaysAfter() throws Exception {
        CloneOps.setGlobal(donor, "clone_max_data_bandwidth", 20);
        Path target = CloneOps.newTarget(donor, "monitored");
        int logStart = donor.errorLogText().length();
        List<Map<String, String>> statusSamples = new ArrayList<>();
        List<Long> fileCopyData = new ArrayList<>();
        long maxSpeed = 0;
        try (BackgroundClone clone = BackgroundClone.start(donor, target);
                Connection watcher = donor.connect()) {
            while (!clone.isDone()) {
                Map<String, String> status = rows(watcher, STATUS).get(0);
                List<Map<String, String>> progress = rows(watcher, PROGRESS);
                if ("In Progress".equals(status.get("STATE"))) {
                    statusSamples.add(status);
                    Map<String, String> fileCopy = progress.get(1);
                    if ("In Progress".equals(fileCopy.get("STATE"))) {
                        fileCopyData.add(Long.parseLong(fileCopy.get("DATA")));
                        maxSpeed = Math.max(maxSpeed, Long.parseLong(fileCopy.get("DATA_SPEED")));
                    }
                }
                CloneOps.sleep(200);
            }
            assertNull(clone.await(Duration.ofSeconds(60)), "the monitored clone must succeed");
            assertFalse(statusSamples.isEmpty(), "clone_status never showed the clone In Progress");
            Map<String, String> running = statusSamples.get(0);
            assertEquals("1", running.get("ID"), "one clone in the tables: ID 1, as with MySQL's plugin");
            assertEquals(Long.toString(clone.connectionId()), running.get("PID"), "PID is the cloning session");
            assertEquals("LOCAL INSTANCE", running.get("SOURCE"));
            assertTrue(running.get("DESTINATION").startsWith(target.toString()), running.get("DESTINATION"));
            assertNotNull(running.get("BEGIN_TIME"));
            assertNull(running.get("END_TIME"), "END_TIME is NULL while the clone runs");
        }
        log("clone_progress polled %d times while running; FILE COPY DATA seen: %s; top DATA_SPEED %d B/s",
                statusSamples.size(), fileCopyData, maxSpeed);
        assertTrue(fileCopyData.size() >= 3, "FILE COPY seen in progress only " + fileCopyData.size() + " times");
        assertTrue(fileCopyData.get(fileCopyData.size() - 1) > fileCopyData.get(0),
                "DATA must grow while FILE COPY runs: " + fileCopyData);
        assertTrue(maxSpeed > 0, "DATA_SPEED is shown while the stage runs");

        Map<String, String> status = rows(STATUS).get(0);
        assertEquals("Completed", status.get("STATE"));
        assertEquals("0", status.get("ERROR_NO"));
        assertEquals("", status.get("ERROR_MESSAGE"));
        assertNotNull(status.get("END_TIME"));
        assertTrue(status.get("END_TIME").compareTo(status.get("BEGIN_TIME")) >= 0, status.toString());

        List<Map<String, String>> progress = rows(PROGRESS);
        assertEquals(STAGES, progress.stream().map(r -> r.get("STAGE")).toList());
        assertEquals(List.of("Completed", "Completed", "Completed", "Completed", "Completed", "Not Started",
                "Not Started"), progress.stream().map(r -> r.get("STATE")).toList(),
                "a local clone has no RESTART or RECOVERY on this server");
        for (Map<String, String> stage : progress.subList(0, 5)) {
            assertEquals(status.get("ID"), stage.get("ID"));
            assertTrue(stage.get("END_TIME").compareTo(stage.get("BEGIN_TIME")) >= 0, stage.toString());
            assertEquals("0", stage.get("DATA_SPEED"), "no speed once a stage has ended");
            assertEquals("0", stage.get("NETWORK"), "a local clone uses no network");
            assertEquals("0", stage.get("RESUMES"), "a local clone never resumes");
            assertEquals("0", stage.get("DATA_RESENT"), "a local clone sends nothing again");
        }
        long copied = Long.parseLong(progress.get(1).get("DATA"));
        assertTrue(copied >= 60 * MIB, "FILE COPY moved only " + copied + " bytes");
        assertEquals(progress.get(1).get("ESTIMATE"), progress.get(1).get("DATA"),
                "with no writes during the clone, FILE COPY moves exactly its estimate");

        String story = donor.errorLogText().substring(logStart);
        assertTrue(story.contains("Clone begins: source LOCAL INSTANCE, destination " + target), story);
        for (String stage : STAGES.subList(0, 5)) {
            assertTrue(story.contains("Clone stage " + stage + " begins"), stage + " begin line missing");
            assertTrue(story.contains("Clone stage " + stage + " ends"), stage + " end line missing");
        }
        assertTrue(story.contains("Clone ends: "), "the clone's end line is missing");
    }

    @Test
    void aKilledCloneShowsFailedWithItsError() throws Exception {
        CloneOps.setGlobal(donor, "clone_max_data_bandwidth", 10);
        Path target = CloneOps.newTarget(donor, "killed");
        int logStart = donor.errorLogText().length();
        try (BackgroundClone clone = BackgroundClone.start(donor, target)) {
            clone.awaitCopied(20 * MIB, Duration.ofSeconds(30));
            donor.execute("KILL QUERY " + clone.connectionId());
            SQLException e = clone.await(Duration.ofSeconds(30));
            assertNotNull(e);
            CloneOps.assertErrorCode(1317, e);
        }
        Map<String, String> status = rows(STATUS).get(0);
        assertEquals("Failed", status.get("STATE"));
        assertEquals("1317", status.get("ERROR_NO"));
        assertEquals("Query execution was interrupted", status.get("ERROR_MESSAGE"));
        assertNotNull(status.get("END_TIME"));
        List<Map<String, String>> progress = rows(PROGRESS);
        assertEquals("Completed", progress.get(0).get("STATE"));
        assertEquals("Failed", progress.get(1).get("STATE"), "FILE COPY was running when the clone was killed");
        assertEquals("Not Started", progress.get(2).get("STATE"));
        String story = donor.errorLogText().substring(logStart);
        assertTrue(story.contains("Clone stage FILE COPY failed"), "the failed stage's line is missing");
        assertTrue(story.contains("Clone failed after"), "the clone's failure line is missing");
    }

    @Test
    void aCloneInnoDbCannotStartShowsTheClientsError() throws Exception {
        // An existing directory is refused by the server before the plugin runs (the row stays);
        // a read-only target gets as far as InnoDB creating the directory.
        SQLException e;
        try (Tmpfs readOnly = Tmpfs.mount("monitor-ro", 5, true);
                Connection c = donor.connect()) {
            e = CloneOps.cloneExpectingFailure(c, readOnly.path().resolve("clone"));
        }
        Map<String, String> status = rows(STATUS).get(0);
        assertEquals("Failed", status.get("STATE"));
        assertEquals(Integer.toString(e.getErrorCode()), status.get("ERROR_NO"));
        assertEquals(e.getMessage(), status.get("ERROR_MESSAGE"));
        assertEquals("Failed", rows(PROGRESS).get(0).get("STATE"), "DROP DATA was the stage under way");
        log("clone into a read-only file system: %s", CloneOps.describe(e));
    }

    @Test
    void statusSurvivesARestartAndTheStartedCloneShowsItsRecovery(ServerFactory servers) throws Exception {
        String gtids = donor.scalar("SELECT @@GLOBAL.gtid_executed");
        Path target = CloneOps.newTarget(donor, "restart");
        CloneOps.cloneLocal(donor, target);
        Map<String, String> before = rows(STATUS).get(0);
        List<Map<String, String>> progressBefore = rows(PROGRESS);

        donor.restart();
        Map<String, String> after = rows(STATUS).get(0);
        Map<String, String> expected = new LinkedHashMap<>(before);
        expected.put("PID", "0"); // the session is gone
        assertEquals(expected, after, "clone_status after the donor's restart");
        assertEquals(progressBefore, rows(PROGRESS), "clone_progress after the donor's restart");

        MysqlServer clone = CloneOps.startClone(servers, "monitor-restart", target);
        Map<String, String> cloned = awaitRecoveryFolded(clone);
        assertEquals(before.get("ID"), cloned.get("ID"));
        assertEquals("Completed", cloned.get("STATE"));
        assertEquals("LOCAL INSTANCE", cloned.get("SOURCE"));
        assertEquals("LOCAL INSTANCE", cloned.get("DESTINATION"), "as MySQL's plugin shows a clone's own row");
        assertEquals(before.get("BEGIN_TIME"), cloned.get("BEGIN_TIME"));
        assertNotEquals("", cloned.get("BINLOG_FILE"), "the binary log position the clone is consistent with");
        assertTrue(Long.parseLong(cloned.get("BINLOG_POSITION")) > 0, cloned.toString());
        assertEquals(gtids, cloned.get("GTID_EXECUTED"));
        assertEquals(gtids, clone.scalar("SELECT @@GLOBAL.gtid_executed"));
        List<Map<String, String>> clonedProgress = rows(clone, PROGRESS);
        assertEquals(List.of("Completed", "Completed", "Completed", "Completed", "Completed", "Completed",
                "Completed"), clonedProgress.stream().map(r -> r.get("STATE")).toList(),
                "RESTART and RECOVERY complete when the clone first starts");
        log("started clone: %s", cloned);

        clone.restart();
        assertEquals(cloned, rows(clone, STATUS).get(0), "the clone's row after its own restart");
        assertFalse(Files.exists(target.resolve("#clone/#status_recovery")), "InnoDB's recovery file is consumed");
        clone.stop();
    }

    @Test
    void aCloneCutShortByACrashShowsFailedAfterTheRestart() throws Exception {
        CloneOps.setGlobal(donor, "clone_max_data_bandwidth", 10);
        Path target = CloneOps.newTarget(donor, "crash");
        try (BackgroundClone clone = BackgroundClone.start(donor, target)) {
            clone.awaitCopied(20 * MIB, Duration.ofSeconds(30));
            donor.kill();
            clone.await(Duration.ofSeconds(30));
        }
        donor.start();
        Map<String, String> status = rows(STATUS).get(0);
        assertEquals("Failed", status.get("STATE"), "no clone runs after a restart");
        assertEquals("1317", status.get("ERROR_NO"));
        assertEquals("Query execution was interrupted", status.get("ERROR_MESSAGE"));
        assertEquals("Failed", rows(PROGRESS).get(1).get("STATE"));
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static Map<String, String> awaitRecoveryFolded(MysqlServer clone) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Map<String, String> row = rows(clone, STATUS).get(0);
            if (!row.get("GTID_EXECUTED").isEmpty() || System.nanoTime() > deadline) {
                return row;
            }
            CloneOps.sleep(200);
        }
    }

    private static void assertNoCloneTables(MysqlServer server) throws SQLException {
        SQLException e = assertThrows(SQLException.class, () -> server.query(STATUS));
        CloneOps.assertErrorCode(1146, e); // ER_NO_SUCH_TABLE
        assertEquals("0", server.scalar("SELECT COUNT(*) FROM information_schema.tables "
                + "WHERE table_schema = 'performance_schema' AND table_name LIKE 'clone%'"));
    }

    private static List<String> columns(MysqlServer server, String table) throws SQLException {
        return server.query("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                + "'performance_schema' AND table_name = '" + table + "' ORDER BY ordinal_position")
                .stream().map(r -> r.get(0)).toList();
    }

    private static List<Map<String, String>> rows(String sql) throws SQLException {
        return rows(donor, sql);
    }

    private static List<Map<String, String>> rows(MysqlServer server, String sql) throws SQLException {
        try (Connection c = server.connect()) {
            return rows(c, sql);
        }
    }

    private static List<Map<String, String>> rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            List<Map<String, String>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i), rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    static void log(String format, Object... args) {
        System.out.println("[clone-it] " + String.format(format, args));
    }
}
