package org.jclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.support.BackgroundClone;
import org.jclone.it.support.CloneOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** clone_block_ddl: the clone holds the backup lock, so concurrent DDL waits. */
@ExtendWith(MysqlServerExtension.class)
class CloneBlockDdlTest {

    @Test
    void ddlWaitsForABlockingCloneAndRunsAfterIt(ServerFactory servers) throws Exception {
        MysqlServer donor = servers.mysql8("donor").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so").start();
        donor.execute("CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY)",
                "SET GLOBAL clone_block_ddl = ON", "SET GLOBAL clone_max_data_bandwidth = 10");
        Path target = CloneOps.newTarget(donor, "blocking");

        try (BackgroundClone clone = BackgroundClone.start(donor, target);
                Connection ddl = donor.connect(); Statement statement = ddl.createStatement()) {
            awaitCopying(donor);
            statement.execute("SET SESSION lock_wait_timeout = 1");
            SQLException blocked = assertThrows(SQLException.class,
                    () -> statement.execute("CREATE TABLE app.during (id INT PRIMARY KEY)"));
            assertEquals(1205, blocked.getErrorCode(), blocked.getMessage()); // ER_LOCK_WAIT_TIMEOUT
            statement.execute("INSERT INTO app.t VALUES (1)"); // DML is not blocked

            donor.execute("SET GLOBAL clone_max_data_bandwidth = 0");
            assertNull(clone.await(Duration.ofSeconds(60)), "the blocking clone succeeds");
            statement.execute("CREATE TABLE app.after (id INT PRIMARY KEY)");
        }
        assertTrue(Files.isDirectory(target.resolve("app")));
    }

    @Test
    void aCloneThatCannotGetTheLockWithinTheTimeoutFails(ServerFactory servers) throws Exception {
        MysqlServer donor = servers.mysql8("donor").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so").start();
        donor.execute("CREATE DATABASE app", "SET GLOBAL clone_block_ddl = ON", "SET GLOBAL clone_ddl_timeout = 1");
        Path target = CloneOps.newTarget(donor, "timeout");

        // A DDL statement holds the backup lock (intention exclusive) while it runs, here until killed.
        CompletableFuture<SQLException> slowDdl = CompletableFuture.supplyAsync(() -> {
            try {
                donor.execute("CREATE TABLE app.slow AS SELECT SLEEP(600) AS s");
                return null;
            } catch (SQLException e) {
                return e;
            }
        });
        awaitProcess(donor, "CREATE TABLE app.slow%");
        SQLException timedOut = assertThrows(SQLException.class, () -> donor.execute(CloneOps.cloneSql(target)));

        assertEquals(1205, timedOut.getErrorCode(), timedOut.getMessage()); // ER_LOCK_WAIT_TIMEOUT
        // The clone gave up after clone_ddl_timeout: the DDL it waited for is still running.
        assertEquals("1", donor.scalar("SELECT COUNT(*) FROM INFORMATION_SCHEMA.PROCESSLIST "
                + "WHERE INFO LIKE 'CREATE TABLE app.slow%'"), "the clone waited for the DDL to end");
        assertTrue(Files.notExists(target), "nothing created");
        donor.execute("KILL QUERY " + donor.scalar("SELECT ID FROM INFORMATION_SCHEMA.PROCESSLIST "
                + "WHERE INFO LIKE 'CREATE TABLE app.slow%'"));
        // A killed SLEEP() returns early and the statement completes, releasing the backup lock.
        assertNull(slowDdl.get(30, TimeUnit.SECONDS), "the DDL completes once its SLEEP is killed");
        donor.execute(CloneOps.cloneSql(target));
        assertTrue(Files.isRegularFile(target.resolve("app").resolve("slow.ibd")), "the next clone works");
    }

    private static void awaitProcess(MysqlServer donor, String pattern) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"1".equals(donor.scalar("SELECT COUNT(*) > 0 FROM INFORMATION_SCHEMA.PROCESSLIST WHERE INFO LIKE '"
                + pattern + "' AND STATE = 'User sleep'"))) {
            assertTrue(System.nanoTime() < deadline, "the DDL did not start");
            Thread.sleep(50);
        }
    }

    private static void awaitCopying(MysqlServer donor) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!donor.errorLogText().contains("Clone stage FILE COPY begins")) {
            assertTrue(System.nanoTime() < deadline, "the clone did not start copying");
            Thread.sleep(50);
        }
    }
}
