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
 * MySQL's local_xa and local_file_extend: transactions that are open while the clone runs. A
 * prepared XA transaction comes to the clone prepared, to be committed there; rows inserted
 * without commit while FILE COPY runs (files growing under the clone) are rolled back on the
 * clone. The suite times both with sync points; here the XA transaction is prepared before the
 * clone starts, and a bandwidth limit keeps FILE COPY running while the inserts happen.
 */
@ExtendWith(MysqlServerExtension.class)
class LocalTransactionsConformanceTest {

    private static MysqlServer donor;

    @BeforeAll
    static void startDonor(ServerFactory servers) throws Exception {
        donor = servers.mysql8("transactions").withPlugin(true).start();
        donor.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'", "CREATE DATABASE test");
    }

    @Test
    @DisplayName("local_xa: an XA transaction prepared during the clone is recovered prepared on the clone and commits there")
    void preparedXaTransaction(ServerFactory servers) throws Exception {
        Path target = CloneOps.newTarget(donor, "local_xa");
        try (Connection c = donor.connect(); Connection xa = donor.connect()) {
            exec(c, "USE test");
            DmlWorkload.createTable(c, "t_xa", "");
            DmlWorkload.load(c, List.of("t_xa"), 0, 10);
            exec(xa, "XA START 'xa_trx_1'", "UPDATE test.t_xa SET v = 100", "XA END 'xa_trx_1'",
                    "XA PREPARE 'xa_trx_1'");
            SuiteSteps.cloneLocal(c, target);
            assertEquals(STATUS_COMPLETED, rows(c, STATUS));
            exec(xa, "XA COMMIT 'xa_trx_1'");
            assertEquals(table("10\t10"), rows(c, "SELECT count(*), sum(v = 100) FROM t_xa"));
        }
        MysqlServer clone = CloneOps.startClone(servers, "xa-clone", target);
        try (Connection c = clone.connect()) {
            exec(c, "USE test");
            assertEquals(table("10\t10"), rows(c, "SELECT count(*), sum(v = k * 10) FROM t_xa"));
            assertEquals(table("1\t8\t0\txa_trx_1"), rows(c, "XA RECOVER"));
            exec(c, "XA COMMIT 'xa_trx_1'");
            assertEquals(table("10\t10"), rows(c, "SELECT count(*), sum(v = 100) FROM t_xa"));
            assertEquals(List.of(), rows(c, "XA RECOVER"));
            exec(c, "DELETE FROM t_xa");
            DmlWorkload.load(c, List.of("t_xa"), 0, 10);
            assertEquals(table("10\t10"), rows(c, "SELECT count(*), sum(v = k * 10) FROM t_xa"));
        }
    }

    @Test
    @DisplayName("local_file_extend: 1, files extended by uncommitted inserts during FILE COPY are rolled back on the clone")
    void filesExtendedDuringFileCopy(ServerFactory servers) throws Exception {
        List<String> tables = List.of("test.t_ext1", "test.t_ext2");
        Path target = CloneOps.newTarget(donor, "local_file_extend");
        try (Connection c = donor.connect(); Connection inserter = donor.connect()) {
            exec(c, "CREATE TABLESPACE tbs1 ADD DATAFILE 'tbs1_data1.ibd'");
            DmlWorkload.createTable(c, tables.get(0), "ROW_FORMAT = COMPRESSED");
            DmlWorkload.createTable(c, tables.get(1), "TABLESPACE = tbs1");
            DmlWorkload.load(c, tables, 0, 20);
            exec(c, "SET GLOBAL clone_max_data_bandwidth = 16");
            CompletableFuture<Void> clone = CompletableFuture.runAsync(() -> {
                try {
                    SuiteSteps.cloneLocal(c, target);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitFileCopy(inserter);
            exec(inserter, "START TRANSACTION");
            DmlWorkload.load(inserter, tables, 50, 100);
            assertTrue(!clone.isDone(), "the inserts must happen while the clone copies files");
            clone.get(120, TimeUnit.SECONDS);
            exec(inserter, "ROLLBACK");
            exec(c, "SET GLOBAL clone_max_data_bandwidth = 0");
            assertEquals(STATUS_COMPLETED, rows(c, STATUS));
            assertEquals(PROGRESS_COMPLETED, rows(c, PROGRESS));
        }
        MysqlServer clone = CloneOps.startClone(servers, "extend-clone", target);
        try (Connection c = clone.connect()) {
            for (String t : tables) {
                assertEquals(table("20\t0\t19\t20"), rows(c, "SELECT count(*), min(k), max(k),"
                        + " sum(v = k * 10 AND label = concat('row ', k)) FROM " + t), t);
                assertEquals(List.of(t, "check", "status", "OK"), rows(c, "CHECK TABLE " + t).get(0));
                exec(c, "DELETE FROM " + t);
            }
            DmlWorkload.load(c, tables, 0, 10);
            for (String t : tables) {
                assertEquals(table("10\t10"), rows(c, "SELECT count(*), sum(v = k * 10) FROM " + t), t);
            }
        }
    }

    @Test
    @DisplayName("local_insert, local_stage: rows inserted and updated and committed during FILE COPY are on the started clone")
    void committedChangesDuringFileCopy(ServerFactory servers) throws Exception {
        List<String> counters = List.of("test.t_ins1", "test.t_ins2", "test.t_ins3");
        Path target = CloneOps.newTarget(donor, "local_insert");
        try (Connection c = donor.connect(); Connection writer = donor.connect()) {
            for (String t : counters) {
                exec(c, "CREATE TABLE " + t + " (a INT NOT NULL PRIMARY KEY AUTO_INCREMENT, b LONGBLOB, c LONGBLOB)");
            }
            DmlWorkload.createTable(c, "test.t_stage", "");
            DmlWorkload.load(c, List.of("test.t_stage"), 0, 100);
            exec(c, "SET GLOBAL clone_max_data_bandwidth = 16");
            CompletableFuture<Void> clone = CompletableFuture.runAsync(() -> {
                try {
                    SuiteSteps.cloneLocal(c, target);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitFileCopy(writer);
            // One commit for the inserts: the point is when they commit, not how many fsyncs they take.
            exec(writer, "START TRANSACTION");
            for (int i = 1; i < 100; i++) {
                for (String t : counters) {
                    exec(writer, "INSERT INTO " + t + " (b, c) VALUES (REPEAT('b', 600), REPEAT('c', 600))");
                }
            }
            exec(writer, "COMMIT", "START TRANSACTION", "UPDATE test.t_stage SET v = v + 1 WHERE k % 3 = 0",
                    "DELETE FROM test.t_stage WHERE k % 7 = 0", "COMMIT");
            assertTrue(!clone.isDone(), "the changes must be committed while the clone copies files");
            clone.get(120, TimeUnit.SECONDS);
            exec(c, "SET GLOBAL clone_max_data_bandwidth = 0");
            assertEquals(STATUS_COMPLETED, rows(c, STATUS));
        }
        MysqlServer clone = CloneOps.startClone(servers, "insert-clone", target);
        try (Connection d = donor.connect(); Connection c = clone.connect()) {
            for (String t : counters) {
                assertEquals(table("99"), rows(c, "SELECT count(*) FROM " + t), t);
                assertEquals(rows(d, "CHECKSUM TABLE " + t), rows(c, "CHECKSUM TABLE " + t), t);
            }
            assertEquals(rows(d, "CHECKSUM TABLE test.t_stage"), rows(c, "CHECKSUM TABLE test.t_stage"));
            assertEquals(table("85"), rows(c, "SELECT count(*) FROM test.t_stage"));
        }
    }
}
