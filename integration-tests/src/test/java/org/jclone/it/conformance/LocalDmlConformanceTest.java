package org.jclone.it.conformance;

import static org.jclone.it.conformance.SuiteSteps.PROGRESS;
import static org.jclone.it.conformance.SuiteSteps.PROGRESS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.STATUS;
import static org.jclone.it.conformance.SuiteSteps.STATUS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.exec;
import static org.jclone.it.conformance.SuiteSteps.rows;
import static org.jclone.it.conformance.SuiteSteps.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.support.CloneOps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MySQL's local_dml: a clone taken while other sessions insert, update and delete (and one holds
 * an uncommitted update), with two explicit undo tablespaces and a 2 MiB clone_buffer_size; the
 * clone is started, written to, and cloned again. Our own tables and workload: keys 0-99 loaded
 * first, inserts into 100-199, updates of 0-24, deletes of 26-50 and an open transaction over
 * 51-75 while the clone runs.
 */
@ExtendWith(MysqlServerExtension.class)
class LocalDmlConformanceTest {

    private static final String CLONED_STATUS = "SELECT STATE, ERROR_NO, length(BINLOG_FILE) > 0,"
            + " length(GTID_EXECUTED) > 0, (BINLOG_POSITION > 0) FROM performance_schema.clone_status";
    private static final List<List<String>> UNDO_SPACES = table("innodb_undo_001\tUndo\tactive",
            "innodb_undo_002\tUndo\tactive", "undo_003\tUndo\tactive", "undo_004\tUndo\tactive");
    private static final List<List<String>> UNDO_FILES = table(
            "innodb_undo_001\t./undo_001\tUNDO LOG\tInnoDB", "innodb_undo_002\t./undo_002\tUNDO LOG\tInnoDB",
            "undo_003\t./undo_003.ibu\tUNDO LOG\tInnoDB", "undo_004\t./undo_004.ibu\tUNDO LOG\tInnoDB");

    private static MysqlServer donor;
    private static MysqlServer clone;
    private static List<List<String>> bufferSizeBefore;
    private static List<List<String>> bufferSizeAfter;
    private static List<List<String>> statusAfterClone;
    private static List<List<String>> progressAfterClone;
    private static List<List<String>> autotuneAfterClone;
    private static long dmlStatementsDuringClone;
    private static Path secondTarget;

    @BeforeAll
    static void cloneUnderDml(ServerFactory servers) throws Exception {
        donor = SuiteSteps.server(servers, "dml-donor").start();
        try (Connection c = donor.connect()) {
            exec(c, "CREATE UNDO TABLESPACE undo_003 ADD DATAFILE 'undo_003.ibu'",
                    "CREATE UNDO TABLESPACE undo_004 ADD DATAFILE 'undo_004.ibu'",
                    "INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
            bufferSizeBefore = rows(c, "SHOW VARIABLES LIKE 'clone_buffer_size'");
            exec(c, "SET GLOBAL clone_buffer_size = 2097152");
            bufferSizeAfter = rows(c, "SHOW VARIABLES LIKE 'clone_buffer_size'");
            exec(c, "CREATE DATABASE test", "USE test",
                    "CREATE TABLE t1(k INT PRIMARY KEY, v INT, label VARCHAR(64), payload BLOB)",
                    "CREATE TABLE t2(k INT PRIMARY KEY, v INT, label VARCHAR(64), payload BLOB)"
                            + " PARTITION BY KEY(k) PARTITIONS 5");
            DmlWorkload.load(c, List.of("t1", "t2"), 0, 100);

            try (Connection open = donor.connect()) {
                exec(open, "USE test", "BEGIN", "UPDATE t1 SET v = -1 WHERE k BETWEEN 51 AND 75",
                        "UPDATE t2 SET v = -1 WHERE k BETWEEN 51 AND 75");
                Path target = CloneOps.newTarget(donor, "local_dml");
                try (DmlWorkload dml = DmlWorkload.start(donor, List.of("test.t1", "test.t2"))) {
                    SuiteSteps.cloneLocal(c, target);
                    dmlStatementsDuringClone = dml.statements();
                }
                statusAfterClone = rows(c, STATUS);
                progressAfterClone = rows(c, PROGRESS);
                autotuneAfterClone = rows(c, "SHOW VARIABLES LIKE 'clone_autotune_concurrency'");
                exec(open, "COMMIT");
                clone = SuiteSteps.startClone(servers, "dml-clone", target);
            }
        }
        secondTarget = CloneOps.newTarget(donor, "local_dml_again");
    }

    @Test
    @DisplayName("local_dml: clone_buffer_size shows its default 4194304, then the 2097152 it is set to")
    void bufferSize() {
        assertEquals(table("clone_buffer_size\t4194304"), bufferSizeBefore);
        assertEquals(table("clone_buffer_size\t2097152"), bufferSizeAfter);
    }

    @Test
    @DisplayName("local_dml: the clone taken under concurrent DML ends as clone 1 Completed, autotune still OFF")
    void cloneUnderDmlCompletes() {
        assertTrue(dmlStatementsDuringClone > 0, "the workload must have run during the clone");
        assertEquals(STATUS_COMPLETED, statusAfterClone);
        assertEquals(PROGRESS_COMPLETED, progressAfterClone);
        assertEquals(table("clone_autotune_concurrency\tOFF"), autotuneAfterClone);
    }

    @Test
    @DisplayName("local_dml: the started clone shows Completed with a binary log file and position (and GTIDs when the server has them)")
    void statusOnTheStartedClone() throws Exception {
        try (Connection c = clone.connect()) {
            assertEquals(SuiteSteps.clonedStatus(), rows(c, CLONED_STATUS));
        }
    }

    @Test
    @DisplayName("local_dml: the clone holds no uncommitted change and every row no session touched")
    void cloneIsConsistent() throws Exception {
        try (Connection c = clone.connect()) {
            for (String t : List.of("test.t1", "test.t2")) {
                assertEquals(table("0"), rows(c, "SELECT count(*) FROM " + t + " WHERE v = -1"), t);
                assertEquals(table("24\t24"), rows(c, "SELECT count(*), sum(v = k * 10 AND label = concat('row ', k))"
                        + " FROM " + t + " WHERE k BETWEEN 76 AND 99"), t);
                assertEquals(table("25\t25"), rows(c, "SELECT count(*), sum(v = k * 10)"
                        + " FROM " + t + " WHERE k BETWEEN 51 AND 75"), t);
                assertEquals(List.of(t, "check", "status", "OK"), rows(c, "CHECK TABLE " + t).get(0));
            }
        }
    }

    @Test
    @DisplayName("local_dml: the clone keeps the explicit undo tablespaces undo_003 and undo_004")
    void undoTablespacesOnTheClone() throws Exception {
        try (Connection c = clone.connect()) {
            assertEquals(UNDO_SPACES, rows(c, "SELECT NAME, SPACE_TYPE, STATE FROM INFORMATION_SCHEMA.INNODB_TABLESPACES"
                    + " WHERE SPACE_TYPE = 'Undo' ORDER BY NAME"));
            assertEquals(UNDO_FILES, rows(c, "SELECT TABLESPACE_NAME, FILE_NAME, FILE_TYPE, ENGINE"
                    + " FROM INFORMATION_SCHEMA.FILES WHERE FILE_NAME LIKE '%undo_00%' ORDER BY TABLESPACE_NAME"));
        }
    }

    @Test
    @DisplayName("local_dml: the clone takes DML, and a clone of the clone starts with the same rows and undo spaces")
    void cloneOfTheClone(ServerFactory servers) throws Exception {
        try (Connection c = clone.connect()) {
            exec(c, "USE test", "DELETE FROM t1", "DELETE FROM t2");
            DmlWorkload.load(c, List.of("t1", "t2"), 0, 100);
            assertLoaded(c);
            SuiteSteps.cloneLocal(c, secondTarget);
            assertEquals(STATUS_COMPLETED, rows(c, STATUS));
            assertEquals(PROGRESS_COMPLETED, rows(c, PROGRESS));
        }
        MysqlServer again = SuiteSteps.startClone(servers, "dml-clone-again", secondTarget);
        try (Connection c = again.connect()) {
            assertEquals(SuiteSteps.clonedStatus(), rows(c, CLONED_STATUS));
            exec(c, "USE test");
            assertLoaded(c);
            assertEquals(UNDO_SPACES, rows(c, "SELECT NAME, SPACE_TYPE, STATE FROM INFORMATION_SCHEMA.INNODB_TABLESPACES"
                    + " WHERE SPACE_TYPE = 'Undo' ORDER BY NAME"));
        }
    }

    private static void assertLoaded(Connection c) throws SQLException {
        for (String t : List.of("t1", "t2")) {
            assertEquals(table("100\t0\t99\t100"), rows(c, "SELECT count(*), min(k), max(k),"
                    + " sum(v = k * 10 AND label = concat('row ', k)) FROM " + t), t);
        }
    }
}
