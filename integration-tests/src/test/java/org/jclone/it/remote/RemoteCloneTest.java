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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.support.CloneOps;
import org.jclone.it.support.DataSets;
import org.jclone.it.support.Tmpfs;
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
        long network = CloneOps.longValue(recipient, "SELECT SUM(NETWORK) FROM performance_schema.clone_progress");
        long data = CloneOps.longValue(recipient, "SELECT SUM(DATA) FROM performance_schema.clone_progress");
        assertTrue(network >= data && data > 0, "uncompressed, the network carries the data and more: network "
                + network + ", data " + data);
        Path local = CloneOps.newTarget(donor, "local");
        Duration localTook = CloneOps.cloneLocal(donor, local);
        System.out.printf("[RemoteCloneTest] remote clone of %.1f MB took %d ms; a local clone of the donor %d ms%n",
                CloneOps.treeBytes(target) / 1e6, took.toMillis(), localTook.toMillis());
        assertEquals("Completed", recipient.scalar("SELECT STATE FROM performance_schema.clone_status"));
        assertEquals(donor.peerAddress(), recipient.scalar("SELECT SOURCE FROM performance_schema.clone_status"));
        assertEquals("1", recipient.scalar("SELECT ID FROM performance_schema.clone_status"));
        assertEquals(List.of(
                List.of("1", "DROP DATA", "Completed"), List.of("1", "FILE COPY", "Completed"),
                List.of("1", "PAGE COPY", "Completed"), List.of("1", "REDO COPY", "Completed"),
                List.of("1", "FILE SYNC", "Completed"), List.of("1", "RESTART", "Not Started"),
                List.of("1", "RECOVERY", "Not Started")),
                recipient.query("SELECT ID, STAGE, STATE FROM performance_schema.clone_progress"));
        assertEquals(target + "/", recipient.scalar("SELECT DESTINATION FROM performance_schema.clone_status"));
        MysqlServer copy = CloneOps.startClone(servers, "remote-copy", target);
        assertDonorData(copy);
        copy.stop();
    }

    @Test
    @Order(2)
    void eightTasksCloneWhileTheDonorMovesMoneyAndRunsDdl(ServerFactory servers) throws Exception {
        recipient.execute("SET GLOBAL clone_autotune_concurrency = OFF", "SET GLOBAL clone_max_concurrency = 8",
                "SET GLOBAL clone_max_data_bandwidth = 512");
        int attachedBefore = attachedTasks();
        Path target = CloneOps.newTarget(recipient, "remote-8");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong transfers = new AtomicLong();
        AtomicReference<Throwable> trouble = new AtomicReference<>();
        Thread load = new Thread(() -> moveMoney(stop, transfers, trouble), "transfers");
        load.start();
        try {
            while (transfers.get() < 20) {
                Thread.sleep(20);
            }
            donor.execute("CREATE TABLE bank.during (id INT PRIMARY KEY)", "INSERT INTO bank.during VALUES (7)");
            clone(recipient, cloneFrom(USER, PASSWORD, donor, target));
        } finally {
            stop.set(true);
            load.join();
            recipient.execute("SET GLOBAL clone_autotune_concurrency = ON", "SET GLOBAL clone_max_concurrency = 16",
                    "SET GLOBAL clone_max_data_bandwidth = 0");
        }
        assertEquals(null, trouble.get(), "the transfers must run without errors during the clone");
        // Without autotune all 7 workers start at once; one may find the clone already done.
        int attached = attachedTasks() - attachedBefore;
        assertTrue(attached >= 2 && attached <= 7, "workers that attached on the donor: " + attached);
        MysqlServer copy = CloneOps.startClone(servers, "remote-8-copy", target);
        assertDonorData(copy);
        assertEquals("7", copy.scalar("SELECT id FROM bank.during"));
        copy.stop();
    }

    /** Workers the donor has served so far (its log says "began a task" for each ATTACH). */
    private static int attachedTasks() {
        return donor.errorLogText().split("began a task", -1).length - 1;
    }

    /** Transfers between accounts, one transaction each: the sum never changes. */
    private static void moveMoney(AtomicBoolean stop, AtomicLong transfers, AtomicReference<Throwable> trouble) {
        try (Connection c = donor.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            Random random = new Random(7);
            while (!stop.get()) {
                int from = 1 + random.nextInt(ACCOUNTS);
                int to = 1 + random.nextInt(ACCOUNTS);
                s.executeUpdate("UPDATE bank.accounts SET balance = balance - 3 WHERE id = " + from);
                s.executeUpdate("UPDATE bank.accounts SET balance = balance + 3 WHERE id = " + to);
                c.commit();
                transfers.incrementAndGet();
            }
        } catch (Throwable t) {
            trouble.set(t);
        }
    }

    @Test
    @Order(3)
    void compressionSendsFewerBytesThanItApplies(ServerFactory servers) throws Exception {
        recipient.execute("SET GLOBAL clone_enable_compression = ON");
        Path target = CloneOps.newTarget(recipient, "compressed");
        Duration took;
        try {
            took = clone(recipient, cloneFrom(USER, PASSWORD, donor, target) + " REQUIRE NO SSL");
        } finally {
            recipient.execute("SET GLOBAL clone_enable_compression = OFF");
        }
        long data = CloneOps.longValue(recipient, "SELECT SUM(DATA) FROM performance_schema.clone_progress");
        long network = CloneOps.longValue(recipient, "SELECT SUM(NETWORK) FROM performance_schema.clone_progress");
        System.out.printf("[RemoteCloneTest] compressed remote clone: %d ms, data %d bytes, network %d bytes%n",
                took.toMillis(), data, network);
        assertTrue(network > 0 && network < data / 2, "network " + network + " bytes for " + data + " data bytes");
        MysqlServer copy = CloneOps.startClone(servers, "compressed-copy", target);
        assertDonorData(copy);
        copy.stop();
    }

    @Test
    @Order(3)
    void requireSslWithTheDonorsCaClonesOverTls(ServerFactory servers) throws Exception {
        // mysqld --initialize generated the donor's CA and its certificate.
        Path ca = donor.dataDir().resolve("ca.pem");
        assertTrue(Files.isReadable(ca), ca + " exists");
        recipient.execute("SET GLOBAL clone_ssl_ca = '" + ca + "'");
        Path target = CloneOps.newTarget(recipient, "tls");
        try {
            clone(recipient, cloneFrom(USER, PASSWORD, donor, target) + " REQUIRE SSL");
        } finally {
            recipient.execute("SET GLOBAL clone_ssl_ca = NULL");
        }
        MysqlServer copy = CloneOps.startClone(servers, "tls-copy", target);
        assertDonorData(copy);
        copy.stop();
    }

    @Test
    @Order(3)
    void aDonorNotInTheListIsRefused() throws Exception {
        recipient.execute("SET GLOBAL clone_valid_donor_list = '127.0.0.1:1'");
        try {
            Path target = CloneOps.newTarget(recipient, "unlisted");
            SQLException e = cloneFails(recipient, cloneFrom(USER, PASSWORD, donor, target));
            assertEquals(3869, e.getErrorCode(), CloneOps.describe(e));
            assertEquals("Clone system configuration: " + donor.peerAddress()
                    + " is not found in clone_valid_donor_list: 127.0.0.1:1", e.getMessage());
            assertFalse(Files.exists(target));
        } finally {
            recipient.execute("SET GLOBAL clone_valid_donor_list = '" + donor.peerAddress() + "'");
        }
    }

    @Test
    @Order(4)
    void aWrongPasswordFailsToConnect() throws Exception {
        Path target = CloneOps.newTarget(recipient, "bad-password");
        SQLException e = cloneFails(recipient, cloneFrom(USER, "wrong", donor, target));
        assertEquals(3862, e.getErrorCode(), CloneOps.describe(e));
        assertTrue(e.getMessage().startsWith("Clone Donor Error: Connect failed: 1045 : Access denied for user '"
                + USER + "'"), e.getMessage());
        assertFalse(Files.exists(target), "the failed clone leaves no directory");
        assertEquals("Failed", recipient.scalar("SELECT STATE FROM performance_schema.clone_status"));
    }

    @Test
    @Order(5)
    void aDonorUserWithoutBackupAdminIsRefusedByTheDonor() throws Exception {
        donor.execute("CREATE USER 'no_backup'@'%' IDENTIFIED BY 'pw'");
        Path target = CloneOps.newTarget(recipient, "no-backup-admin");
        SQLException e = cloneFails(recipient, cloneFrom("no_backup", "pw", donor, target));
        assertEquals(3862, e.getErrorCode(), CloneOps.describe(e));
        assertEquals("Clone Donor Error: 1227 : Access denied; you need (at least one of) the BACKUP_ADMIN "
                + "privilege(s) for this operation.", e.getMessage());
        assertFalse(Files.exists(target));
    }

    @Test
    @Order(6)
    void theDonorsConfigurationAndThisServersPacketSizeAreValidated() throws Exception {
        donor.execute("SET GLOBAL character_set_server = latin1");
        try {
            Path target = CloneOps.newTarget(recipient, "config-mismatch");
            SQLException e = cloneFails(recipient, cloneFrom(USER, PASSWORD, donor, target));
            assertEquals(3868, e.getErrorCode(), CloneOps.describe(e));
            assertEquals("Clone Configuration character_set_server: Donor value: latin1 is different from "
                    + "Recipient value: utf8mb4.", e.getMessage());
            assertFalse(Files.exists(target));
        } finally {
            donor.execute("SET GLOBAL character_set_server = utf8mb4");
        }
        recipient.execute("SET GLOBAL max_allowed_packet = 1048576");
        try {
            Path target = CloneOps.newTarget(recipient, "small-packets");
            SQLException e = cloneFails(recipient, cloneFrom(USER, PASSWORD, donor, target));
            assertEquals(3957, e.getErrorCode(), CloneOps.describe(e));
            assertEquals("Clone needs max_allowed_packet value to be 2097152 or more. Current value is 1048576",
                    e.getMessage());
            assertFalse(Files.exists(target));
        } finally {
            recipient.execute("SET GLOBAL max_allowed_packet = 67108864");
        }
        awaitNoDonorSessions();
    }

    @Test
    @Order(6)
    void aTargetTooSmallIsRefusedAndLeftEmpty() throws Exception {
        try (Tmpfs small = Tmpfs.mount("remote-too-small", 20, false)) {
            Path target = small.path().resolve("clone");
            SQLException e = cloneFails(recipient, cloneFrom(USER, PASSWORD, donor, target));
            assertEquals(3873, e.getErrorCode(), CloneOps.describe(e));
            assertTrue(e.getMessage().matches("Clone estimated database size is [0-9.]+ MiB\\. "
                    + "Available space (20\\.00|19\\.99) MiB is not enough\\."), e.getMessage());
            assertEquals(List.of(), CloneOps.listTree(small.path()), "nothing may be left behind");
        }
        awaitNoDonorSessions();
    }

    @Test
    @Order(6)
    void anExistingDataDirectoryIsRefused() throws Exception {
        Path target = CloneOps.newTarget(recipient, "existing");
        Files.createDirectories(target);
        SQLException e = cloneFails(recipient, cloneFrom(USER, PASSWORD, donor, target));
        assertEquals(1007, e.getErrorCode(), CloneOps.describe(e));
        assertTrue(Files.isDirectory(target), "a directory the clone did not make stays");
    }

    @Test
    @Order(7)
    void aDonorWithoutThePluginOrWithoutTlsIsRefused(ServerFactory servers) throws Exception {
        // No plugin, and no TLS either.
        MysqlServer plain = servers.mysql8("no-plugin").option("ssl", "0").start();
        try {
            plain.execute("CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                    "GRANT BACKUP_ADMIN ON *.* TO '" + USER + "'@'%'");
            recipient.execute("SET GLOBAL clone_valid_donor_list = '" + plain.peerAddress() + "'");
            Path target = CloneOps.newTarget(recipient, "no-plugin");
            SQLException tls = cloneFails(recipient, cloneFrom(USER, PASSWORD, plain, target) + " REQUIRE SSL");
            assertEquals(3862, tls.getErrorCode(), CloneOps.describe(tls));
            assertTrue(tls.getMessage().startsWith("Clone Donor Error: Connect failed: 2026 : "), tls.getMessage());
            assertFalse(Files.exists(target));
            SQLException e = cloneFails(recipient, cloneFrom(USER, PASSWORD, plain, target));
            assertEquals(3862, e.getErrorCode(), CloneOps.describe(e));
            assertEquals("Clone Donor Error: 1524 : Plugin 'clone' is not loaded.", e.getMessage());
            assertFalse(Files.exists(target));
        } finally {
            recipient.execute("SET GLOBAL clone_valid_donor_list = '" + donor.peerAddress() + "'");
            plain.stop();
        }
    }

    @Test
    @Order(7)
    void aRecipientSendingGarbageGetsAnErrorAndTheDonorCarriesOn() throws Exception {
        donor.execute("CREATE USER 'raw_clone'@'%' IDENTIFIED WITH mysql_native_password BY 'raw'",
                "GRANT BACKUP_ADMIN ON *.* TO 'raw_clone'@'%'");
        // An unknown command: the donor answers with its protocol error and closes the connection.
        try (RawCloneConnection raw = new RawCloneConnection(donor.peerPort(), "raw_clone", "raw")) {
            raw.startClone();
            raw.send(new byte[] {0x63, 1, 2, 3});
            assertEquals(null, raw.receive(), "the donor shuts a connection that breaks the protocol");
        }
        // A truncated INIT, then the same.
        try (RawCloneConnection raw = new RawCloneConnection(donor.peerPort(), "raw_clone", "raw")) {
            raw.startClone();
            raw.send(new byte[] {1, 2, 1});
            assertEquals(null, raw.receive());
        }
        // EXIT before anything else is answered with COMPLETE (99).
        try (RawCloneConnection raw = new RawCloneConnection(donor.peerPort(), "raw_clone", "raw")) {
            raw.startClone();
            raw.send(new byte[] {6});
            byte[] complete = raw.receive();
            assertTrue(complete != null && complete.length == 1 && complete[0] == 99, "COMPLETE after EXIT");
        }
        // A recipient that vanishes right after COM_CLONE.
        try (RawCloneConnection raw = new RawCloneConnection(donor.peerPort(), "raw_clone", "raw")) {
            raw.startClone();
        }
        long t0 = System.nanoTime();
        String sql = "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'raw_clone'";
        while (!"0".equals(donor.scalar(sql))) {
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30), "donor sessions of raw_clone left");
            Thread.sleep(100);
        }
        System.out.printf("[RemoteCloneTest] the donor ended the misbehaving sessions within %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);
        assertTrue(donor.errorLogText().contains("Clone received unexpected response from Donor : "
                + "Wrong Clone RPC: Invalid request 99."), "the donor logs the protocol error it sent");
        Path target = CloneOps.newTarget(recipient, "after-garbage");
        clone(recipient, cloneFrom(USER, PASSWORD, donor, target));
        assertEquals("Completed", recipient.scalar("SELECT STATE FROM performance_schema.clone_status"));
    }

    @Test
    @Order(8)
    void killingTheRecipientStatementStopsTheCloneAndRemovesTheTarget() throws Exception {
        recipient.execute("SET GLOBAL clone_max_data_bandwidth = 16");
        Path target = CloneOps.newTarget(recipient, "killed");
        try (Connection c = recipient.connect(); Statement s = c.createStatement()) {
            String id;
            try (var rs = s.executeQuery("SELECT CONNECTION_ID()")) {
                rs.next();
                id = rs.getString(1);
            }
            CompletableFuture<SQLException> running = CompletableFuture.supplyAsync(() -> {
                try (Statement clone = c.createStatement()) {
                    clone.execute(cloneFrom(USER, PASSWORD, donor, target));
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            awaitCopying(recipient);
            long t0 = System.nanoTime();
            recipient.execute("KILL QUERY " + id);
            SQLException e = running.get(30, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(e != null, "the killed clone must fail");
            assertEquals(1317, e.getErrorCode(), CloneOps.describe(e));
            // How long the KILL took is reported, not asserted (timings belong to the benchmark).
            System.out.printf("[RemoteCloneTest] KILL QUERY of the recipient's statement: failed %d ms later%n", millis);
            assertFalse(Files.exists(target), "the killed clone's directory is removed");
        } finally {
            recipient.execute("SET GLOBAL clone_max_data_bandwidth = 0");
        }
        awaitNoDonorSessions();
    }

    @Test
    @Order(8)
    void killingTheRecipientConnectionStopsTheCloneAndRemovesTheTarget() throws Exception {
        recipient.execute("SET GLOBAL clone_max_data_bandwidth = 16");
        Path target = CloneOps.newTarget(recipient, "connection-killed");
        try {
            Connection c = recipient.connect();
            String id;
            try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT CONNECTION_ID()")) {
                rs.next();
                id = rs.getString(1);
            }
            CompletableFuture<SQLException> running = CompletableFuture.supplyAsync(() -> {
                try (Statement clone = c.createStatement()) {
                    clone.execute(cloneFrom(USER, PASSWORD, donor, target));
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            awaitCopying(recipient);
            recipient.execute("KILL CONNECTION " + id);
            assertTrue(running.get(30, TimeUnit.SECONDS) != null, "the killed clone must fail");
            c.close();
            // Nobody waits for the statement now: poll until it has ended and cleaned up.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!"Failed".equals(recipient.scalar("SELECT STATE FROM performance_schema.clone_status"))
                    || Files.exists(target)) {
                assertTrue(System.nanoTime() < deadline, "the clone ends as Failed and its directory is removed: "
                        + recipient.scalar("SELECT STATE FROM performance_schema.clone_status") + ", "
                        + Files.exists(target));
                Thread.sleep(50);
            }
            assertEquals("1317", recipient.scalar("SELECT ERROR_NO FROM performance_schema.clone_status"));
        } finally {
            recipient.execute("SET GLOBAL clone_max_data_bandwidth = 0");
        }
        awaitNoDonorSessions();
    }

    @Test
    @Order(9)
    void killingTheDonorSessionFailsTheCloneWithTheDonorsError() throws Exception {
        recipient.execute("SET GLOBAL clone_max_data_bandwidth = 16");
        Path target = CloneOps.newTarget(recipient, "donor-killed");
        try {
            CompletableFuture<SQLException> running = CompletableFuture.supplyAsync(() -> {
                try {
                    clone(recipient, cloneFrom(USER, PASSWORD, donor, target));
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            awaitCopying(recipient);
            for (List<String> row : donor.query(
                    "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + USER + "'")) {
                donor.execute("KILL QUERY " + row.get(0));
            }
            SQLException e = running.get(60, TimeUnit.SECONDS);
            assertTrue(e != null, "the clone whose donor session was killed must fail");
            assertEquals(3862, e.getErrorCode(), CloneOps.describe(e));
            assertEquals("Clone Donor Error: 1317 : Query execution was interrupted.", e.getMessage());
            assertFalse(Files.exists(target));
        } finally {
            recipient.execute("SET GLOBAL clone_max_data_bandwidth = 0");
        }
        awaitNoDonorSessions();
    }

    /** Waits until the clone on {@code server} is copying files. */
    private static void awaitCopying(MysqlServer server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String data = server.scalar("SELECT DATA FROM performance_schema.clone_progress "
                    + "WHERE STAGE = 'FILE COPY' AND STATE = 'In Progress'");
            if (data != null && Long.parseLong(data) > 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the clone never reached FILE COPY: " + server.query(
                "SELECT STAGE, STATE, DATA FROM performance_schema.clone_progress"));
    }

    /** The donor ends every session a clone opened (its snapshot with it). */
    private static void awaitNoDonorSessions() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String sql = "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + USER + "'";
        while (!"0".equals(donor.scalar(sql))) {
            assertTrue(System.nanoTime() < deadline, "donor sessions left: " + donor.query(
                    "SELECT ID, COMMAND, STATE, TIME FROM information_schema.PROCESSLIST WHERE USER = '" + USER + "'"));
            Thread.sleep(100);
        }
    }

    @Test
    @Order(9)
    void anUnreachableDonorAndASecondCloneAreRefusedAndBlockDdlHoldsTheDonorsDdl() throws Exception {
        recipient.execute("SET GLOBAL clone_valid_donor_list = '" + donor.peerAddress() + ",127.0.0.1:1'");
        try {
            Path target = CloneOps.newTarget(recipient, "unreachable");
            SQLException e = cloneFails(recipient, "CLONE INSTANCE FROM '" + USER + "'@'127.0.0.1':1 IDENTIFIED BY '"
                    + PASSWORD + "' DATA DIRECTORY = '" + target + "'");
            assertEquals(3862, e.getErrorCode(), CloneOps.describe(e));
            assertTrue(e.getMessage().startsWith("Clone Donor Error: Connect failed: 2003 : "), e.getMessage());
            assertFalse(Files.exists(target));

            // clone_block_ddl on the recipient: the donor holds its backup lock for the clone.
            recipient.execute("SET GLOBAL clone_max_data_bandwidth = 16", "SET GLOBAL clone_block_ddl = ON");
            Path first = CloneOps.newTarget(recipient, "first");
            CompletableFuture<SQLException> running = CompletableFuture.supplyAsync(() -> {
                try {
                    clone(recipient, cloneFrom(USER, PASSWORD, donor, first));
                    return null;
                } catch (SQLException failed) {
                    return failed;
                }
            });
            awaitCopying(recipient);
            Path second = CloneOps.newTarget(recipient, "second");
            SQLException refused = cloneFails(recipient, cloneFrom(USER, PASSWORD, donor, second));
            assertEquals(3634, refused.getErrorCode(), CloneOps.describe(refused));
            assertEquals("Too many concurrent clone operations. Maximum allowed - 1.", refused.getMessage());
            assertFalse(Files.exists(second));
            SQLException local = assertThrows(SQLException.class, () -> CloneOps.cloneLocal(recipient, second));
            assertEquals(3634, local.getErrorCode(), "a local clone waits for the remote one too");
            try (Connection c = donor.connect(); Statement ddl = c.createStatement()) {
                ddl.execute("SET SESSION lock_wait_timeout = 1");
                SQLException blocked = assertThrows(SQLException.class,
                        () -> ddl.execute("CREATE TABLE bank.blocked (id INT PRIMARY KEY)"));
                assertEquals(1205, blocked.getErrorCode(), "DDL on the donor waits for the clone's backup lock: "
                        + CloneOps.describe(blocked));
            }
            recipient.execute("SET GLOBAL clone_max_data_bandwidth = 0");
            assertEquals(null, running.get(60, TimeUnit.SECONDS), "the first clone goes on");
        } finally {
            recipient.execute("SET GLOBAL clone_valid_donor_list = '" + donor.peerAddress() + "'",
                    "SET GLOBAL clone_max_data_bandwidth = 0", "SET GLOBAL clone_block_ddl = OFF");
        }
        donor.execute("CREATE TABLE bank.blocked (id INT PRIMARY KEY)", "DROP TABLE bank.blocked");
    }

    @Test
    @Order(10)
    void cloneReplacingTheRecipientsDataRestartsItOnTheDonorsData() throws Exception {
        recipient.execute("CREATE DATABASE only_here", "CREATE TABLE only_here.t (id INT PRIMARY KEY)",
                "SET GLOBAL clone_delay_after_data_drop = 1");
        clone(recipient, cloneFrom(USER, PASSWORD, donor, null));
        assertTrue(recipient.errorLogText().contains("Clone: delay after data drop, 1 s"),
                "clone_delay_after_data_drop is honoured");
        recipient.awaitRestart(Duration.ofSeconds(120));
        recipient.execute("SET GLOBAL clone_valid_donor_list = '" + donor.peerAddress() + "'");
        assertDonorData(recipient);
        assertEquals("0", recipient.scalar(
                "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'only_here'"));
        assertEquals(List.of(List.of("Completed", donor.peerAddress(), "LOCAL INSTANCE", "0")),
                recipient.query("SELECT STATE, SOURCE, DESTINATION, ERROR_NO FROM performance_schema.clone_status"));
        assertEquals(List.of("RESTART", "Completed"), recipient.query(
                "SELECT STAGE, STATE FROM performance_schema.clone_progress WHERE STAGE = 'RESTART'").get(0));
        assertEquals(List.of("RECOVERY", "Completed"), recipient.query(
                "SELECT STAGE, STATE FROM performance_schema.clone_progress WHERE STAGE = 'RECOVERY'").get(0));
    }

    @Test
    @Order(11)
    void aSecondRecipientIsRefusedAndAVanishedOneEndsTheDonorsSession(ServerFactory servers) throws Exception {
        MysqlServer unsupervised = servers.mysql8("unsupervised").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so").supervised(false).start();
        donor.execute("SET GLOBAL clone_donor_timeout_after_network_failure = 0");
        try {
            unsupervised.execute("SET GLOBAL clone_valid_donor_list = '" + donor.peerAddress() + "'",
                    "SET GLOBAL clone_max_data_bandwidth = 16");
            Path target = CloneOps.newTarget(unsupervised, "vanishing");
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try {
                    clone(unsupervised, cloneFrom(USER, PASSWORD, donor, target));
                } catch (SQLException e) {
                    // The recipient is killed under it.
                }
            });
            awaitCopying(unsupervised);
            // A second recipient while the donor serves one.
            Path second = CloneOps.newTarget(recipient, "second-recipient");
            SQLException busy = cloneFails(recipient, cloneFrom(USER, PASSWORD, donor, second));
            // InnoDB on the donor refuses a second snapshot; MySQL's template adds its period to the donor's.
            assertEquals(3862, busy.getErrorCode(), CloneOps.describe(busy));
            assertEquals("Clone Donor Error: 3634 : Too many concurrent clone operations. Maximum allowed - 1..",
                    busy.getMessage());
            assertFalse(Files.exists(second));
            unsupervised.kill();
            running.get(30, TimeUnit.SECONDS);
            awaitNoDonorSessions();
            // The donor's snapshot is gone: another clone from it begins and completes.
            Path again = CloneOps.newTarget(recipient, "after-vanished");
            clone(recipient, cloneFrom(USER, PASSWORD, donor, again));
            assertEquals("Completed", recipient.scalar("SELECT STATE FROM performance_schema.clone_status"));

            // Without a supervisor the replacing clone ends in 3707 and a shutdown, as MySQL's.
            unsupervised.start();
            unsupervised.execute("SET GLOBAL clone_valid_donor_list = '" + donor.peerAddress() + "'");
            SQLException e = cloneFails(unsupervised, cloneFrom(USER, PASSWORD, donor, null));
            assertEquals(3707, e.getErrorCode(), CloneOps.describe(e));
            assertEquals("Restart server failed (mysqld is not managed by supervisor process).", e.getMessage());
            unsupervised.awaitExit(Duration.ofSeconds(60));
            unsupervised.start();
            assertDonorData(unsupervised);
            assertEquals("Completed", unsupervised.scalar("SELECT STATE FROM performance_schema.clone_status"));
        } finally {
            donor.execute("SET GLOBAL clone_donor_timeout_after_network_failure = 5");
            unsupervised.stop();
        }
    }
}
