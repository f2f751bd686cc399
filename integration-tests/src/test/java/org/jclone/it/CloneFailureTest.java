package org.jclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.support.BackgroundClone;
import org.jclone.it.support.CloneOps;
import org.jclone.it.support.DataSets;
import org.jclone.it.support.Tmpfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * CLONE LOCAL DATA DIRECTORY when things go wrong: KILL, a full or unwritable target, a second
 * clone at the same time, a shutdown mid-clone, invalid targets. After each failure: a clear
 * error, nothing left in the target, the donor intact, and the next clone works.
 */
@ExtendWith(MysqlServerExtension.class)
class CloneFailureTest {

    /** ~100 KB each: ~60 MB of table data, ~150 MB to copy in all. */
    private static final int BLOB_ROWS = 600;
    private static final String BLOBS = "fail.blobs";
    private static final long MIB = 1024L * 1024L;

    private static MysqlServer donor;
    private static String blobsChecksum;

    @BeforeAll
    static void startDonor(ServerFactory servers) throws Exception {
        donor = servers.mysql8("donor").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .option("skip-log-bin")
                .option("innodb_flush_log_at_trx_commit", "2")
                .start();
        donor.execute("CREATE DATABASE fail");
        DataSets.createBlobs(donor, BLOBS, BLOB_ROWS);
        blobsChecksum = donor.query("CHECKSUM TABLE " + BLOBS).get(0).get(1);
    }

    @AfterEach
    void restoreDefaults() throws SQLException {
        if (donor != null && donor.isRunning()) {
            donor.execute("SET GLOBAL clone_max_data_bandwidth = 0");
        }
    }

    // ---- 4. KILL ---------------------------------------------------------------------------

    @Test
    void killQueryStopsTheCloneAndRemovesTheTarget(ServerFactory servers) throws Exception {
        CloneOps.setGlobal(donor, "clone_max_data_bandwidth", 10); // ~15 s for the whole copy
        Path target = CloneOps.newTarget(donor, "kill-query");
        long latencyMillis;
        try (BackgroundClone clone = BackgroundClone.start(donor, target)) {
            long copied = clone.awaitCopied(20 * MIB, Duration.ofSeconds(30));
            long killedAt = System.nanoTime();
            donor.execute("KILL QUERY " + clone.connectionId());
            SQLException e = clone.await(Duration.ofSeconds(30));
            latencyMillis = (clone.endedNanos() - killedAt) / 1_000_000;
            assertNotNull(e, "a killed CLONE must fail");
            CloneOps.assertErrorCode(1317, e); // ER_QUERY_INTERRUPTED
            log("KILL QUERY after %d bytes copied: CLONE failed %d ms later with %s", copied, latencyMillis,
                    CloneOps.describe(e));
        }
        assertFalse(Files.exists(target), "the killed clone's directory must be removed: " + CloneOps.listTree(target));
        assertDonorIntact();
        assertNextCloneWorks(servers, "after-kill-query");
    }

    @Test
    void killConnectionStopsTheCloneAndRemovesTheTarget(ServerFactory servers) throws Exception {
        CloneOps.setGlobal(donor, "clone_max_data_bandwidth", 10);
        Path target = CloneOps.newTarget(donor, "kill-connection");
        try (BackgroundClone clone = BackgroundClone.start(donor, target)) {
            long copied = clone.awaitCopied(20 * MIB, Duration.ofSeconds(30));
            long killedAt = System.nanoTime();
            donor.execute("KILL CONNECTION " + clone.connectionId());
            // The client sees its socket closed at once; what counts is the server side: the clone
            // session ends and the target disappears.
            long deadline = killedAt + Duration.ofSeconds(10).toNanos();
            long goneAt = 0;
            while (System.nanoTime() < deadline) {
                boolean sessionGone = "0".equals(donor.scalar(
                        "SELECT COUNT(*) FROM information_schema.processlist WHERE id = " + clone.connectionId()));
                if (sessionGone && !Files.exists(target)) {
                    goneAt = System.nanoTime();
                    break;
                }
                CloneOps.sleep(20);
            }
            SQLException e = clone.await(Duration.ofSeconds(30));
            assertNotNull(e, "a killed CLONE must fail");
            assertTrue(goneAt > 0, "10 s after KILL CONNECTION the clone session or its directory is still there: "
                    + CloneOps.listTree(target));
            long latencyMillis = (goneAt - killedAt) / 1_000_000;
            log("KILL CONNECTION after %d bytes copied: session and target gone %d ms later; client saw %s",
                    copied, latencyMillis, CloneOps.describe(e));
        }
        assertDonorIntact();
        assertNextCloneWorks(servers, "after-kill-connection");
    }

    // ---- 5. full target --------------------------------------------------------------------

    @Test
    void targetFillingUpDuringTheCopyFailsWithTheFileAndOsErrorAndLeavesNothing(ServerFactory servers)
            throws Exception {
        // Room enough for InnoDB's up-front space check (estimate ~240 MiB), then the file system
        // fills up while the clone copies.
        try (Tmpfs fs = Tmpfs.mount("clone-fills-up", 400, false)) {
            Path target = fs.path().resolve("clone");
            Path filler = fs.path().resolve("filler");
            CloneOps.setGlobal(donor, "clone_max_data_bandwidth", 10);
            SQLException e;
            long fillerBytes;
            try (BackgroundClone clone = BackgroundClone.start(donor, target)) {
                clone.awaitCopied(20 * MIB, Duration.ofSeconds(30));
                fillerBytes = fillUp(filler);
                e = clone.await(Duration.ofSeconds(60));
            }
            assertNotNull(e, "the clone cannot succeed on a full file system");
            log("target filled up mid-copy (%d filler bytes): %s", fillerBytes, CloneOps.describe(e));
            CloneOps.assertErrorCode(1026, e); // ER_ERROR_ON_WRITE
            assertTrue(e.getMessage().contains(target.toString()), "the error names the file: " + e.getMessage());
            assertTrue(e.getMessage().contains("No space left on device") && e.getMessage().contains("errno: 28"),
                    "the error gives the OS error (errno 28): " + e.getMessage());
            assertEquals(List.of("filler"), CloneOps.listTree(fs.path()), "the clone must remove all it wrote");
            Files.delete(filler);
        }
        assertDonorIntact();
        assertNextCloneWorks(servers, "after-full");
    }

    @Test
    void targetTooSmallForTheEstimateIsRefusedUpFront() throws Exception {
        // MySQL's InnoDB checks the free space against its estimate before copying (ER_CLONE_DISK_SPACE).
        try (Tmpfs small = Tmpfs.mount("clone-too-small", 20, false)) {
            Path target = small.path().resolve("clone");
            SQLException e;
            try (Connection c = donor.connect()) {
                e = CloneOps.cloneExpectingFailure(c, target);
            }
            log("target too small (20 MiB tmpfs): %s", CloneOps.describe(e));
            CloneOps.assertErrorCode(3873, e);
            // The clone's status files (8 KiB) may already be in the target when InnoDB looks.
            assertTrue(e.getMessage().matches("Clone estimated database size is [0-9.]+ MiB\\. "
                    + "Available space (20\\.00|19\\.99) MiB is not enough\\."), e.getMessage());
            assertEquals(List.of(), CloneOps.listTree(small.path()), "nothing may be left behind");
        }
        assertDonorIntact();
    }

    @Test
    void targetOutOfInodesFailsCleanly() throws Exception {
        // Space enough, but only a handful of inodes: creating one of the clone's files fails.
        try (Tmpfs few = Tmpfs.mountWithOptions("clone-inodes", "size=600m,nr_inodes=8")) {
            Path target = few.path().resolve("clone");
            SQLException e;
            try (Connection c = donor.connect()) {
                e = CloneOps.cloneExpectingFailure(c, target);
            }
            log("target out of inodes: %s", CloneOps.describe(e));
            // The directory and the status files take the few inodes; InnoDB cannot create its first data file.
            CloneOps.assertErrorCode(1004, e); // ER_CANT_CREATE_FILE
            assertTrue(e.getMessage().startsWith("Can't create file '" + target.resolve("ibdata1") + "'"),
                    e.getMessage());
            assertTrue(e.getMessage().contains(target.toString()), "the error names the path: " + e.getMessage());
            assertTrue(e.getMessage().contains("No space left on device") && e.getMessage().contains("28"),
                    "the error gives the OS error (errno 28): " + e.getMessage());
            assertEquals(List.of(), CloneOps.listTree(few.path()), "nothing may be left behind");
        }
        assertDonorIntact();
    }

    // ---- 6. target the server may not write ------------------------------------------------

    @Test
    void readOnlyTargetFailsWithAClearErrorAndLeavesNothing() throws Exception {
        // mysqld runs as root here, so file permissions would not stop it; a read-only mount does
        // (chattr +i on the parent works as well, errno 1, but needs CAP_LINUX_IMMUTABLE, which
        // containers usually lack, whereas the tmpfs tests need mount rights anyway).
        try (Tmpfs readOnly = Tmpfs.mount("clone-ro", 5, true)) {
            Path target = readOnly.path().resolve("clone");
            SQLException e;
            try (Connection c = donor.connect()) {
                e = CloneOps.cloneExpectingFailure(c, target);
            }
            log("read-only target: %s", CloneOps.describe(e));
            // MySQL's InnoDB reports ER_CANT_CREATE_DB for the clone directory it cannot create.
            CloneOps.assertErrorCode(1006, e);
            assertTrue(e.getMessage().contains(target.toString()), "the error names the directory: " + e.getMessage());
            assertTrue(e.getMessage().contains("Read-only file system") && e.getMessage().contains("30"),
                    "the error gives the OS error (errno 30): " + e.getMessage());
            assertEquals(List.of(), CloneOps.listTree(readOnly.path()));
        }
        assertDonorIntact();
    }

    // ---- 7. two clones at once -------------------------------------------------------------

    @Test
    void secondConcurrentCloneIsRefusedWhileTheFirstSucceeds(ServerFactory servers) throws Exception {
        CloneOps.setGlobal(donor, "clone_max_data_bandwidth", 10);
        Path first = CloneOps.newTarget(donor, "first");
        Path second = CloneOps.newTarget(donor, "second");
        try (BackgroundClone running = BackgroundClone.start(donor, first)) {
            running.awaitCopied(5 * MIB, Duration.ofSeconds(30));
            SQLException e;
            try (Connection c = donor.connect()) {
                e = CloneOps.cloneExpectingFailure(c, second);
            }
            CloneOps.assertErrorCode(3634, e); // ER_CLONE_TOO_MANY_CONCURRENT_CLONES
            assertTrue(e.getMessage().contains("Too many concurrent clone operations. Maximum allowed - 1."),
                    e.getMessage());
            assertFalse(Files.exists(second), "the refused clone must not create its directory");
            // A clone naming the running clone's own directory is refused by the server (the directory
            // exists) and leaves the running clone's target alone.
            try (Connection c = donor.connect()) {
                SQLException same = CloneOps.cloneExpectingFailure(c, first);
                CloneOps.assertErrorCode(1007, same); // ER_DB_CREATE_EXISTS
            }
            assertTrue(Files.isDirectory(first), "the running clone's directory is still there");
            assertFalse(running.isDone(), "the first clone must still be running");

            CloneOps.setGlobal(donor, "clone_max_data_bandwidth", 0); // dynamic: let it finish now
            assertNull(running.await(Duration.ofSeconds(120)), "the first clone must succeed");
            log("concurrent clones: second refused with %s; first finished in %d ms", CloneOps.describe(e),
                    running.elapsed().toMillis());
        }
        MysqlServer clone = CloneOps.startClone(servers, "first", first);
        assertEquals(blobsChecksum, clone.query("CHECKSUM TABLE " + BLOBS).get(0).get(1));
    }

    // ---- 10. shutdown during a clone -------------------------------------------------------

    @Test
    void shutdownDuringACloneEndsTheServerPromptly(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("shutdown-donor").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .option("skip-log-bin")
                .option("innodb_flush_log_at_trx_commit", "2")
                .start();
        server.execute("CREATE DATABASE fail");
        DataSets.createBlobs(server, BLOBS, 300);
        String checksum = server.query("CHECKSUM TABLE " + BLOBS).get(0).get(1);

        // SHUTDOWN statement.
        CloneOps.setGlobal(server, "clone_max_data_bandwidth", 5);
        Path viaSql = CloneOps.newTarget(server, "shutdown-sql");
        try (BackgroundClone clone = BackgroundClone.start(server, viaSql)) {
            clone.awaitCopied(10 * MIB, Duration.ofSeconds(30));
            long t0 = System.nanoTime();
            server.execute("SHUTDOWN");
            int exit = server.awaitExit(Duration.ofSeconds(60));
            long exitMillis = (System.nanoTime() - t0) / 1_000_000;
            SQLException e = clone.await(Duration.ofSeconds(30));
            log("SHUTDOWN during clone: mysqld exited with %d after %d ms; CLONE got %s; left in target: %s",
                    exit, exitMillis, e == null ? "success" : CloneOps.describe(e), CloneOps.listTree(viaSql).size());
            assertEquals(0, exit, "a clean shutdown");
            assertNotNull(e, "the interrupted clone must not report success");
            assertFalse(Files.exists(viaSql), "the interrupted clone's directory must be removed: "
                    + CloneOps.listTree(viaSql));
        }
        server.start();
        assertEquals(checksum, server.query("CHECKSUM TABLE " + BLOBS).get(0).get(1));
        assertEquals(0, DataSets.brokenBlobs(server, BLOBS));

        // SIGTERM, as a service manager sends it.
        CloneOps.setGlobal(server, "clone_max_data_bandwidth", 5);
        Path viaSignal = CloneOps.newTarget(server, "shutdown-sigterm");
        try (BackgroundClone clone = BackgroundClone.start(server, viaSignal)) {
            clone.awaitCopied(10 * MIB, Duration.ofSeconds(30));
            long t0 = System.nanoTime();
            server.stop(); // SIGTERM; the harness would SIGKILL only after 60 s
            long stopMillis = (System.nanoTime() - t0) / 1_000_000;
            SQLException e = clone.await(Duration.ofSeconds(30));
            log("SIGTERM during clone: mysqld exited after %d ms; CLONE got %s; left in target: %s", stopMillis,
                    e == null ? "success" : CloneOps.describe(e), CloneOps.listTree(viaSignal).size());
            assertTrue(stopMillis < 50_000, "mysqld took " + stopMillis + " ms to stop on SIGTERM");
            assertNotNull(e, "the interrupted clone must not report success");
            assertFalse(Files.exists(viaSignal), "the interrupted clone's directory must be removed: "
                    + CloneOps.listTree(viaSignal));
        }
        server.start();
        assertEquals(checksum, server.query("CHECKSUM TABLE " + BLOBS).get(0).get(1));
        Path after = CloneOps.newTarget(server, "after-shutdowns");
        CloneOps.cloneLocal(server, after);
        MysqlServer clone = CloneOps.startClone(servers, "after-shutdowns", after);
        assertEquals(checksum, clone.query("CHECKSUM TABLE " + BLOBS).get(0).get(1));
    }

    // ---- invalid targets -------------------------------------------------------------------

    @Test
    void rejectsExistingRelativeAndInsideDatadirTargets() throws Exception {
        Path existing = CloneOps.newTarget(donor, "exists");
        Files.createDirectories(existing);
        try (Connection c = donor.connect()) {
            CloneOps.assertErrorCode(1007, CloneOps.cloneExpectingFailure(c, existing)); // ER_DB_CREATE_EXISTS
            CloneOps.assertErrorCode(1525, CloneOps.cloneExpectingFailure(c, Path.of("relative/clone")));
            CloneOps.assertErrorCode(3632, CloneOps.cloneExpectingFailure(c, donor.dataDir().resolve("inside")));
        }
        assertEquals(List.of(), CloneOps.listTree(existing));
        assertFalse(Files.exists(donor.dataDir().resolve("inside")));
        assertDonorIntact();
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** Writes {@code file} until the file system is full; returns the bytes written. */
    private static long fillUp(Path file) throws IOException {
        long written = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int chunk : new int[] {1 << 20, 4096}) {
                ByteBuffer buf = ByteBuffer.allocate(chunk);
                try {
                    while (true) {
                        buf.clear();
                        while (buf.hasRemaining()) {
                            written += ch.write(buf);
                        }
                    }
                } catch (IOException full) {
                    if (!String.valueOf(full.getMessage()).contains("No space left")) {
                        throw full;
                    }
                }
            }
        }
        return written;
    }

    private static void assertDonorIntact() throws SQLException {
        assertTrue(donor.isRunning(), "the donor must survive a failed clone");
        assertEquals(Integer.toString(BLOB_ROWS), donor.scalar("SELECT COUNT(*) FROM " + BLOBS));
        assertEquals(blobsChecksum, donor.query("CHECKSUM TABLE " + BLOBS).get(0).get(1));
        assertEquals("0", donor.scalar("SELECT COUNT(*) FROM information_schema.processlist "
                + "WHERE info LIKE 'CLONE %'"), "no clone may still be running");
    }

    private static void assertNextCloneWorks(ServerFactory servers, String name) throws Exception {
        CloneOps.setGlobal(donor, "clone_max_data_bandwidth", 0);
        Path target = CloneOps.newTarget(donor, name);
        CloneOps.cloneLocal(donor, target);
        MysqlServer clone = CloneOps.startClone(servers, name, target);
        assertEquals(blobsChecksum, clone.query("CHECKSUM TABLE " + BLOBS).get(0).get(1));
        assertEquals(0, DataSets.brokenBlobs(clone, BLOBS));
        clone.stop();
    }

    static void log(String format, Object... args) {
        System.out.println("[clone-it] " + String.format(format, args));
    }
}
