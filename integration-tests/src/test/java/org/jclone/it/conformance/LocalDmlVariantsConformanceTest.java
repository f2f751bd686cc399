package org.jclone.it.conformance;

import static org.jclone.it.conformance.SuiteSteps.PROGRESS;
import static org.jclone.it.conformance.SuiteSteps.PROGRESS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.STATUS;
import static org.jclone.it.conformance.SuiteSteps.STATUS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.cloneLocalFails;
import static org.jclone.it.conformance.SuiteSteps.exec;
import static org.jclone.it.conformance.SuiteSteps.rows;
import static org.jclone.it.conformance.SuiteSteps.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.support.CloneOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The suite's three variations of local_dml on one donor: redo logging disabled
 * (local_dml_no_redo), compressed row format (local_dml_compressed_row) and automatic tuning of
 * the task count under a bandwidth limit (local_dml_auto_tune), each under our concurrent DML.
 */
@ExtendWith(MysqlServerExtension.class)
class LocalDmlVariantsConformanceTest {

    private static MysqlServer donor;

    @BeforeAll
    static void startDonor(ServerFactory servers) throws Exception {
        donor = SuiteSteps.server(servers, "dml-variants").start();
        try (Connection c = donor.connect()) {
            exec(c, "INSTALL PLUGIN clone SONAME 'mysql_clone.so'", "CREATE DATABASE test");
        }
    }

    @AfterEach
    void restoreDefaults() throws Exception {
        donor.execute("ALTER INSTANCE ENABLE INNODB REDO_LOG", "SET GLOBAL clone_max_data_bandwidth = 0",
                "SET GLOBAL clone_autotune_concurrency = ON", "SET GLOBAL clone_max_concurrency = 16");
    }

    @Test
    @DisplayName("local_dml_no_redo: with redo logging disabled the clone fails in DROP DATA with 3983; re-enabled it completes")
    void redoLoggingDisabled() throws Exception {
        try (Connection c = donor.connect()) {
            exec(c, "USE test");
            DmlWorkload.createTable(c, "t_no_redo", "");
            DmlWorkload.load(c, List.of("t_no_redo"), 0, 100);
            exec(c, "ALTER INSTANCE DISABLE INNODB REDO_LOG");
            Path target = CloneOps.newTarget(donor, "local_dml_no_redo");
            try (DmlWorkload dml = DmlWorkload.start(donor, List.of("test.t_no_redo"))) {
                cloneLocalFails(c, target.toString(), 3983, "Cannot perform operation as InnoDB redo logging is"
                        + " disabled. Please retry after enabling redo log with ALTER INSTANCE");
                assertEquals(table("1\tFailed\t3983"), rows(c, STATUS));
                assertEquals(table("1\tDROP DATA\tFailed", "1\tFILE COPY\tNot Started", "1\tPAGE COPY\tNot Started",
                        "1\tREDO COPY\tNot Started", "1\tFILE SYNC\tNot Started", "1\tRESTART\tNot Started",
                        "1\tRECOVERY\tNot Started"), rows(c, PROGRESS));
                assertFalse(Files.exists(target), "a clone refused by InnoDB leaves no directory");

                exec(c, "ALTER INSTANCE ENABLE INNODB REDO_LOG");
                SuiteSteps.cloneLocal(c, target);
                assertEquals(STATUS_COMPLETED, rows(c, STATUS));
                assertEquals(PROGRESS_COMPLETED, rows(c, PROGRESS));
            }
        }
    }

    @Test
    @DisplayName("local_dml_compressed_row: COMPRESSED tables cloned under concurrent DML start consistent on the clone")
    void compressedRowFormat(ServerFactory servers) throws Exception {
        List<String> tables = List.of("test.t_comp1", "test.t_comp2");
        Path target = CloneOps.newTarget(donor, "local_dml_compressed_row");
        try (Connection c = donor.connect()) {
            for (String t : tables) {
                DmlWorkload.createTable(c, t, "ROW_FORMAT = COMPRESSED");
            }
            DmlWorkload.load(c, tables, 0, 100);
            try (DmlWorkload dml = DmlWorkload.start(donor, tables)) {
                SuiteSteps.cloneLocal(c, target);
                assertTrue(dml.statements() > 0, "the workload must have run during the clone");
            }
            assertEquals(STATUS_COMPLETED, rows(c, STATUS));
            assertEquals(PROGRESS_COMPLETED, rows(c, PROGRESS));
        }
        MysqlServer clone = SuiteSteps.startClone(servers, "compressed-clone", target);
        try (Connection c = clone.connect()) {
            for (String t : tables) {
                assertEquals("row_format=COMPRESSED", rows(c, "SELECT CREATE_OPTIONS FROM information_schema.TABLES"
                        + " WHERE concat(TABLE_SCHEMA, '.', TABLE_NAME) = '" + t + "'").get(0).get(0), t);
                assertEquals(table("49\t49"), rows(c, "SELECT count(*), sum(v = k * 10 AND label = concat('row ', k))"
                        + " FROM " + t + " WHERE k BETWEEN 51 AND 99"), t);
                assertEquals(List.of(t, "check", "status", "OK"), rows(c, "CHECK TABLE " + t).get(0));
                exec(c, "DELETE FROM " + t);
            }
            DmlWorkload.load(c, tables, 0, 100);
            for (String t : tables) {
                assertEquals(table("100\t100"), rows(c, "SELECT count(*), sum(v = k * 10) FROM " + t), t);
            }
        }
    }

    @Test
    @DisplayName("local_dml_auto_tune: autotune ON under a bandwidth limit completes; the status tables copy whole with SELECT *")
    void autotuneUnderBandwidthLimit() throws Exception {
        List<String> tables = List.of("test.t_tune");
        try (Connection c = donor.connect()) {
            DmlWorkload.createTable(c, tables.get(0), "");
            DmlWorkload.load(c, tables, 0, 100);
            exec(c, "SET GLOBAL clone_autotune_concurrency = ON", "SET GLOBAL clone_max_data_bandwidth = 40");
            Path target = CloneOps.newTarget(donor, "local_dml_auto_tune");
            try (DmlWorkload dml = DmlWorkload.start(donor, tables)) {
                SuiteSteps.cloneCommand(c, target.toString());
            }
            assertEquals(STATUS_COMPLETED, rows(c, STATUS));
            assertEquals(PROGRESS_COMPLETED, rows(c, PROGRESS));
            assertEquals(table("clone_autotune_concurrency\tON"),
                    rows(c, "SHOW VARIABLES LIKE 'clone_autotune_concurrency'"));
            exec(c, "USE test", "CREATE TABLE dup_status AS SELECT * FROM performance_schema.clone_status",
                    "CREATE TABLE dup_progress AS SELECT * FROM performance_schema.clone_progress");
            assertEquals(table("1\t12"), rows(c, "SELECT count(*), (SELECT count(*) FROM information_schema.COLUMNS"
                    + " WHERE TABLE_SCHEMA = 'test' AND TABLE_NAME = 'dup_status') FROM dup_status"));
            // MySQL's 11 columns and our RESUMES and DATA_RESENT: 0 for a local clone.
            assertEquals(table("7\t13"), rows(c, "SELECT count(*), (SELECT count(*) FROM information_schema.COLUMNS"
                    + " WHERE TABLE_SCHEMA = 'test' AND TABLE_NAME = 'dup_progress') FROM dup_progress"));
            assertEquals(table("0\t0"), rows(c, "SELECT SUM(RESUMES), SUM(DATA_RESENT) FROM dup_progress"));
            exec(c, "DROP TABLE dup_status", "DROP TABLE dup_progress");
        }
    }
}
