package org.jclone.it.conformance;

import static org.jclone.it.conformance.SuiteSteps.PROGRESS;
import static org.jclone.it.conformance.SuiteSteps.STATUS;
import static org.jclone.it.conformance.SuiteSteps.STATUS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.exec;
import static org.jclone.it.conformance.SuiteSteps.fails;
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
 * MySQL's remote_basic_replace and remote_dml_replace: local_basic's and local_dml's steps with
 * clone_remote_replace, that is CLONE INSTANCE FROM a donor without DATA DIRECTORY on a second
 * server, which drops its own data, takes the donor's and restarts (exit code 16) under its
 * supervisor (the harness here, mysqld_safe in the suite). One donor and one recipient serve both
 * files, step after step, as the suite's two servers would: each clone replaces the whole
 * recipient.
 */
@ExtendWith(MysqlServerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteReplaceConformanceTest {

    private static final List<List<String>> PROGRESS_RESTARTED = table("1\tDROP DATA\tCompleted",
            "1\tFILE COPY\tCompleted", "1\tPAGE COPY\tCompleted", "1\tREDO COPY\tCompleted",
            "1\tFILE SYNC\tCompleted", "1\tRESTART\tCompleted", "1\tRECOVERY\tCompleted");
    private static final String CLONED_STATUS = "SELECT STATE, ERROR_NO, length(BINLOG_FILE) > 0,"
            + " length(GTID_EXECUTED) > 0, (BINLOG_POSITION > 0) FROM performance_schema.clone_status";
    private static final int ER_SCHEMA_READ_ONLY = 3989;
    private static final String READ_ONLY = "Schema 'schema_read_only' is in read only mode.";

    private static MysqlServer donor;
    private static MysqlServer recipient;

    @BeforeAll
    static void start(ServerFactory servers) throws Exception {
        donor = servers.mysql8("replace-donor").withPlugin(true).start();
        recipient = servers.mysql8("replace-recipient").withPlugin(true).supervised().start();
        // clone_connection_begin.inc: the plugin and some objects of the recipient's own.
        recipient.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'", "CREATE DATABASE test",
                "CREATE TABLE test.t_recipient(col1 INT PRIMARY KEY, col2 int)",
                "INSERT INTO test.t_recipient VALUES(1, 10)",
                "CREATE UNDO TABLESPACE undo_005 ADD DATAFILE 'undo_005.ibu'",
                "CREATE TABLESPACE tbs1_recipient ADD DATAFILE 'tbs1_data1.ibd'");
        try (Connection c = donor.connect()) {
            exec(c, "INSTALL PLUGIN clone SONAME 'mysql_clone.so'", "CREATE DATABASE test", "USE test",
                    "CREATE TABLE t1(col1 INT PRIMARY KEY, col2 char(64), FULLTEXT KEY fts_index(col2))",
                    "INSERT INTO t1 VALUES(10, 'clone row 1'), (20, 'clone row 2'), (30, 'clone row 3')",
                    "CREATE TABLE t_myisam(col1 INT PRIMARY KEY, col2 char(64)) ENGINE=MyISAM",
                    "INSERT INTO t_myisam VALUES(10, 'myisam not cloned row 1')",
                    "CREATE TABLE t_csv(col1 INT NOT NULL, col2 char(64) NOT NULL) ENGINE=CSV",
                    "INSERT INTO t_csv VALUES(10, 'csv not cloned row 1')");
            for (String schema : List.of("non_innodb", "schema_read_only")) {
                exec(c, "CREATE SCHEMA " + schema,
                        "CREATE TABLE " + schema + ".t_myisam(col1 INT PRIMARY KEY, col2 char(64)) ENGINE=MyISAM",
                        "CREATE TABLE " + schema + ".t_csv(col1 INT NOT NULL, col2 char(64) NOT NULL) ENGINE=CSV");
                for (int i = 1; i <= 3; i++) {
                    exec(c, "INSERT INTO " + schema + ".t_myisam VALUES(" + i * 10 + ", 'myisam not cloned row " + i
                            + "')", "INSERT INTO " + schema + ".t_csv VALUES(" + i * 10 + ", 'csv not cloned row " + i
                            + "')");
                }
            }
            exec(c, "CREATE TABLE schema_read_only.t_innodb(col1 INT PRIMARY KEY, col2 char(64)) ENGINE=InnoDB",
                    "INSERT INTO schema_read_only.t_innodb VALUES(10, 'innodb cloned row 1'),"
                            + " (20, 'innodb cloned row 2'), (30, 'innodb cloned row 3')",
                    "ALTER SCHEMA schema_read_only READ ONLY=1");
        }
    }

    /** clone_command.inc with clone_remote_replace: no DATA DIRECTORY, the recipient restarts. */
    private static String replaceSql() {
        return "CLONE INSTANCE FROM root@'" + donor.peerHost() + "':" + donor.peerPort() + " IDENTIFIED BY ''";
    }

    private static void prepare(Connection c, boolean delayAfterDataDrop) throws SQLException {
        exec(c, "SET GLOBAL clone_autotune_concurrency = OFF", "SET GLOBAL clone_max_concurrency = 8",
                "SET GLOBAL clone_valid_donor_list = '" + donor.peerAddress() + "'");
        if (delayAfterDataDrop) {
            exec(c, "SET GLOBAL clone_delay_after_data_drop = 2");
        }
    }

    /** The replacing clone, then the wait for the restart the suite does with wait_until_connected_again. */
    private static void replace(boolean delayAfterDataDrop) throws Exception {
        int restarts = recipient.restartCount();
        try (Connection c = recipient.connect()) {
            prepare(c, delayAfterDataDrop);
            exec(c, replaceSql());
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
    @DisplayName("remote_basic_replace: the clone replaces the recipient, which restarts: clone 1 Completed, all seven stages Completed")
    void replaceRestartsTheRecipient() throws Exception {
        replace(true);
        try (Connection c = recipient.connect()) {
            assertRestartedAfterClone(c);
            // The recipient's own table and tablespaces are gone with its data.
            assertEquals(table("0"), rows(c, "SELECT count(*) FROM information_schema.TABLES"
                    + " WHERE TABLE_NAME = 't_recipient'"));
            assertEquals(table("0"), rows(c, "SELECT count(*) FROM information_schema.INNODB_TABLESPACES"
                    + " WHERE NAME IN ('undo_005', 'tbs1_recipient')"));
        }
    }

    @Test
    @Order(2)
    @DisplayName("remote_basic_replace: the restarted recipient has the donor's InnoDB rows, empty MyISAM/CSV tables and a read-only schema")
    void recipientHasTheDonorsData() throws Exception {
        try (Connection c = recipient.connect()) {
            exec(c, "USE test");
            assertEquals(table("10\tclone row 1", "20\tclone row 2", "30\tclone row 3"),
                    rows(c, "SELECT * FROM t1 ORDER BY col1"));
            exec(c, "INSERT INTO t1 VALUES(40, 'clone row 4')");
            assertEquals(table("10\tclone row 1", "20\tclone row 2", "30\tclone row 3", "40\tclone row 4"),
                    rows(c, "SELECT * FROM t1 ORDER BY col1"));
            for (String t : List.of("t_myisam", "t_csv", "non_innodb.t_myisam", "non_innodb.t_csv")) {
                String engine = t.endsWith("myisam") ? "myisam" : "csv";
                exec(c, "INSERT INTO " + t + " VALUES(40, '" + engine + " not cloned row 4')");
                assertEquals(table("40\t" + engine + " not cloned row 4"),
                        rows(c, "SELECT * FROM " + t + " ORDER BY col1"), t);
            }
            for (String t : List.of("t_myisam", "t_csv", "t_innodb")) {
                fails(c, "INSERT INTO schema_read_only." + t + " VALUES(40, 'not cloned row 4')",
                        ER_SCHEMA_READ_ONLY, READ_ONLY);
            }
            assertEquals(List.of(), rows(c, "SELECT * FROM schema_read_only.t_myisam"));
            assertEquals(List.of(), rows(c, "SELECT * FROM schema_read_only.t_csv"));
            assertEquals(table("10\tinnodb cloned row 1", "20\tinnodb cloned row 2", "30\tinnodb cloned row 3"),
                    rows(c, "SELECT * FROM schema_read_only.t_innodb ORDER BY col1"));
            assertEquals(table("schema_read_only\tCREATE DATABASE `schema_read_only` /*!40100 DEFAULT CHARACTER SET"
                    + " utf8mb4 COLLATE utf8mb4_0900_ai_ci */ /*!80016 DEFAULT ENCRYPTION='N' */ /* READ ONLY = 1 */"),
                    rows(c, "SHOW CREATE SCHEMA schema_read_only"));
            assertEquals(table("0"), rows(c, "SELECT count(*) FROM mysql.general_log"));
            assertEquals(table("0"), rows(c, "SELECT count(*) FROM mysql.slow_log"));
            exec(c, "SET GLOBAL general_log = ON", "SET GLOBAL slow_query_log = ON");
        }
    }

    @Test
    @Order(3)
    @DisplayName("remote_basic_replace: with its schema read only the recipient refuses the next clone in DROP DATA (3989); writable again, the clone completes")
    void readOnlySchemaOnTheRecipientStopsTheNextClone() throws Exception {
        try (Connection c = donor.connect()) {
            exec(c, "USE test");
            assertEquals(table("10\tclone row 1", "20\tclone row 2", "30\tclone row 3"),
                    rows(c, "SELECT * FROM t1 ORDER BY col1"));
            exec(c, "DROP TABLE t1", "DROP TABLE t_myisam", "DROP TABLE t_csv", "DROP TABLE non_innodb.t_myisam",
                    "DROP TABLE non_innodb.t_csv", "DROP SCHEMA non_innodb",
                    "ALTER SCHEMA schema_read_only READ ONLY=0", "DROP SCHEMA schema_read_only");
        }
        int restarts = recipient.restartCount();
        try (Connection c = recipient.connect()) {
            prepare(c, true);
            fails(c, replaceSql(), ER_SCHEMA_READ_ONLY, READ_ONLY);
            assertEquals(table("1\tFailed\t3989"), rows(c, STATUS));
            assertEquals(table("1\tDROP DATA\tFailed", "1\tFILE COPY\tNot Started", "1\tPAGE COPY\tNot Started",
                    "1\tREDO COPY\tNot Started", "1\tFILE SYNC\tNot Started", "1\tRESTART\tNot Started",
                    "1\tRECOVERY\tNot Started"), rows(c, PROGRESS));
            assertEquals(restarts, recipient.restartCount(), "a failed clone does not restart the recipient");
            exec(c, "ALTER SCHEMA schema_read_only READ ONLY=0");
        }
        replace(true);
        try (Connection c = recipient.connect()) {
            assertRestartedAfterClone(c);
            // The donor's cleanup arrived: none of local_basic's objects is left.
            assertEquals(table("0"), rows(c, "SELECT count(*) FROM information_schema.SCHEMATA"
                    + " WHERE SCHEMA_NAME IN ('non_innodb', 'schema_read_only')"));
            assertEquals(table("0"), rows(c, "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'test'"));
        }
    }

    @Test
    @Order(4)
    @DisplayName("remote_dml_replace: a replacing clone under concurrent DML restarts the recipient, which shows binlog position, no GTIDs, autotune back ON")
    void replaceUnderDml() throws Exception {
        try (Connection c = donor.connect()) {
            exec(c, "CREATE UNDO TABLESPACE undo_003 ADD DATAFILE 'undo_003.ibu'",
                    "CREATE UNDO TABLESPACE undo_004 ADD DATAFILE 'undo_004.ibu'", "USE test",
                    "CREATE TABLE t1(k INT PRIMARY KEY, v INT, label VARCHAR(64), payload BLOB)",
                    "CREATE TABLE t2(k INT PRIMARY KEY, v INT, label VARCHAR(64), payload BLOB)"
                            + " PARTITION BY KEY(k) PARTITIONS 5");
            DmlWorkload.load(c, List.of("t1", "t2"), 0, 100);
            try (Connection open = donor.connect()) {
                exec(open, "USE test", "BEGIN", "UPDATE t1 SET v = -1 WHERE k BETWEEN 51 AND 75",
                        "UPDATE t2 SET v = -1 WHERE k BETWEEN 51 AND 75");
                try (DmlWorkload dml = DmlWorkload.start(donor, List.of("test.t1", "test.t2"))) {
                    replace(false);
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
            exec(c, "USE test", "DELETE FROM t1", "DELETE FROM t2");
            DmlWorkload.load(c, List.of("t1", "t2"), 0, 100);
            assertLoaded(c);
            assertEquals(table("innodb_undo_001\tUndo\tactive", "innodb_undo_002\tUndo\tactive",
                    "undo_003\tUndo\tactive", "undo_004\tUndo\tactive"), rows(c, "SELECT NAME, SPACE_TYPE, STATE"
                    + " FROM INFORMATION_SCHEMA.INNODB_TABLESPACES WHERE SPACE_TYPE = 'Undo' ORDER BY NAME"));
        }
    }

    @Test
    @Order(5)
    @DisplayName("remote_dml_replace: the recovered recipient is replaced again and takes DML; the donor then drops its undo tablespaces and a last clone cleans the recipient")
    void replaceTheRecoveredRecipientAgain() throws Exception {
        replace(false);
        try (Connection c = recipient.connect()) {
            assertRestartedAfterClone(c);
            assertEquals(table("Completed\t0\t1\t0\t1"), rows(c, CLONED_STATUS));
            exec(c, "USE test", "DELETE FROM t1", "DELETE FROM t2");
            DmlWorkload.load(c, List.of("t1", "t2"), 0, 100);
            assertLoaded(c);
        }
        try (Connection c = donor.connect()) {
            exec(c, "ALTER UNDO TABLESPACE undo_003 SET INACTIVE", "ALTER UNDO TABLESPACE undo_004 SET INACTIVE");
            awaitEmpty(c, "undo_003");
            awaitEmpty(c, "undo_004");
            exec(c, "DROP UNDO TABLESPACE undo_003", "DROP UNDO TABLESPACE undo_004", "DROP TABLE test.t1",
                    "DROP TABLE test.t2");
        }
        replace(false);
        try (Connection c = recipient.connect()) {
            assertRestartedAfterClone(c);
            assertEquals(table("innodb_undo_001\tUndo\tactive", "innodb_undo_002\tUndo\tactive"), rows(c,
                    "SELECT NAME, SPACE_TYPE, STATE FROM INFORMATION_SCHEMA.INNODB_TABLESPACES WHERE SPACE_TYPE = 'Undo'"
                            + " ORDER BY NAME"));
            assertEquals(table("0"), rows(c, "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'test'"));
        }
    }

    /** include/wait_until_undo_space_is_empty.inc: an inactive undo tablespace turns empty once purged. */
    static void awaitEmpty(Connection c, String space) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String sql = "SELECT STATE FROM INFORMATION_SCHEMA.INNODB_TABLESPACES WHERE NAME = '" + space + "'";
        while (!table("empty").equals(rows(c, sql))) {
            assertTrue(System.nanoTime() < deadline, space + " never became empty: " + rows(c, sql));
            Thread.sleep(100);
        }
    }

    /** t1 and t2 hold keys 0-99 as DmlWorkload.load wrote them. */
    static void assertLoaded(Connection c) throws SQLException {
        for (String t : List.of("t1", "t2")) {
            assertEquals(table("100\t0\t99\t100"), rows(c, "SELECT count(*), min(k), max(k),"
                    + " sum(v = k * 10 AND label = concat('row ', k)) FROM " + t), t);
        }
    }
}
