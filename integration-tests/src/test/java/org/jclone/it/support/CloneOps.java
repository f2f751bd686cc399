package org.jclone.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.ServerFactory;

/** The statements and checks the clone tests share. */
public final class CloneOps {

    /** Schemas that belong to the server, not to the tests. */
    public static final List<String> SYSTEM_SCHEMAS =
            List.of("mysql", "sys", "information_schema", "performance_schema");

    private static final AtomicInteger TARGETS = new AtomicInteger();

    private CloneOps() {
    }

    /**
     * A fresh, not yet existing clone target next to the donor's data directory (inside the donor's
     * server directory, so the harness removes it with the donor after a passing test).
     */
    public static Path newTarget(MysqlServer donor, String name) {
        Path parent = donor.serverDir().resolve("clones");
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path target = parent.resolve(name + "-" + TARGETS.incrementAndGet()).toAbsolutePath().normalize();
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), target + " must not exist yet");
        return target;
    }

    public static String cloneSql(Path target) {
        return "CLONE LOCAL DATA DIRECTORY = '" + target.toString().replace("'", "''") + "'";
    }

    /** Runs CLONE LOCAL as root on a connection of its own and returns the wall time. */
    public static Duration cloneLocal(MysqlServer donor, Path target) throws SQLException {
        try (Connection c = donor.connect()) {
            return cloneLocal(c, target);
        }
    }

    public static Duration cloneLocal(Connection c, Path target) throws SQLException {
        long t0 = System.nanoTime();
        try (Statement s = c.createStatement()) {
            s.execute(cloneSql(target));
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Runs CLONE LOCAL expecting it to fail, and returns the error. */
    public static SQLException cloneExpectingFailure(Connection c, Path target) {
        return assertThrows(SQLException.class, () -> cloneLocal(c, target),
                "CLONE LOCAL DATA DIRECTORY = '" + target + "' was expected to fail");
    }

    public static void assertErrorCode(int expected, SQLException e) {
        assertEquals(expected, e.getErrorCode(), "error code of: " + describe(e));
    }

    public static String describe(SQLException e) {
        return "SQLException [" + e.getErrorCode() + " / " + e.getSQLState() + "] " + e.getMessage();
    }

    /** Starts mysqld in place on a cloned data directory. */
    public static MysqlServer startClone(ServerFactory servers, String name, Path target) {
        return servers.mysql8(name).withPlugin(true).dataDir(target).startTimeout(Duration.ofSeconds(120)).start();
    }

    public static void setGlobal(MysqlServer server, String variable, Object value) throws SQLException {
        String literal = value instanceof Number || "ON".equals(value) || "OFF".equals(value)
                ? value.toString() : "'" + value + "'";
        server.execute("SET GLOBAL " + variable + " = " + literal);
    }

    /** Total apparent size (sum of file lengths) of a directory tree; 0 if it does not exist. */
    public static long treeBytes(Path root) {
        if (!Files.exists(root)) {
            return 0;
        }
        long total = 0;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                try {
                    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        total += Files.size(p);
                    }
                } catch (IOException vanished) {
                    // a file removed while we walk (clone in progress / cleanup): ignore
                }
            }
        } catch (IOException | UncheckedIOException vanished) {
            return total;
        }
        return total;
    }

    /** Bytes the files of a tree really occupy on disk (st_blocks * 512), via du. */
    public static long treeAllocatedBytes(Path root) {
        return Long.parseLong(Tmpfs.run(List.of("du", "-s", "-B1", root.toString())).trim().split("\\s+")[0]);
    }

    /** Bytes of a file in the page cache now, via util-linux's fincore (mincore(2)). */
    public static long residentBytes(Path file) {
        return Long.parseLong(Tmpfs.run(List.of("fincore", "--bytes", "--noheadings", "--output", "RES",
                file.toString())).trim());
    }

    /** Like {@link #treeAllocatedBytes} for a tree that may change or vanish meanwhile: 0 on trouble. */
    public static long treeAllocatedBytesOrZero(Path root) {
        try {
            return treeAllocatedBytes(root);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** Every entry left under {@code dir}, relative, for failure messages. */
    public static List<String> listTree(Path dir) {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** schema.table of every InnoDB base table outside the system schemas. */
    public static List<String> userTables(Connection c, String engine) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT table_schema, table_name FROM information_schema.tables "
                        + "WHERE table_type = 'BASE TABLE' AND engine = '" + engine + "' "
                        + "AND table_schema NOT IN ('mysql', 'sys', 'information_schema', 'performance_schema') "
                        + "ORDER BY table_schema, table_name")) {
            while (rs.next()) {
                tables.add(quote(rs.getString(1)) + "." + quote(rs.getString(2)));
            }
        }
        return tables;
    }

    public static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    /** CHECKSUM TABLE of every user InnoDB table, keyed by `schema`.`table`. */
    public static Map<String, String> innodbChecksums(MysqlServer server) throws SQLException {
        Map<String, String> sums = new TreeMap<>();
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            for (String table : userTables(c, "InnoDB")) {
                try (ResultSet rs = s.executeQuery("CHECKSUM TABLE " + table)) {
                    rs.next();
                    sums.put(table, rs.getString(2));
                }
            }
        }
        return sums;
    }

    /**
     * CHECK TABLE of every user InnoDB table; returns the tables whose result is not a single
     * "status OK" row, with what CHECK TABLE said, and the number of tables checked.
     */
    public static CheckResult checkAllInnodbTables(MysqlServer server) throws SQLException {
        Map<String, String> problems = new TreeMap<>();
        int checked = 0;
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            for (String table : userTables(c, "InnoDB")) {
                checked++;
                StringBuilder said = new StringBuilder();
                boolean statusOk = false;
                boolean complaint = false;
                try (ResultSet rs = s.executeQuery("CHECK TABLE " + table)) {
                    while (rs.next()) {
                        String type = rs.getString("Msg_type");
                        String text = rs.getString("Msg_text");
                        said.append(type).append(": ").append(text).append("; ");
                        if ("status".equalsIgnoreCase(type)) {
                            statusOk = "OK".equalsIgnoreCase(text);
                        } else if ("error".equalsIgnoreCase(type) || "warning".equalsIgnoreCase(type)) {
                            complaint = true;
                        }
                    }
                }
                if (!statusOk || complaint) {
                    problems.put(table, said.toString());
                }
            }
        }
        return new CheckResult(checked, problems);
    }

    public record CheckResult(int checked, Map<String, String> problems) {
    }

    public static long longValue(MysqlServer server, String sql) throws SQLException {
        String v = server.scalar(sql);
        if (v == null) {
            throw new AssertionError("no value for: " + sql);
        }
        return Long.parseLong(v);
    }

    private static final Pattern TASKS = Pattern.compile("Clone State Change : Number of tasks = (\\d+)");

    /** Highest "Clone State Change : Number of tasks = N" InnoDB logged in this error-log text (0 if none). */
    public static int maxCloneTasks(String errorLogText) {
        int max = 0;
        Matcher m = TASKS.matcher(errorLogText);
        while (m.find()) {
            max = Math.max(max, Integer.parseInt(m.group(1)));
        }
        return max;
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
