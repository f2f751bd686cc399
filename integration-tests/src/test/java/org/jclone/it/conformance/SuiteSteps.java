package org.jclone.it.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.support.BackgroundClone;

/**
 * Steps MySQL's clone suite repeats in many files, re-created in our own code: the clone
 * command with the suite's fixed settings, the two status queries it shows after each clone,
 * and result sets compared as text rows (NULL as "NULL"), the way a .result file shows them.
 */
final class SuiteSteps {

    /** clone_status after one successful clone, as the suite selects it (ID, STATE, ERROR_NO). */
    static final List<List<String>> STATUS_COMPLETED = List.of(List.of("1", "Completed", "0"));

    /** clone_progress after one successful local clone (ID, STAGE, STATE). */
    static final List<List<String>> PROGRESS_COMPLETED = List.of(
            List.of("1", "DROP DATA", "Completed"),
            List.of("1", "FILE COPY", "Completed"),
            List.of("1", "PAGE COPY", "Completed"),
            List.of("1", "REDO COPY", "Completed"),
            List.of("1", "FILE SYNC", "Completed"),
            List.of("1", "RESTART", "Not Started"),
            List.of("1", "RECOVERY", "Not Started"));

    static final String STATUS = "SELECT ID, STATE, ERROR_NO FROM performance_schema.clone_status";
    static final String PROGRESS = "SELECT ID, STAGE, STATE FROM performance_schema.clone_progress";

    private SuiteSteps() {
    }

    /** Set by {@link RemoteMode}: the suite's remote_X files run local_X's steps with remote_clone = 1. */
    private static volatile RemoteMode remote;

    static void useRemoteClone(RemoteMode mode) {
        remote = mode;
    }

    /** Whether a remote_X file runs (the outcome differs where the donor reports an error). */
    static boolean remote() {
        return remote != null;
    }

    /** Whether the running file restarts its server with innodb_validate_tablespace_paths = OFF before cloning. */
    static boolean skipsSpaceValidation() {
        return remote != null && remote.skipSpaceValidation;
    }

    /** A server as the running file wants it (a remote variation may add options), not started. */
    static MysqlServer.Builder server(ServerFactory servers, String name) {
        MysqlServer.Builder builder = servers.mysql8(name).withPlugin(true);
        return remote == null ? builder : remote.options.apply(builder);
    }

    /** The suite's restart on a clone's directory: a server with the same options on it. */
    static MysqlServer startClone(ServerFactory servers, String name, Path target) {
        return server(servers, name).dataDir(target).startTimeout(Duration.ofSeconds(120)).start();
    }

    /** STATE, ERROR_NO, binlog file, GTIDs, binlog position that a server started on a clone shows. */
    static List<List<String>> clonedStatus() {
        return List.of(remote == null ? RemoteMode.BINLOG_NO_GTID : remote.clonedStatus);
    }

    /**
     * The suite's clone command: fixed concurrency (autotune off, 8 tasks), then CLONE LOCAL; in
     * remote mode CLONE INSTANCE FROM the server itself (root over 127.0.0.1), as the suite's
     * clone_command.inc does with remote_clone set.
     */
    static void cloneLocal(Connection c, Path target) throws SQLException {
        exec(c, "SET GLOBAL clone_autotune_concurrency = OFF", "SET GLOBAL clone_max_concurrency = 8");
        cloneCommand(c, target.toString());
    }

    /** The clone command alone (CLONE LOCAL, or in remote mode the donor list and CLONE INSTANCE FROM). */
    static void cloneCommand(Connection c, String target) throws SQLException {
        exec(c, cloneSql(c, target));
    }

    /**
     * The suite's clone command sent from a connection of its own ({@code clone_command_send.inc}),
     * running while the caller watches; the fixed concurrency and donor list are set first.
     */
    static BackgroundClone cloneInBackground(MysqlServer server, Path target) throws SQLException {
        try (Connection c = server.connect()) {
            exec(c, "SET GLOBAL clone_autotune_concurrency = OFF", "SET GLOBAL clone_max_concurrency = 8");
            return BackgroundClone.startStatement(server, target, "root", "", cloneSql(c, target.toString()));
        }
    }

    private static String cloneSql(Connection c, String target) throws SQLException {
        String dir = "DATA DIRECTORY = '" + target.replace("'", "''") + "'";
        if (remote == null) {
            return "CLONE LOCAL " + dir;
        }
        String port = rows(c, "SELECT @@port").get(0).get(0);
        exec(c, "SET GLOBAL clone_valid_donor_list = '127.0.0.1:" + port + "'");
        if (remote.certificates) {
            // As the suite shows them before setting them; a restarted server has them empty again.
            assertEquals(table("clone_ssl_ca\t", "clone_ssl_cert\t", "clone_ssl_key\t"),
                    rows(c, "SHOW VARIABLES LIKE '%clone_ssl%'"));
            Path data = Path.of(rows(c, "SELECT @@datadir").get(0).get(0));
            exec(c, "SET GLOBAL clone_ssl_ca = '" + data.resolve("ca.pem") + "'",
                    "SET GLOBAL clone_ssl_cert = '" + data.resolve("client-cert.pem") + "'",
                    "SET GLOBAL clone_ssl_key = '" + data.resolve("client-key.pem") + "'");
        }
        return "CLONE INSTANCE FROM root@127.0.0.1:" + port + " IDENTIFIED BY '' " + dir + remote.require;
    }

    /** The suite's clone command expected to fail with {@code code} and exactly {@code message}. */
    static void cloneLocalFails(Connection c, String target, int code, String message) throws SQLException {
        exec(c, "SET GLOBAL clone_autotune_concurrency = OFF", "SET GLOBAL clone_max_concurrency = 8");
        fails(c, cloneSql(c, target), code, message);
    }

    static void fails(Connection c, String sql, int code, String message) {
        SQLException e = assertThrows(SQLException.class, () -> exec(c, sql), sql + " must fail");
        assertEquals(code, e.getErrorCode(), "error number of " + sql + ": " + e.getMessage());
        assertEquals(message, e.getMessage(), "error text of " + sql);
    }

    static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String one : sql) {
                s.execute(one);
            }
        }
    }

    /** Each table of schema test as the donor has it (definition, checksum), and CHECK TABLE OK on the clone. */
    static void assertSameTables(MysqlServer donor, MysqlServer clone, String... tables) throws SQLException {
        try (Connection d = donor.connect(); Connection c = clone.connect()) {
            for (String t : tables) {
                assertEquals(rows(d, "SHOW CREATE TABLE test." + t), rows(c, "SHOW CREATE TABLE test." + t), t);
                assertEquals(rows(d, "CHECKSUM TABLE test." + t), rows(c, "CHECKSUM TABLE test." + t), t);
                assertEquals(List.of("test." + t, "check", "status", "OK"), rows(c, "CHECK TABLE test." + t).get(0));
            }
        }
    }

    /** The tables of schema test on {@code server}, by name. */
    static List<List<String>> testTables(MysqlServer server) throws SQLException {
        try (Connection c = server.connect()) {
            return rows(c, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'test'"
                    + " ORDER BY TABLE_NAME");
        }
    }

    /** Waits (at most a minute) until clone_progress shows FILE COPY in progress on {@code c}'s server. */
    static void awaitFileCopy(Connection c) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String query = "SELECT STATE FROM performance_schema.clone_progress WHERE STAGE = 'FILE COPY'";
        while (!rows(c, query).equals(table("In Progress"))) {
            assertTrue(System.nanoTime() < deadline, "the clone never reached FILE COPY");
            Thread.sleep(20);
        }
    }

    static List<List<String>> rows(Connection c, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    String value = rs.getString(i);
                    row.add(value == null ? "NULL" : value);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    static List<List<String>> table(String... rows) {
        List<List<String>> table = new ArrayList<>();
        for (String row : rows) {
            table.add(List.of(row.split("\t", -1)));
        }
        return table;
    }
}
