package org.jclone.it.conformance;

import static org.jclone.it.conformance.SuiteSteps.PROGRESS;
import static org.jclone.it.conformance.SuiteSteps.PROGRESS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.STATUS;
import static org.jclone.it.conformance.SuiteSteps.STATUS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.awaitFileCopy;
import static org.jclone.it.conformance.SuiteSteps.exec;
import static org.jclone.it.conformance.SuiteSteps.rows;
import static org.jclone.it.conformance.SuiteSteps.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
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
 * MySQL's local_features: a COMPRESSED-row table and a table in a general tablespace, cloned
 * once with every dirty page flushed first (the suite's innodb_buf_flush_list_now is debug-only;
 * innodb_max_dirty_pages_pct = 0 gets a release build there) and once with updates committed
 * while a bandwidth limit keeps the clone in FILE COPY (the suite's first sync point).
 */
@ExtendWith(MysqlServerExtension.class)
class LocalFeaturesConformanceTest {

    private static final List<String> TABLES = List.of("test.t1", "test.t2");

    private static MysqlServer donor;

    @BeforeAll
    static void start(ServerFactory servers) throws Exception {
        donor = servers.mysql8("features").withPlugin(true).start();
        try (Connection c = donor.connect()) {
            exec(c, "INSTALL PLUGIN clone SONAME 'mysql_clone.so'", "CREATE DATABASE test",
                    "CREATE TABLESPACE tbs1 ADD DATAFILE 'tbs1_data1.ibd'");
            DmlWorkload.createTable(c, TABLES.get(0), "ROW_FORMAT = COMPRESSED");
            DmlWorkload.createTable(c, TABLES.get(1), "TABLESPACE = tbs1");
            DmlWorkload.load(c, TABLES, 0, 200);
        }
    }

    @Test
    @DisplayName("local_features: 1, with every dirty page flushed, the compressed and general-tablespace tables start on the clone")
    void cloneAfterFlush(ServerFactory servers) throws Exception {
        Path target = CloneOps.newTarget(donor, "local_features_flushed");
        try (Connection c = donor.connect()) {
            exec(c, "SET GLOBAL innodb_max_dirty_pages_pct_lwm = 0", "SET GLOBAL innodb_max_dirty_pages_pct = 0");
            try {
                awaitNoDirtyPages(c);
            } finally {
                exec(c, "SET GLOBAL innodb_max_dirty_pages_pct = DEFAULT",
                        "SET GLOBAL innodb_max_dirty_pages_pct_lwm = DEFAULT");
            }
            SuiteSteps.cloneLocal(c, target);
            assertEquals(STATUS_COMPLETED, rows(c, STATUS));
            assertEquals(PROGRESS_COMPLETED, rows(c, PROGRESS));
        }
        assertClone(servers, "features-flushed", target);
    }

    @Test
    @DisplayName("local_features: 2, updates committed during FILE COPY are on the compressed and general-tablespace tables of the clone")
    void cloneWithUpdatesDuringFileCopy(ServerFactory servers) throws Exception {
        Path target = CloneOps.newTarget(donor, "local_features_updated");
        try (Connection c = donor.connect(); Connection writer = donor.connect()) {
            exec(c, "SET GLOBAL clone_max_data_bandwidth = 16");
            CompletableFuture<Void> clone = CompletableFuture.runAsync(() -> {
                try {
                    SuiteSteps.cloneLocal(c, target);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                awaitFileCopy(writer);
                exec(writer, "START TRANSACTION");
                for (String t : TABLES) {
                    exec(writer, "UPDATE " + t + " SET v = v + 5 WHERE k % 2 = 0");
                }
                exec(writer, "COMMIT");
                assertTrue(!clone.isDone(), "the updates must commit while the clone copies files");
                clone.get(120, TimeUnit.SECONDS);
            } finally {
                exec(c, "SET GLOBAL clone_max_data_bandwidth = 0");
            }
            assertEquals(STATUS_COMPLETED, rows(c, STATUS));
        }
        assertClone(servers, "features-updated", target);
    }

    /** The clone shows what the donor shows, checks clean, and takes a full reload. */
    private static void assertClone(ServerFactory servers, String name, Path target) throws Exception {
        MysqlServer clone = CloneOps.startClone(servers, name, target);
        try (Connection d = donor.connect(); Connection c = clone.connect()) {
            for (String t : TABLES) {
                assertEquals(rows(d, "SHOW CREATE TABLE " + t), rows(c, "SHOW CREATE TABLE " + t), t);
                assertEquals(rows(d, "CHECKSUM TABLE " + t), rows(c, "CHECKSUM TABLE " + t), t);
                assertEquals(table("200"), rows(c, "SELECT count(*) FROM " + t), t);
                assertEquals(List.of(t, "check", "status", "OK"), rows(c, "CHECK TABLE " + t).get(0));
                exec(c, "DELETE FROM " + t);
            }
            DmlWorkload.load(c, TABLES, 0, 200);
            for (String t : TABLES) {
                assertEquals(table("200\t200"), rows(c, "SELECT count(*), sum(v = k * 10) FROM " + t), t);
            }
        } finally {
            clone.stop();
        }
    }

    private static void awaitNoDirtyPages(Connection c) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String query = "SELECT VARIABLE_VALUE FROM performance_schema.global_status"
                + " WHERE VARIABLE_NAME = 'Innodb_buffer_pool_pages_dirty'";
        while (!rows(c, query).equals(table("0"))) {
            assertTrue(System.nanoTime() < deadline, "InnoDB never flushed every dirty page");
            Thread.sleep(50);
        }
    }
}
