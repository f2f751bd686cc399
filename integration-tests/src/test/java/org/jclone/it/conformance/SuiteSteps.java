package org.jclone.it.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.jclone.it.support.CloneOps;

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
    private static volatile boolean remote;

    static void useRemoteClone(boolean on) {
        remote = on;
    }

    /**
     * The suite's clone command: fixed concurrency (autotune off, 8 tasks), then CLONE LOCAL; in
     * remote mode CLONE INSTANCE FROM the server itself (root over 127.0.0.1), as the suite's
     * clone_command.inc does with remote_clone set.
     */
    static void cloneLocal(Connection c, Path target) throws SQLException {
        exec(c, "SET GLOBAL clone_autotune_concurrency = OFF", "SET GLOBAL clone_max_concurrency = 8");
        if (remote) {
            String port = rows(c, "SELECT @@port").get(0).get(0);
            exec(c, "SET GLOBAL clone_valid_donor_list = '127.0.0.1:" + port + "'",
                    "CLONE INSTANCE FROM root@'127.0.0.1':" + port + " IDENTIFIED BY '' DATA DIRECTORY = '"
                            + target.toString().replace("'", "''") + "'");
        } else {
            exec(c, CloneOps.cloneSql(target));
        }
    }

    /** The suite's clone command expected to fail with {@code code} and exactly {@code message}. */
    static void cloneLocalFails(Connection c, String target, int code, String message) throws SQLException {
        exec(c, "SET GLOBAL clone_autotune_concurrency = OFF", "SET GLOBAL clone_max_concurrency = 8");
        fails(c, "CLONE LOCAL DATA DIRECTORY = '" + target + "'", code, message);
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
