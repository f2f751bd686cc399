package org.jclone.it.conformance;

import static org.jclone.it.conformance.SuiteSteps.PROGRESS;
import static org.jclone.it.conformance.SuiteSteps.PROGRESS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.STATUS;
import static org.jclone.it.conformance.SuiteSteps.STATUS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.awaitFileCopy;
import static org.jclone.it.conformance.SuiteSteps.cloneLocalFails;
import static org.jclone.it.conformance.SuiteSteps.exec;
import static org.jclone.it.conformance.SuiteSteps.fails;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MySQL's error_ddl_lock with clone_block_ddl = ON (8.0.31's default lets DDL run beside a
 * clone). "Clone while DDL in progress": the suite parks the DDL at a sync point; here the DDL
 * waits for a table lock an open transaction holds, already holding the backup lock, and the
 * clone gives up after clone_ddl_timeout = 1. "DDL while clone in progress": a bandwidth limit
 * keeps the clone copying while DDL with lock_wait_timeout = 1 is refused.
 */
@ExtendWith(MysqlServerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ErrorDdlLockConformanceTest {

    private static final String TIMEOUT = "Lock wait timeout exceeded; try restarting transaction";
    private static final List<List<String>> FAILED_WAITING_FOR_LOCK = table("1\tDROP DATA\tFailed",
            "1\tFILE COPY\tNot Started", "1\tPAGE COPY\tNot Started", "1\tREDO COPY\tNot Started",
            "1\tFILE SYNC\tNot Started", "1\tRESTART\tNot Started", "1\tRECOVERY\tNot Started");

    private static MysqlServer server;

    @BeforeAll
    static void start(ServerFactory servers) throws Exception {
        server = servers.mysql8("ddl-lock").withPlugin(true).start();
        try (Connection c = server.connect()) {
            exec(c, "INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
            assertEquals(table("clone_ddl_timeout\t300"), rows(c, "SHOW VARIABLES LIKE 'clone_ddl_timeout'"));
            exec(c, "SET GLOBAL clone_ddl_timeout = 1", "SET GLOBAL clone_block_ddl = ON",
                    "CREATE DATABASE test", "CREATE TABLE test.t1 (col1 INT PRIMARY KEY)",
                    "INSERT INTO test.t1 VALUES (10), (20), (30)");
            assertEquals(table("clone_ddl_timeout\t1"), rows(c, "SHOW VARIABLES LIKE 'clone_ddl_timeout'"));
        }
    }

    @Test
    @Order(1)
    @DisplayName("error_ddl_lock: 2A, clone while ALTER TABLE ADD COLUMN [COPY] is in progress fails on the lock wait timeout (1205; remote: 3862 with it)")
    void cloneWhileAlterCopy() throws Exception {
        cloneWhileDdlInProgress("ALTER TABLE test.t1 ADD COLUMN col2 int, ALGORITHM=COPY");
        assertEquals(table("10\tNULL", "20\tNULL", "30\tNULL"), server.query("SELECT * FROM test.t1 ORDER BY col1")
                .stream().map(r -> r.stream().map(v -> v == null ? "NULL" : v).toList()).toList());
        server.execute("UPDATE test.t1 SET col2 = col1 + 1000");
    }

    @Test
    @Order(2)
    @DisplayName("error_ddl_lock: 2C, clone while ALTER TABLE ADD COLUMN [INPLACE] is in progress fails on the lock wait timeout (1205; remote: 3862 with it)")
    void cloneWhileAlterInplace() throws Exception {
        cloneWhileDdlInProgress("ALTER TABLE test.t1 ADD COLUMN col3 int, ALGORITHM=INPLACE");
        server.execute("UPDATE test.t1 SET col3 = col2 + 1000");
        assertEquals(table("10\t1010\t2010", "20\t1020\t2020", "30\t1030\t2030"),
                server.query("SELECT * FROM test.t1 ORDER BY col1"));
    }

    @Test
    @Order(3)
    @DisplayName("error_ddl_lock: 3A, clone while ALTER TABLE ADD INDEX [COPY] is in progress fails on the lock wait timeout (1205; remote: 3862 with it)")
    void cloneWhileAddIndex() throws Exception {
        cloneWhileDdlInProgress("ALTER TABLE test.t1 ADD INDEX col2_idx(col2), ALGORITHM=COPY");
        assertEquals(table("col2_idx"), server.query("SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS"
                + " WHERE TABLE_SCHEMA = 'test' AND TABLE_NAME = 't1' AND INDEX_NAME <> 'PRIMARY'"));
    }

    @Test
    @Order(4)
    @DisplayName("error_ddl_lock: 1B, 2B, 5A, 6A, CREATE, ALTER, TRUNCATE and DROP TABLE while a clone runs fail with 1205")
    void ddlWhileCloneInProgress() throws Exception {
        Path target = CloneOps.newTarget(server, "error_ddl_lock");
        try (Connection c = server.connect(); Connection ddl = server.connect()) {
            // Slow enough that four DDL statements, one second each, all meet the running clone.
            exec(c, "SET GLOBAL clone_max_data_bandwidth = 8");
            CompletableFuture<Void> clone = CompletableFuture.runAsync(() -> {
                try {
                    SuiteSteps.cloneLocal(c, target);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitFileCopy(ddl);
            exec(ddl, "SET SESSION lock_wait_timeout = 1");
            for (String statement : List.of("CREATE TABLE test.t2 (col1 INT PRIMARY KEY)",
                    "ALTER TABLE test.t1 ADD COLUMN col4 int, ALGORITHM=COPY", "TRUNCATE TABLE test.t1",
                    "DROP TABLE test.t1")) {
                fails(ddl, statement, 1205, TIMEOUT);
            }
            assertTrue(!clone.isDone(), "the clone must still run: the DDL was refused for its lock");
            clone.get(120, TimeUnit.SECONDS);
            exec(c, "SET GLOBAL clone_max_data_bandwidth = 0");
            assertEquals(STATUS_COMPLETED, rows(c, STATUS));
            assertEquals(PROGRESS_COMPLETED, rows(c, PROGRESS));
        }
        assertEquals(table("10\t1010\t2010", "20\t1020\t2020", "30\t1030\t2030"),
                server.query("SELECT * FROM test.t1 ORDER BY col1"));
    }

    /** Parks the DDL behind an open transaction's table lock, then runs the clone against it. */
    private static void cloneWhileDdlInProgress(String ddl) throws Exception {
        try (Connection holder = server.connect(); Connection c = server.connect()) {
            exec(holder, "BEGIN", "SELECT * FROM test.t1");
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
                try (Connection d = server.connect()) {
                    exec(d, "SET SESSION lock_wait_timeout = 60", ddl);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitMetadataLockWait(c, ddl);
            Path target = CloneOps.newTarget(server, "error_ddl_lock");
            if (SuiteSteps.remote()) {
                // remote_error_ddl_lock: the donor's timeout, passed on as a donor error.
                cloneLocalFails(c, target.toString(), 3862, "Clone Donor Error: 1205 : " + TIMEOUT + ".");
                assertEquals(table("1\tFailed\t3862"), rows(c, STATUS));
            } else {
                cloneLocalFails(c, target.toString(), 1205, TIMEOUT);
                assertEquals(table("1\tFailed\t1205"), rows(c, STATUS));
            }
            assertEquals(FAILED_WAITING_FOR_LOCK, rows(c, PROGRESS));
            exec(holder, "COMMIT");
            waiting.get(60, TimeUnit.SECONDS);
        }
    }

    private static void awaitMetadataLockWait(Connection c, String ddl) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String query = "SELECT count(*) FROM information_schema.PROCESSLIST WHERE INFO = '" + ddl.replace("'", "''")
                + "' AND STATE = 'Waiting for table metadata lock'";
        while (!rows(c, query).equals(table("1"))) {
            assertTrue(System.nanoTime() < deadline, "the DDL never waited for the table lock: " + ddl);
            Thread.sleep(20);
        }
    }
}
