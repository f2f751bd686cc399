package org.jclone.it.conformance;

import static org.jclone.it.conformance.SuiteSteps.STATUS;
import static org.jclone.it.conformance.SuiteSteps.STATUS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.awaitFileCopy;
import static org.jclone.it.conformance.SuiteSteps.exec;
import static org.jclone.it.conformance.SuiteSteps.rows;
import static org.jclone.it.conformance.SuiteSteps.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
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
 * MySQL's local_stage_sys: local_stage on a server whose system tablespace is three files, with
 * innodb_file_per_table off so that the tables live in it (the suite's options for the file). The
 * donor's data directory is initialized with that layout and every server on it or on its clone
 * starts with it. As in LocalTransactionsConformanceTest's local_stage, the changes are committed
 * while a bandwidth limit keeps the clone in FILE COPY, and flushed there (innodb_max_dirty_pages_pct
 * = 0 instead of the debug-only innodb_buf_flush_list_now); the suite's second round, during PAGE
 * COPY, needs a sync point.
 */
@ExtendWith(MysqlServerExtension.class)
class LocalStageSysConformanceTest {

    /** The suite's system tablespace: two fixed files and a last one that grows. */
    static final String DATA_FILE_PATH = "ibdata1:12M;ibdata2:4M;ibdata3:4M:autoextend";
    private static final long MIB = 1L << 20;
    private static final List<String> TABLES = List.of("test.t1", "test.t2");

    private static MysqlServer donor;

    @BeforeAll
    static void startDonor(ServerFactory servers) throws Exception {
        donor = withLayout(SuiteSteps.server(servers, "stage-sys"), true).start();
        donor.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'", "CREATE DATABASE test");
    }

    /** The layout options: for initializing the data directory too, or (on a clone) for the start only. */
    private static MysqlServer.Builder withLayout(MysqlServer.Builder builder, boolean initialize) {
        return initialize
                ? builder.initializeWith("innodb_data_file_path", DATA_FILE_PATH)
                        .initializeWith("innodb_file_per_table", "OFF")
                : builder.option("innodb_data_file_path", DATA_FILE_PATH).option("innodb_file_per_table", "OFF");
    }

    @Test
    @DisplayName("local_stage_sys: the donor's system tablespace is ibdata1 (12M), ibdata2 (4M) and ibdata3 (4M, autoextend)")
    void donorHasAMultiFileSystemTablespace() throws Exception {
        try (Connection c = donor.connect()) {
            assertEquals(table(DATA_FILE_PATH + "\t0"), rows(c, "SELECT @@innodb_data_file_path, @@innodb_file_per_table"));
            assertEquals(table("./ibdata1\tinnodb_system", "./ibdata2\tinnodb_system", "./ibdata3\tinnodb_system"),
                    rows(c, "SELECT FILE_NAME, TABLESPACE_NAME FROM information_schema.FILES"
                            + " WHERE TABLESPACE_NAME = 'innodb_system' ORDER BY FILE_NAME"));
        }
        assertEquals(12 * MIB, Files.size(donor.dataDir().resolve("ibdata1")));
        assertEquals(4 * MIB, Files.size(donor.dataDir().resolve("ibdata2")));
        assertTrue(Files.size(donor.dataDir().resolve("ibdata3")) >= 4 * MIB);
        assertFalse(Files.exists(donor.dataDir().resolve("ibdata4")));
    }

    @Test
    @DisplayName("local_stage_sys: rows updated and deleted and committed during FILE COPY in tables of the three-file system tablespace are on the started clone, which has the three files")
    void changesInTheSystemTablespaceDuringFileCopy(ServerFactory servers) throws Exception {
        Path target = CloneOps.newTarget(donor, "local_stage_sys");
        Path ibdata3 = donor.dataDir().resolve("ibdata3");
        long lastFileBefore;
        try (Connection c = donor.connect(); Connection writer = donor.connect()) {
            for (String t : TABLES) {
                DmlWorkload.createTable(c, t, "");
            }
            // 2 x 400 rows of 30 KB: more than ibdata1 and ibdata2 hold, so the tables reach ibdata3.
            for (int from = 0; from < 400; from += 100) {
                DmlWorkload.load(c, TABLES, from, 100);
            }
            assertEquals(table("t1\t0", "t2\t0"), rows(c, "SELECT substring_index(NAME, '/', -1), SPACE"
                    + " FROM information_schema.INNODB_TABLES WHERE NAME LIKE 'test/%' ORDER BY NAME"),
                    "the tables are in the system tablespace");
            lastFileBefore = Files.size(ibdata3);
            // The file grows 64M at a time (innodb_autoextend_increment) once ibdata1 and ibdata2 are full.
            assertTrue(lastFileBefore > 8 * MIB, "the tables must fill ibdata3 beyond its 4M: " + lastFileBefore);
            // The load's pages are written first, so that the flush during FILE COPY writes the changes alone.
            flushDirtyPages(c);
            exec(c, "SET GLOBAL clone_max_data_bandwidth = 16");
            CompletableFuture<Void> clone = CompletableFuture.runAsync(() -> {
                try {
                    SuiteSteps.cloneLocal(c, target);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitFileCopy(writer);
            long fileCopy = System.nanoTime();
            exec(writer, "START TRANSACTION");
            for (String t : TABLES) {
                exec(writer, "UPDATE " + t + " SET v = v + 1, label = concat('updated ', k) WHERE k % 3 = 0",
                        "DELETE FROM " + t + " WHERE k % 7 = 0");
            }
            exec(writer, "COMMIT");
            flushDirtyPages(writer);
            assertFalse(clone.isDone(), "the changes must be committed and flushed while the clone copies files ("
                    + (System.nanoTime() - fileCopy) / 1_000_000 + " ms after FILE COPY began)");
            clone.get(180, TimeUnit.SECONDS);
            exec(c, "SET GLOBAL clone_max_data_bandwidth = 0");
            assertEquals(STATUS_COMPLETED, rows(c, STATUS));
        }
        long lastFileAfter = Files.size(ibdata3);

        assertEquals(12 * MIB, Files.size(target.resolve("ibdata1")));
        assertEquals(4 * MIB, Files.size(target.resolve("ibdata2")));
        long cloned = Files.size(target.resolve("ibdata3"));
        assertTrue(cloned >= lastFileBefore && cloned <= lastFileAfter,
                "the clone's ibdata3 (" + cloned + " bytes) is the donor's at some point of the clone ("
                        + lastFileBefore + " to " + lastFileAfter + ")");
        assertFalse(Files.exists(target.resolve("ibdata4")));

        MysqlServer clone = withLayout(SuiteSteps.server(servers, "stage-sys-clone"), false)
                .dataDir(target).startTimeout(Duration.ofSeconds(120)).start();
        assertEquals(DATA_FILE_PATH, clone.scalar("SELECT @@innodb_data_file_path"));
        SuiteSteps.assertSameTables(donor, clone, "t1", "t2");
        try (Connection c = clone.connect()) {
            for (String t : TABLES) {
                // 400 keys less the 58 multiples of 7; of the others, the multiples of 3 updated.
                assertEquals(table("342\t114\t342"), rows(c, "SELECT count(*), sum(label = concat('updated ', k)),"
                        + " sum(v = k * 10 + (k % 3 = 0)) FROM " + t), t);
                exec(c, "DELETE FROM " + t);
            }
            DmlWorkload.load(c, TABLES, 0, 100);
            for (String t : TABLES) {
                assertEquals(table("100\t100"), rows(c, "SELECT count(*), sum(v = k * 10) FROM " + t), t);
            }
        }
    }

    /** Every dirty page written, at the page cleaners' highest rate (the default rate takes seconds for the load). */
    private static void flushDirtyPages(Connection c) throws Exception {
        exec(c, "SET GLOBAL innodb_io_capacity = @@innodb_io_capacity_max",
                "SET GLOBAL innodb_max_dirty_pages_pct_lwm = 0", "SET GLOBAL innodb_max_dirty_pages_pct = 0");
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String query = "SELECT VARIABLE_VALUE FROM performance_schema.global_status"
                    + " WHERE VARIABLE_NAME = 'Innodb_buffer_pool_pages_dirty'";
            while (!rows(c, query).equals(table("0"))) {
                assertTrue(System.nanoTime() < deadline, "InnoDB never flushed every dirty page");
                Thread.sleep(50);
            }
        } finally {
            exec(c, "SET GLOBAL innodb_max_dirty_pages_pct = DEFAULT",
                    "SET GLOBAL innodb_max_dirty_pages_pct_lwm = DEFAULT", "SET GLOBAL innodb_io_capacity = DEFAULT");
        }
    }
}
