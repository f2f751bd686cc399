package org.jclone.it.conformance;

import static org.jclone.it.conformance.SuiteSteps.exec;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jclone.it.harness.MysqlServer;

/**
 * Our stand-in for the suite's concurrent sessions: on tables of (k INT PRIMARY KEY, v INT,
 * label VARCHAR(64), payload BLOB) loaded with keys 0-99 (v = 10 k, label 'row k'), one session
 * inserts keys 100-199, one updates keys 0-24 and one deletes keys 26-50, each in autocommit,
 * until stopped. Keys 51-99 are left alone.
 */
final class DmlWorkload implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong statements = new AtomicLong();
    private final AtomicReference<SQLException> failure = new AtomicReference<>();
    private final List<Thread> sessions = new ArrayList<>();

    private DmlWorkload() {
    }

    static void createTable(Connection c, String table, String options) throws SQLException {
        exec(c, "CREATE TABLE " + table + "(k INT PRIMARY KEY, v INT, label VARCHAR(64), payload BLOB) " + options);
    }

    /** Keys from..from+count-1, one multi-row INSERT per table (one commit in autocommit mode). */
    static void load(Connection c, List<String> tables, int from, int count) throws SQLException {
        StringBuilder values = new StringBuilder();
        for (int k = from; k < from + count; k++) {
            values.append(k == from ? "" : ", ")
                    .append("(").append(k).append(", ").append(k * 10).append(", 'row ").append(k)
                    .append("', REPEAT('x', 30000))");
        }
        for (String t : tables) {
            exec(c, "INSERT INTO " + t + " VALUES " + values);
        }
    }

    static DmlWorkload start(MysqlServer server, List<String> tables) {
        DmlWorkload workload = new DmlWorkload();
        workload.session(server, tables, "INSERT INTO %s VALUES(%d, 1, 'inserted during clone', REPEAT('x', 30000))"
                + " ON DUPLICATE KEY UPDATE v = v + 1", 100, 100);
        workload.session(server, tables, "UPDATE %s SET v = v + 1 WHERE k = %d", 0, 25);
        workload.session(server, tables, "DELETE FROM %s WHERE k = %d", 26, 25);
        return workload;
    }

    private void session(MysqlServer server, List<String> tables, String sql, int keyMin, int keyRange) {
        Thread thread = new Thread(() -> {
            try (Connection c = server.connect()) {
                while (running.get()) {
                    int key = keyMin + ThreadLocalRandom.current().nextInt(keyRange);
                    for (String t : tables) {
                        exec(c, String.format(sql, t, key));
                    }
                    statements.incrementAndGet();
                }
            } catch (SQLException e) {
                failure.compareAndSet(null, e);
            }
        }, "conformance-dml");
        sessions.add(thread);
        thread.start();
    }

    long statements() {
        return statements.get();
    }

    /** Stops the sessions; a failed DML statement is an error of the test. */
    @Override
    public void close() throws Exception {
        running.set(false);
        for (Thread t : sessions) {
            t.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
