package org.jclone.it.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.support.CloneOps;
import org.jclone.it.support.DataSets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * CLONE INSTANCE FROM between two real 8.0.31 servers on 127.0.0.1, both with this plugin:
 * a donor with data and a clone user, and a recipient that clones from it. Each copy made
 * is started as a server of its own and its data checked there.
 */
@ExtendWith(MysqlServerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteCloneTest {
    private static final int ACCOUNTS = 500;
    private static final int BALANCE = 1000;
    private static final int BLOB_ROWS = 300;
    private static final String USER = "clone_donor";
    private static final String PASSWORD = "donor-secret";

    private static MysqlServer donor;
    private static MysqlServer recipient;

    @BeforeAll
    static void startServers(ServerFactory servers) throws Exception {
        donor = servers.mysql8("donor").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .option("innodb_flush_log_at_trx_commit", "2")
                .start();
        donor.execute("CREATE DATABASE bank", "CREATE DATABASE big",
                "CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                "GRANT BACKUP_ADMIN ON *.* TO '" + USER + "'@'%'");
        DataSets.createAccounts(donor, "bank.accounts", ACCOUNTS, BALANCE);
        DataSets.createBlobs(donor, "big.blobs", BLOB_ROWS);
        donor.execute("CREATE TABLE bank.notes (id INT PRIMARY KEY, note VARCHAR(100), FULLTEXT(note))",
                "INSERT INTO bank.notes VALUES (1, 'cloned over the network'), (2, 'from the donor')");
        recipient = servers.mysql8("recipient").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .start();
        recipient.execute("SET GLOBAL clone_valid_donor_list = '" + donor.peerAddress() + "'");
    }

    private static String cloneFrom(String user, String password, MysqlServer from, Path target) {
        return "CLONE INSTANCE FROM '" + user + "'@'" + from.peerHost() + "':" + from.peerPort()
                + " IDENTIFIED BY '" + password + "'"
                + (target == null ? "" : " DATA DIRECTORY = '" + target + "'");
    }

    private static Duration clone(MysqlServer on, String sql) throws SQLException {
        long t0 = System.nanoTime();
        try (Connection c = on.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private static SQLException cloneFails(MysqlServer on, String sql) {
        return assertThrows(SQLException.class, () -> clone(on, sql), sql + " was expected to fail");
    }

    private static void assertDonorData(MysqlServer copy) throws SQLException {
        assertEquals(Long.toString((long) ACCOUNTS * BALANCE), copy.scalar("SELECT SUM(balance) FROM bank.accounts"));
        assertEquals(Integer.toString(ACCOUNTS), copy.scalar("SELECT COUNT(*) FROM bank.accounts"));
        assertEquals(Integer.toString(BLOB_ROWS), copy.scalar("SELECT COUNT(*) FROM big.blobs"));
        assertEquals(0, DataSets.brokenBlobs(copy, "big.blobs"));
        assertEquals("1", copy.scalar("SELECT id FROM bank.notes WHERE MATCH(note) AGAINST('network')"));
        CloneOps.CheckResult check = CloneOps.checkAllInnodbTables(copy);
        assertEquals(Map.of(), check.problems(), "CHECK TABLE on the copy");
        assertTrue(check.checked() >= 3, "tables checked: " + check.checked());
    }

    @Test
    @Order(1)
    void cloneIntoDataDirectoryStartsWithTheDonorsData(ServerFactory servers) throws Exception {
        Path target = CloneOps.newTarget(recipient, "remote");
        Duration took = clone(recipient, cloneFrom(USER, PASSWORD, donor, target));
        System.out.printf("[RemoteCloneTest] remote clone of %.1f MB took %d ms%n",
                CloneOps.treeBytes(target) / 1e6, took.toMillis());
        assertEquals("Completed", recipient.scalar("SELECT STATE FROM performance_schema.clone_status"));
        assertEquals(donor.peerAddress(), recipient.scalar("SELECT SOURCE FROM performance_schema.clone_status"));
        assertEquals("1", recipient.scalar("SELECT ID FROM performance_schema.clone_status"));
        MysqlServer copy = CloneOps.startClone(servers, "remote-copy", target);
        assertDonorData(copy);
        copy.stop();
    }
}
