package org.jclone.it.support;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jclone.it.harness.MysqlServer;

/** Builds test data quickly, with INSERT ... SELECT doubling inside the server. */
public final class DataSets {

    /** Each blob row is REPEAT(seed, 3200) with a 32-character seed: 102,400 bytes. */
    public static final int SEED_REPEAT = 3200;
    public static final int BLOB_BYTES = 32 * SEED_REPEAT;

    private DataSets() {
    }

    /**
     * Creates {@code table} (id, seed, payload MEDIUMTEXT = REPEAT(seed, 3200)) with {@code rows}
     * rows of ~100 KB; {@code payload = REPEAT(seed, 3200)} holds for every row, which a test can
     * check on a clone, also after rewriting rows the same way.
     */
    public static void createBlobs(MysqlServer server, String table, int rows) throws SQLException {
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id INT AUTO_INCREMENT PRIMARY KEY, seed CHAR(32) NOT NULL, "
                    + "payload MEDIUMTEXT NOT NULL, version INT NOT NULL DEFAULT 0) ENGINE=InnoDB");
            s.execute("INSERT INTO " + table + " (seed, payload) VALUES (MD5('0'), REPEAT(MD5('0'), "
                    + SEED_REPEAT + "))");
            long have = 1;
            while (have < rows) {
                long add = Math.min(have, rows - have);
                s.execute("INSERT INTO " + table + " (seed, payload) SELECT x.s, REPEAT(x.s, " + SEED_REPEAT + ") "
                        + "FROM (SELECT MD5(RAND()) AS s FROM " + table + " LIMIT " + add + ") AS x");
                have += add;
            }
        }
    }

    /** Rows of {@code table} whose payload is not REPEAT(seed, 3200) (must be 0). */
    public static long brokenBlobs(MysqlServer server, String table) throws SQLException {
        return CloneOps.longValue(server,
                "SELECT COUNT(*) FROM " + table + " WHERE payload <> REPEAT(seed, " + SEED_REPEAT + ")");
    }

    /** Creates {@code table} (id, balance) with ids 1..rows, each balance {@code balance}. */
    public static void createAccounts(MysqlServer server, String table, int rows, int balance) throws SQLException {
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, balance BIGINT NOT NULL, "
                    + "updated TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB");
            s.execute("INSERT INTO " + table + " (id, balance) VALUES (1, " + balance + ")");
            long have = 1;
            while (have < rows) {
                long add = Math.min(have, rows - have);
                s.execute("INSERT INTO " + table + " (id, balance) SELECT id + " + have + ", " + balance
                        + " FROM " + table + " ORDER BY id LIMIT " + add);
                have += add;
            }
        }
    }

    /** Size of a schema's InnoDB data as information_schema sees it (approximate). */
    public static long schemaBytes(Connection c, String schema) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT COALESCE(SUM(data_length + index_length), 0) FROM information_schema.tables "
                        + "WHERE table_schema = '" + schema + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
