package org.jclone.it;

import static org.jclone.it.support.MysqldProc.pidOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The harness as mysqld's supervisor (what mysqld_safe or systemd are elsewhere; the 8.0.31
 * tarball has no mysqld_safe): RESTART, and a remote clone into the live data directory, make
 * mysqld exit with code 16 and rely on its parent to start it again.
 */
@ExtendWith(MysqlServerExtension.class)
class SupervisorTest {

    private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(90);
    private static final String UPTIME =
            "SELECT VARIABLE_VALUE FROM performance_schema.global_status WHERE VARIABLE_NAME = 'Uptime'";
    // When this mysqld process started, in whole seconds of its own clock.
    private static final String STARTED_AT = "SELECT UNIX_TIMESTAMP() - CAST((" + UPTIME + ") AS SIGNED)";

    @Test
    void restartsMysqldThatAsksForIt(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("supervised").supervised().option("max_connections", "77").start();
        server.execute(
                "CREATE DATABASE sup",
                "CREATE TABLE sup.t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB",
                "INSERT INTO sup.t VALUES (1, 'kept'), (2, 'too')");
        String uuid = server.scalar("SELECT @@server_uuid");
        int port = server.port();
        awaitUptimeOf(server, 3); // so that the restarted process provably started later
        long startedBefore = Long.parseLong(server.scalar(STARTED_AT));
        String pidBefore = pidOf(server);

        try (Connection old = server.connect()) {
            old.createStatement().execute("RESTART"); // mysqld answers OK, then exits with code 16
            server.awaitRestart(RESTART_TIMEOUT);
            assertFalse(old.isValid(5), "the connection to the old process is gone");
        }

        assertEquals(1, server.restartCount());
        assertTrue(server.isRunning());
        assertEquals(port, server.port(), "same port");
        assertEquals(Integer.toString(port), server.scalar("SELECT @@port"));
        assertEquals("77", server.scalar("SELECT @@max_connections"), "same options");
        assertEquals(uuid, server.scalar("SELECT @@server_uuid"), "same data directory");
        assertEquals(List.of(List.of("1", "kept"), List.of("2", "too")), server.query("SELECT id, v FROM sup.t ORDER BY id"));
        assertNotEquals(pidBefore, pidOf(server), "a new mysqld process");
        assertTrue(Long.parseLong(server.scalar(STARTED_AT)) > startedBefore, "uptime was reset");

        server.execute("RESTART");
        server.awaitRestart(RESTART_TIMEOUT);
        assertEquals(2, server.restartCount(), "every restart is counted");
        assertEquals("2", server.scalar("SELECT COUNT(*) FROM sup.t"));

        server.stop();
        assertFalse(server.isRunning(), "a stop() is not taken for a restart request");
        assertEquals(2, server.restartCount());
        assertEquals(3, count(server.errorLogText(), "ready for connections"));
    }

    @Test
    void unsupervisedServerRefusesRestart(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("unsupervised").supervised(false).start();

        SQLException e = assertThrows(SQLException.class, () -> server.execute("RESTART"));
        assertEquals(3707, e.getErrorCode(), e.getMessage());
        assertEquals("Restart server failed (mysqld is not managed by supervisor process).", e.getMessage());

        assertTrue(server.isRunning(), "RESTART fails without shutting the server down");
        assertEquals("1", server.scalar("SELECT 1"));
        assertEquals(0, server.restartCount());
    }

    @Test
    void shutdownIsNotARestart(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("shutdown").supervised().start();

        server.execute("SHUTDOWN");
        assertEquals(0, server.awaitExit(RESTART_TIMEOUT), "mysqld exits with 0 after SHUTDOWN");
        assertFalse(server.isRunning(), "the supervisor leaves a server alone that exits with 0");
        assertEquals(0, server.restartCount());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> server.awaitRestart(RESTART_TIMEOUT));
        assertTrue(e.getMessage().contains("exited with code 0 instead of restarting"), e.getMessage());

        server.start(); // the test may start it again itself
        assertEquals("1", server.scalar("SELECT 1"));
        assertEquals(0, server.restartCount());
    }

    private static void awaitUptimeOf(MysqlServer server, long seconds) throws Exception {
        for (int i = 0; i < 100 && Long.parseLong(server.scalar(UPTIME)) < seconds; i++) {
            Thread.sleep(200);
        }
        assertTrue(Long.parseLong(server.scalar(UPTIME)) >= seconds);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
