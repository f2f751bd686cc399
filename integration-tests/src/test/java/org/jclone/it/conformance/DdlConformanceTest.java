package org.jclone.it.conformance;

import static org.jclone.it.conformance.SuiteSteps.PROGRESS;
import static org.jclone.it.conformance.SuiteSteps.PROGRESS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.STATUS;
import static org.jclone.it.conformance.SuiteSteps.STATUS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.assertSameTables;
import static org.jclone.it.conformance.SuiteSteps.awaitFileCopy;
import static org.jclone.it.conformance.SuiteSteps.exec;
import static org.jclone.it.conformance.SuiteSteps.rows;
import static org.jclone.it.conformance.SuiteSteps.table;
import static org.jclone.it.conformance.SuiteSteps.testTables;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.support.CloneOps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MySQL's ddl_* files without encryption: DDL that runs while a clone copies files (8.0.31's
 * default clone_block_ddl = OFF lets it). The suite stops the clone at sync points in each
 * stage; here a bandwidth limit keeps one clone in FILE COPY while every kind of DDL runs on
 * tables of its own, beside our concurrent DML. The started clone must show each table as
 * the donor shows it once the DDL is done.
 */
@ExtendWith(MysqlServerExtension.class)
class DdlConformanceTest {

    static MysqlServer donor;
    private static MysqlServer clone;
    private static String stageAfterDdl;

    @BeforeAll
    static void cloneWhileDdlRuns(ServerFactory servers) throws Exception {
        donor = SuiteSteps.server(servers, "ddl-donor").start();
        Path target = CloneOps.newTarget(donor, "ddl");
        try (Connection c = donor.connect()) {
            exec(c, "INSTALL PLUGIN clone SONAME 'mysql_clone.so'", "CREATE DATABASE test", "USE test");
            List<String> existing = List.of("t_dropped", "t_copy", "t_inplace", "t_trunc", "t_trunc_same",
                    "t_rename", "t_alter_rename", "t_dml");
            for (String t : existing) {
                DmlWorkload.createTable(c, t, "");
            }
            DmlWorkload.createTable(c, "t_zlib", "COMPRESSION = 'zlib'");
            DmlWorkload.load(c, existing, 0, 40);
            DmlWorkload.load(c, List.of("t_zlib"), 0, 40);
        }
        if (SuiteSteps.skipsSpaceValidation()) {
            // As the suite does: restarted without validating the tablespace paths, InnoDB has not
            // opened the tables' tablespaces, and the clone opens them while the DDL runs.
            donor.restart();
        }
        try (Connection c = donor.connect(); Connection ddl = donor.connect()) {
            exec(c, "USE test", "SET GLOBAL clone_max_data_bandwidth = 8");
            CompletableFuture<Void> cloning = CompletableFuture.runAsync(() -> {
                try {
                    SuiteSteps.cloneLocal(c, target);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitFileCopy(ddl);
            exec(ddl, "USE test");
            try (DmlWorkload dml = DmlWorkload.start(donor, List.of("test.t_dml"))) {
                runDdl(ddl);
            }
            stageAfterDdl = rows(ddl, "SELECT STAGE FROM performance_schema.clone_progress"
                    + " WHERE STATE = 'In Progress'").toString();
            cloning.get(180, TimeUnit.SECONDS);
            exec(c, "SET GLOBAL clone_max_data_bandwidth = 0");
            assertEquals(STATUS_COMPLETED, rows(c, STATUS));
            assertEquals(PROGRESS_COMPLETED, rows(c, PROGRESS));
        }
        clone = CloneOps.startClone(servers, "ddl-clone", target);
    }

    private static void runDdl(Connection ddl) throws SQLException {
        // ddl_basic
        exec(ddl, "CREATE TABLE t_created(k INT PRIMARY KEY, v INT, label VARCHAR(64), payload BLOB)"
                + " PARTITION BY KEY(k) PARTITIONS 5", "DROP TABLE t_dropped");
        DmlWorkload.load(ddl, List.of("t_created"), 0, 40);
        // ddl_alter_copy, ddl_alter_inplace
        exec(ddl, "ALTER TABLE t_copy ADD COLUMN extra INT DEFAULT 7, ALGORITHM=COPY",
                "ALTER TABLE t_copy ADD INDEX v_idx(v), ALGORITHM=COPY",
                "ALTER TABLE t_inplace ADD INDEX v_idx(v), ALGORITHM=INPLACE",
                "ALTER TABLE t_inplace ADD COLUMN extra INT DEFAULT 7, ALGORITHM=INPLACE",
                "ALTER TABLE t_inplace DROP COLUMN label, ALGORITHM=INPLACE");
        // ddl_truncate, ddl_truncate_same
        exec(ddl, "TRUNCATE TABLE t_trunc");
        DmlWorkload.load(ddl, List.of("t_trunc"), 100, 5);
        for (int i = 0; i < 3; i++) {
            exec(ddl, "TRUNCATE TABLE t_trunc_same");
            DmlWorkload.load(ddl, List.of("t_trunc_same"), 200 + i, 1);
        }
        // ddl_rename
        exec(ddl, "RENAME TABLE t_rename TO t_renamed", "ALTER TABLE t_alter_rename RENAME t_alter_renamed");
        // ddl_compress (page compression; its encrypted half needs a keyring)
        DmlWorkload.load(ddl, List.of("t_zlib"), 100, 20);
        exec(ddl, "ALTER TABLE t_zlib ADD INDEX v_idx(v), ALGORITHM=INPLACE",
                "ALTER TABLE t_zlib ADD COLUMN extra INT DEFAULT 7, ALGORITHM=COPY");
        // ddl_undo
        exec(ddl, "CREATE UNDO TABLESPACE undo_005 ADD DATAFILE 'undo_005.ibu'");
    }

    @Test
    @DisplayName("ddl (all files): every DDL ran while the clone was still in FILE COPY")
    void ddlRanDuringFileCopy() {
        assertEquals("[[FILE COPY]]", stageAfterDdl);
    }

    @Test
    @DisplayName("ddl_basic: a table created during the clone is on the clone with its rows, a dropped one is gone")
    void createAndDrop() throws Exception {
        assertSameTables(donor, clone, "t_created");
        assertTrue(!testTables(clone).contains(List.of("t_dropped")), "t_dropped must be gone");
    }

    @Test
    @DisplayName("ddl_alter_copy: ADD COLUMN and ADD INDEX with ALGORITHM=COPY during the clone are on the clone")
    void alterCopy() throws Exception {
        assertSameTables(donor, clone, "t_copy");
    }

    @Test
    @DisplayName("ddl_alter_inplace: ADD INDEX, ADD COLUMN, DROP COLUMN with ALGORITHM=INPLACE during the clone are on the clone")
    void alterInplace() throws Exception {
        assertSameTables(donor, clone, "t_inplace");
    }

    @Test
    @DisplayName("ddl_truncate, ddl_truncate_same: tables truncated (once, and three times) during the clone hold only the later rows")
    void truncate() throws Exception {
        assertSameTables(donor, clone, "t_trunc", "t_trunc_same");
        try (Connection c = clone.connect()) {
            assertEquals(table("5\t100\t104"), rows(c, "SELECT count(*), min(k), max(k) FROM test.t_trunc"));
            assertEquals(table("1\t202"), rows(c, "SELECT count(*), min(k) FROM test.t_trunc_same"));
        }
    }

    @Test
    @DisplayName("ddl_rename: tables renamed during the clone are on the clone under their new names only")
    void rename() throws Exception {
        assertSameTables(donor, clone, "t_renamed", "t_alter_renamed");
        List<List<String>> names = testTables(clone);
        assertTrue(!names.contains(List.of("t_rename")) && !names.contains(List.of("t_alter_rename")), names.toString());
    }

    @Test
    @DisplayName("ddl_compress: a page-compressed table altered and written during the clone is on the clone, compressed")
    void pageCompressed() throws Exception {
        assertSameTables(donor, clone, "t_zlib");
        try (Connection c = clone.connect()) {
            assertEquals(table("60"), rows(c, "SELECT count(*) FROM test.t_zlib"));
        }
    }

    @Test
    @DisplayName("ddl_undo: an undo tablespace created during the clone is active on the clone")
    void undoTablespace() throws Exception {
        try (Connection c = clone.connect()) {
            assertEquals(table("undo_005\tUndo\tactive"), rows(c, "SELECT NAME, SPACE_TYPE, STATE"
                    + " FROM INFORMATION_SCHEMA.INNODB_TABLESPACES WHERE NAME = 'undo_005'"));
        }
    }

    @Test
    @DisplayName("ddl_dml, ddl_mix: DML beside the DDL leaves the clone with the donor's rows and tables")
    void dmlBesideDdl() throws Exception {
        assertSameTables(donor, clone, "t_dml");
        try (Connection d = donor.connect()) {
            assertEquals(rows(d, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'test'"
                    + " ORDER BY TABLE_NAME"), testTables(clone));
        }
    }
}
