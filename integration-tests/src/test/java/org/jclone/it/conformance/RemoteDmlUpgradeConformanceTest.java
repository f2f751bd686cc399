package org.jclone.it.conformance;

import static org.jclone.it.conformance.RemoteReplaceConformanceTest.assertLoaded;
import static org.jclone.it.conformance.RemoteReplaceConformanceTest.awaitEmpty;
import static org.jclone.it.conformance.SuiteSteps.PROGRESS;
import static org.jclone.it.conformance.SuiteSteps.STATUS;
import static org.jclone.it.conformance.SuiteSteps.STATUS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.exec;
import static org.jclone.it.conformance.SuiteSteps.rows;
import static org.jclone.it.conformance.SuiteSteps.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MySQL's remote_dml_upgrade: remote_dml_replace's steps (local_dml replacing a second,
 * supervised server) where the donor's data directory was written by 5.7 and upgraded in place
 * by 8.0.31 (the suite's clone_upgrade.inc, on its default server, the donor). The suite clones
 * right after the upgrade, then runs local_dml on the upgraded donor, and at the end restarts
 * the donor on its own default data directory and cleans the recipient with a last clone. Here
 * the 5.7 data is our own (a 4096-row table written by 5.7.22); the donor with default data at
 * the end is a fresh 8.0.31 server. The plugin is installed with INSTALL PLUGIN once the upgrade
 * is done, as the suite does, so the upgrade needs no extra restart.
 */
@ExtendWith(MysqlServerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteDmlUpgradeConformanceTest {

    private static final List<List<String>> PROGRESS_RESTARTED = table("1\tDROP DATA\tCompleted",
            "1\tFILE COPY\tCompleted", "1\tPAGE COPY\tCompleted", "1\tREDO COPY\tCompleted",
            "1\tFILE SYNC\tCompleted", "1\tRESTART\tCompleted", "1\tRECOVERY\tCompleted");
    private static final String CLONED_STATUS = "SELECT STATE, ERROR_NO, length(BINLOG_FILE) > 0,"
            + " length(GTID_EXECUTED) > 0, (BINLOG_POSITION > 0) FROM performance_schema.clone_status";
    private static final String UNDO_SPACES = "SELECT NAME, SPACE_TYPE, STATE FROM INFORMATION_SCHEMA.INNODB_TABLESPACES"
            + " WHERE SPACE_TYPE = 'Undo' ORDER BY NAME";
    private static final List<List<String>> FOUR_UNDO_SPACES = table("innodb_undo_001\tUndo\tactive",
            "innodb_undo_002\tUndo\tactive", "undo_003\tUndo\tactive", "undo_004\tUndo\tactive");
    private static final List<List<String>> TWO_UNDO_SPACES = table("innodb_undo_001\tUndo\tactive",
            "innodb_undo_002\tUndo\tactive");
    /** Rows the 5.7 server wrote: ids 1-4096, v = 7 id; count, id sum, rows with v = 7 id. */
    private static final List<List<String>> ROWS_FROM_57 = table("4096\t8390656\t4096");
    private static final String ROWS_FROM_57_SQL = "SELECT count(*), sum(id), sum(v = 7 * id) FROM test.t57";

    private static MysqlServer donor;
    private static MysqlServer recipient;

    @BeforeAll
    static void start(ServerFactory servers) throws Exception {
        recipient = servers.mysql8("upgrade-recipient").withPlugin(true).supervised().start();
        // clone_connection_begin.inc: the plugin and some objects of the recipient's own.
        recipient.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'", "CREATE DATABASE test",
                "CREATE TABLE test.t_recipient(col1 INT PRIMARY KEY, col2 int)",
                "INSERT INTO test.t_recipient VALUES(1, 10)",
                "CREATE UNDO TABLESPACE undo_005 ADD DATAFILE 'undo_005.ibu'",
                "CREATE TABLESPACE tbs1_recipient ADD DATAFILE 'tbs1_data1.ibd'");
        // clone_upgrade.inc: a data directory 5.7 wrote, then 8.0.31 started on it.
        MysqlServer old = servers.mysql57("upgrade-57").start();
        try (Connection c = old.connect()) {
            exec(c, "CREATE DATABASE test",
                    "CREATE TABLE test.t57(id INT PRIMARY KEY, v INT, label VARCHAR(64), KEY k_v(v)) ENGINE=InnoDB",
                    "INSERT INTO test.t57 VALUES(1, 7, 'written by 5.7')");
            for (int rows = 1; rows < 4096; rows *= 2) {
                exec(c, "INSERT INTO test.t57 SELECT id + " + rows + ", 7 * (id + " + rows + "), label FROM test.t57");
            }
        }
        old.stop();
        donor = servers.mysql8("upgrade-donor").withPlugin(true).dataDir(old.dataDir())
                .startTimeout(Duration.ofSeconds(180)).start();
    }

    private static String replaceSql(MysqlServer from) {
        return "CLONE INSTANCE FROM root@'" + from.peerHost() + "':" + from.peerPort() + " IDENTIFIED BY ''";
    }

    /** clone_command.inc with clone_remote_replace, then the wait for the recipient's restart. */
    private static void replace(MysqlServer from) throws Exception {
        int restarts = recipient.restartCount();
        try (Connection c = recipient.connect()) {
            exec(c, "SET GLOBAL clone_autotune_concurrency = OFF", "SET GLOBAL clone_max_concurrency = 8",
                    "SET GLOBAL clone_valid_donor_list = '" + from.peerAddress() + "'", replaceSql(from));
        }
        recipient.awaitRestart(Duration.ofSeconds(120));
        assertEquals(restarts + 1, recipient.restartCount(), "the recipient restarted once");
    }

    private static void assertRestartedAfterClone(Connection c) throws SQLException {
        assertEquals(STATUS_COMPLETED, rows(c, STATUS));
        assertEquals(PROGRESS_RESTARTED, rows(c, PROGRESS));
    }

    @Test
    @Order(1)
    @DisplayName("remote_dml_upgrade: a clone right after the upgrade from 5.7 replaces the recipient: clone 1 Completed, all seven stages, the 5.7 table's 4096 rows")
    void cloneRightAfterTheUpgrade() throws Exception {
        assertTrue(donor.scalar("SELECT VERSION()").startsWith("8.0.31"), "the donor runs 8.0.31 on 5.7's data");
        donor.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
        replace(donor);
        try (Connection c = recipient.connect()) {
            assertRestartedAfterClone(c);
            assertEquals(ROWS_FROM_57, rows(c, ROWS_FROM_57_SQL));
            assertEquals(List.of("test.t57", "check", "status", "OK"), rows(c, "CHECK TABLE test.t57").get(0));
            // The recipient's own table and tablespaces are gone with its data.
            assertEquals(table("0"), rows(c, "SELECT count(*) FROM information_schema.TABLES"
                    + " WHERE TABLE_NAME = 't_recipient'"));
            assertEquals(table("0"), rows(c, "SELECT count(*) FROM information_schema.INNODB_TABLESPACES"
                    + " WHERE NAME IN ('undo_005', 'tbs1_recipient')"));
        }
        // The suite uninstalls the plugin here; local_dml installs it again.
        donor.execute("UNINSTALL PLUGIN clone");
    }

    @Test
    @Order(2)
    @DisplayName("remote_dml_upgrade: on the upgraded donor, a replacing clone under concurrent DML restarts the recipient, which shows binlog position, no GTIDs, autotune back ON, the undo tablespaces")
    void replaceUnderDmlFromTheUpgradedDonor() throws Exception {
        try (Connection c = donor.connect()) {
            exec(c, "CREATE UNDO TABLESPACE undo_003 ADD DATAFILE 'undo_003.ibu'",
                    "CREATE UNDO TABLESPACE undo_004 ADD DATAFILE 'undo_004.ibu'");
            assertEquals(FOUR_UNDO_SPACES, rows(c, UNDO_SPACES));
            assertEquals(table("innodb_undo_001\t./undo_001\tUNDO LOG\tInnoDB",
                    "innodb_undo_002\t./undo_002\tUNDO LOG\tInnoDB", "undo_003\t./undo_003.ibu\tUNDO LOG\tInnoDB",
                    "undo_004\t./undo_004.ibu\tUNDO LOG\tInnoDB"), rows(c, "SELECT TABLESPACE_NAME, FILE_NAME,"
                    + " FILE_TYPE, ENGINE FROM INFORMATION_SCHEMA.FILES WHERE FILE_NAME LIKE '%undo_00%'"
                    + " ORDER BY TABLESPACE_NAME"));
            exec(c, "INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
            assertEquals(table("clone_buffer_size\t4194304"), rows(c, "SHOW VARIABLES LIKE 'clone_buffer_size'"));
            exec(c, "SET GLOBAL clone_buffer_size = 2097152");
            assertEquals(table("clone_buffer_size\t2097152"), rows(c, "SHOW VARIABLES LIKE 'clone_buffer_size'"));
            exec(c, "USE test", "CREATE TABLE t1(k INT PRIMARY KEY, v INT, label VARCHAR(64), payload BLOB)",
                    "CREATE TABLE t2(k INT PRIMARY KEY, v INT, label VARCHAR(64), payload BLOB)"
                            + " PARTITION BY KEY(k) PARTITIONS 5");
            DmlWorkload.load(c, List.of("t1", "t2"), 0, 100);
            assertLoaded(c);
            try (Connection open = donor.connect()) {
                exec(open, "USE test", "BEGIN", "UPDATE t1 SET v = -1 WHERE k BETWEEN 51 AND 75",
                        "UPDATE t2 SET v = -1 WHERE k BETWEEN 51 AND 75");
                try (DmlWorkload dml = DmlWorkload.start(donor, List.of("test.t1", "test.t2"))) {
                    replace(donor);
                    assertTrue(dml.statements() > 0, "the workload must have run during the clone");
                }
                exec(open, "COMMIT");
            }
        }
        try (Connection c = recipient.connect()) {
            assertRestartedAfterClone(c);
            assertEquals(table("clone_autotune_concurrency\tON"),
                    rows(c, "SHOW VARIABLES LIKE 'clone_autotune_concurrency'"));
            assertEquals(table("Completed\t0\t1\t0\t1"), rows(c, CLONED_STATUS));
            for (String t : List.of("test.t1", "test.t2")) {
                assertEquals(table("0"), rows(c, "SELECT count(*) FROM " + t + " WHERE v = -1"), t);
                assertEquals(table("25\t25"), rows(c, "SELECT count(*), sum(v = k * 10)"
                        + " FROM " + t + " WHERE k BETWEEN 51 AND 75"), t);
                assertEquals(List.of(t, "check", "status", "OK"), rows(c, "CHECK TABLE " + t).get(0));
            }
            assertEquals(ROWS_FROM_57, rows(c, ROWS_FROM_57_SQL));
            exec(c, "USE test", "DELETE FROM t1", "DELETE FROM t2");
            DmlWorkload.load(c, List.of("t1", "t2"), 0, 100);
            assertLoaded(c);
            assertEquals(FOUR_UNDO_SPACES, rows(c, UNDO_SPACES));
        }
    }

    @Test
    @Order(3)
    @DisplayName("remote_dml_upgrade: the recovered recipient is replaced again from the upgraded donor and takes DML; the donor then drops its undo tablespaces and tables")
    void replaceTheRecoveredRecipientAgain() throws Exception {
        replace(donor);
        try (Connection c = recipient.connect()) {
            assertRestartedAfterClone(c);
            assertEquals(table("Completed\t0\t1\t0\t1"), rows(c, CLONED_STATUS));
            exec(c, "USE test", "DELETE FROM t1", "DELETE FROM t2");
            DmlWorkload.load(c, List.of("t1", "t2"), 0, 100);
            assertLoaded(c);
        }
        try (Connection c = donor.connect()) {
            exec(c, "ALTER UNDO TABLESPACE undo_003 SET INACTIVE");
            awaitEmpty(c, "undo_003");
            exec(c, "DROP UNDO TABLESPACE undo_003", "ALTER UNDO TABLESPACE undo_004 SET INACTIVE");
            awaitEmpty(c, "undo_004");
            exec(c, "DROP UNDO TABLESPACE undo_004");
            assertEquals(TWO_UNDO_SPACES, rows(c, UNDO_SPACES));
            assertEquals(table("innodb_undo_001\t./undo_001\tUNDO LOG\tInnoDB",
                    "innodb_undo_002\t./undo_002\tUNDO LOG\tInnoDB"), rows(c, "SELECT TABLESPACE_NAME, FILE_NAME,"
                    + " FILE_TYPE, ENGINE FROM INFORMATION_SCHEMA.FILES WHERE FILE_NAME LIKE '%undo_00%'"
                    + " ORDER BY TABLESPACE_NAME"));
            exec(c, "DROP TABLE test.t1", "DROP TABLE test.t2");
        }
    }

    @Test
    @Order(4)
    @DisplayName("remote_dml_upgrade: a donor on default (never upgraded) data cleans the recipient with a last clone: clone 1 Completed, all seven stages, no 5.7 data left")
    void lastCloneFromADefaultDonor(ServerFactory servers) throws Exception {
        // The suite's cleanup restarts its default server on its own data directory.
        donor.stop();
        MysqlServer fresh = servers.mysql8("default-donor").withPlugin(true).start();
        fresh.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
        replace(fresh);
        try (Connection c = recipient.connect()) {
            assertRestartedAfterClone(c);
            assertEquals(TWO_UNDO_SPACES, rows(c, UNDO_SPACES));
            assertEquals(table("0"), rows(c, "SELECT count(*) FROM information_schema.SCHEMATA"
                    + " WHERE SCHEMA_NAME = 'test'"));
            // clone_connection_end.inc: the plugin came with the donor's mysql.plugin, and goes.
            exec(c, "UNINSTALL PLUGIN clone");
            assertEquals(table("0"), rows(c, "SELECT count(*) FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'clone'"));
        }
    }
}
