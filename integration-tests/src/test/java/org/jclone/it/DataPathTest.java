package org.jclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.support.BackgroundClone;
import org.jclone.it.support.CloneOps;
import org.jclone.it.support.DataSets;
import org.jclone.it.support.MysqldProc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The data path against InnoDB's file lifetimes: tables rebuilt under their own name while
 * clones run (each file a new inode that may get the old descriptor number at the old path),
 * and the clone buffers in performance_schema's memory/clone/data. Every clone is started
 * and checked.
 */
@ExtendWith(MysqlServerExtension.class)
class DataPathTest {
    private static final String BLOBS = "big.blobs";
    private static final int BLOB_ROWS = 600;
    /** Rows of every rebuilt table: ~1 KB each, payload a function of (gen, id). */
    private static final int ROWS = 2048;
    private static final String PAYLOAD = "REPEAT(MD5(CONCAT(gen, '-', id)), 32)";

    private static MysqlServer donor;

    @BeforeAll
    static void startDonor(ServerFactory servers) throws Exception {
        donor = servers.mysql8("donor").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .option("skip-log-bin")
                .option("innodb_flush_log_at_trx_commit", "2")
                .start();
        donor.execute("CREATE DATABASE big", "CREATE DATABASE rebuild",
                "CREATE TABLE rebuild.seq (id INT PRIMARY KEY)", "INSERT INTO rebuild.seq VALUES (1)");
        for (int have = 1; have < ROWS; have *= 2) {
            donor.execute("INSERT INTO rebuild.seq SELECT id + " + have + " FROM rebuild.seq");
        }
        DataSets.createBlobs(donor, BLOBS, BLOB_ROWS);
    }

    @AfterEach
    void restoreDefaults() throws SQLException {
        if (donor != null && donor.isRunning()) {
            donor.execute("SET GLOBAL clone_max_data_bandwidth = 0", "SET GLOBAL clone_max_concurrency = 16",
                    "SET GLOBAL clone_autotune_concurrency = ON", "SET GLOBAL clone_buffer_size = 4194304");
        }
    }

    @Test
    void tablesRebuiltUnderTheirOwnNameDuringClonesAreClonedWhole(ServerFactory servers) throws Exception {
        for (String table : List.of("t_truncate", "t_force", "t_recreate", "t_swap")) {
            createFilled(donor, "rebuild." + table, 0);
        }
        // Slow enough that every clone overlaps several rebuilds of each table.
        CloneOps.setGlobal(donor, "clone_max_data_bandwidth", 16);
        try (Rebuilder rebuilder = new Rebuilder(donor)) {
            for (int round = 1; round <= 3; round++) {
                long rebuildsBefore = rebuilder.rounds.get();
                Path target = CloneOps.newTarget(donor, "rebuilt");
                CloneOps.cloneLocal(donor, target);
                long rebuilds = rebuilder.rounds.get() - rebuildsBefore;
                assertEquals(List.of(), List.copyOf(rebuilder.errors), "the rebuilds must run without errors");
                assertTrue(rebuilds >= 1, "no table was rebuilt during clone " + round);

                MysqlServer clone = CloneOps.startClone(servers, "rebuilt-" + round, target);
                CloneOps.CheckResult check = CloneOps.checkAllInnodbTables(clone);
                assertEquals(Map.of(), check.problems(), "CHECK TABLE on clone " + round);
                assertEquals(Integer.toString(BLOB_ROWS), clone.scalar("SELECT COUNT(*) FROM " + BLOBS));
                assertEquals(0, DataSets.brokenBlobs(clone, BLOBS));
                assertWhole(clone, "rebuild.t_force", false);
                assertWhole(clone, "rebuild.t_truncate", true);
                for (String table : List.of("rebuild.t_recreate", "rebuild.t_swap")) {
                    // Between DROP and CREATE (or the two RENAMEs) the table may be missing.
                    if (tableExists(clone, table)) {
                        assertWhole(clone, table, true);
                    }
                }
                CloneLocalTest.log("clone %d: %d rebuild rounds during it, %d InnoDB tables OK", round, rebuilds,
                        check.checked());
                clone.stop();
            }
        }
    }

    @Test
    void memoryCloneDataShowsTheBuffersWhileACloneRunsAndNothingAfter(ServerFactory servers) throws Exception {
        int bufferSize = 8 * 1024 * 1024;
        donor.execute("SET GLOBAL clone_buffer_size = " + bufferSize, "SET GLOBAL clone_max_concurrency = 1",
                "SET GLOBAL clone_autotune_concurrency = OFF", "SET GLOBAL clone_max_data_bandwidth = 8");
        assertEquals(0, bytesInUse(), "memory/clone/data before the clone");
        String pid = MysqldProc.pidOf(donor);
        long hugeBefore = MysqldProc.anonHugePagesKib(pid);
        Path target = CloneOps.newTarget(donor, "counted");
        long during;
        long hugeDuring;
        try (BackgroundClone clone = BackgroundClone.start(donor, target)) {
            clone.awaitCopied(16L * 1024 * 1024, Duration.ofMinutes(2));
            during = bytesInUse();
            hugeDuring = MysqldProc.anonHugePagesKib(pid);
            assertNull(clone.await(Duration.ofMinutes(5)), "the clone must succeed");
        }
        assertEquals(bufferSize, during, "one task holds one clone_buffer_size buffer");
        // The buffer asked for transparent huge pages (its direct writes then pin a few large pages
        // per piece); the kernel honours that unless THP is off. The 1 MiB pieces are staged in the
        // buffer's first 2 MiB: the one huge page touched.
        String thp = MysqldProc.transparentHugePageMode();
        CloneLocalTest.log("AnonHugePages of mysqld %d KiB before the clone, %d KiB during it (THP mode %s)",
                hugeBefore, hugeDuring, thp);
        if (!"never".equals(thp)) {
            assertTrue(hugeDuring - hugeBefore >= 2048, "the clone buffer on huge pages: AnonHugePages "
                    + hugeBefore + " KiB before, " + hugeDuring + " KiB during the clone");
        }
        assertEquals(0, bytesInUse(), "memory/clone/data after the clone");
        assertEquals(CloneOps.longValue(donor, allocations("COUNT_ALLOC")),
                CloneOps.longValue(donor, allocations("COUNT_FREE")), "every buffer given back");
        // What the clone's threads malloc'ed and freed goes back to the OS too (heap_release.cc).
        assertTrue(donor.errorLogText().contains("Clone plugin gave freed C heap memory back to the OS after the clone"),
                "the plugin trims glibc's arenas after the clone and says so in the error log");

        MysqlServer clone = CloneOps.startClone(servers, "counted", target);
        assertEquals(Integer.toString(BLOB_ROWS), clone.scalar("SELECT COUNT(*) FROM " + BLOBS));
        assertEquals(0, DataSets.brokenBlobs(clone, BLOBS));
    }

    /**
     * By default the clone's aligned pieces are written with O_DIRECT: right after the clone its
     * largest file is hardly in the page cache, whereas written through it (the next test) most of
     * that file is.
     */
    @Test
    void theClonesDataIsWrittenPastThePageCache(ServerFactory servers) throws Exception {
        Path target = CloneOps.newTarget(donor, "direct");
        CloneOps.cloneLocal(donor, target);
        Path blobs = target.resolve("big/blobs.ibd");
        long size = Files.size(blobs);
        assertTrue(size >= 32L << 20, "the blobs' file holds " + size + " bytes");
        long resident = CloneOps.residentBytes(blobs);
        assertTrue(resident < size / 10, resident + " of " + size + " bytes in the page cache");

        MysqlServer clone = CloneOps.startClone(servers, "direct", target);
        assertEquals(Integer.toString(BLOB_ROWS), clone.scalar("SELECT COUNT(*) FROM " + BLOBS));
        assertEquals(0, DataSets.brokenBlobs(clone, BLOBS));
        clone.stop();
    }

    /**
     * With direct writes off and the mover's write-back in its other mode
     * (clone_java_options=-Djclone.directWrites=off -Djclone.writeBack=start: the pieces go through
     * copy_file_range into the page cache, their write-back started, never waited for; every other
     * server of the suite writes its aligned pieces with O_DIRECT), the clone's pieces go through
     * sync_file_range inside mysqld (-Xcheck:jni on, as for every server of the harness); the clone
     * is whole. Which calls the mover makes is WriteBackTest's and DirectIoTest's subject.
     */
    @Test
    void throughThePageCacheWithWriteBackOnlyStartedTheCloneIsWhole(ServerFactory servers) throws Exception {
        MysqlServer own = servers.mysql8("writeback").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .option("skip-log-bin")
                .option("clone_java_options", "-Djclone.directWrites=off -Djclone.writeBack=start")
                .start();
        own.execute("CREATE DATABASE big");
        DataSets.createBlobs(own, BLOBS, BLOB_ROWS);
        own.execute("SET GLOBAL clone_max_concurrency = 2", "SET GLOBAL clone_autotune_concurrency = OFF");
        Map<String, String> sums = CloneOps.innodbChecksums(own);
        Path target = CloneOps.newTarget(own, "written-back");
        CloneOps.cloneLocal(own, target);
        own.stop();
        Path blobs = target.resolve("big/blobs.ibd");
        long size = Files.size(blobs);
        long resident = CloneOps.residentBytes(blobs);
        assertTrue(resident > size / 2, resident + " of " + size + " bytes in the page cache");

        MysqlServer clone = CloneOps.startClone(servers, "written-back", target);
        assertEquals(sums, CloneOps.innodbChecksums(clone));
        assertEquals(0, DataSets.brokenBlobs(clone, BLOBS));
    }

    private static long bytesInUse() throws SQLException {
        return CloneOps.longValue(donor, allocations("CURRENT_NUMBER_OF_BYTES_USED"));
    }

    private static String allocations(String column) {
        return "SELECT " + column + " FROM performance_schema.memory_summary_global_by_event_name "
                + "WHERE EVENT_NAME = 'memory/clone/data'";
    }

    /** Rows 1..ROWS of generation {@code gen} in a fresh table {@code table}. */
    private static void createFilled(MysqlServer server, String table, long gen) throws SQLException {
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, gen BIGINT NOT NULL, "
                    + "payload VARCHAR(1024) NOT NULL) ENGINE=InnoDB");
            fill(s, table, gen);
        }
    }

    private static void fill(Statement s, String table, long gen) throws SQLException {
        s.execute("INSERT INTO " + table + " (id, gen, payload) SELECT id, " + gen + ", "
                + PAYLOAD.replace("gen", Long.toString(gen)) + " FROM rebuild.seq");
    }

    /** One generation, whole: ROWS rows (or none, where the rebuild empties the table first). */
    private static void assertWhole(MysqlServer clone, String table, boolean mayBeEmpty) throws SQLException {
        long rows = CloneOps.longValue(clone, "SELECT COUNT(*) FROM " + table);
        assertTrue(rows == ROWS || (mayBeEmpty && rows == 0), table + " holds " + rows + " rows");
        assertEquals(rows == 0 ? 0 : 1, CloneOps.longValue(clone, "SELECT COUNT(DISTINCT gen) FROM " + table),
                table + " mixes generations");
        assertEquals(0, CloneOps.longValue(clone, "SELECT COUNT(*) FROM " + table + " WHERE payload <> "
                + PAYLOAD), table + " has rows whose payload is not its generation's");
    }

    private static boolean tableExists(MysqlServer server, String table) throws SQLException {
        String[] parts = table.split("\\.");
        return CloneOps.longValue(server, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '"
                + parts[0] + "' AND table_name = '" + parts[1] + "'") == 1;
    }

    /** Rebuilds each table under its own name, in a loop, on a connection of its own. */
    private static final class Rebuilder implements AutoCloseable {
        final AtomicLong rounds = new AtomicLong();
        final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        private final Thread thread;
        private volatile boolean stopping;

        Rebuilder(MysqlServer server) {
            thread = new Thread(() -> run(server), "rebuilder");
            thread.start();
        }

        private void run(MysqlServer server) {
            try (Connection c = server.connect(); Statement s = c.createStatement()) {
                for (long gen = 1; !stopping; gen++) {
                    s.execute("TRUNCATE TABLE rebuild.t_truncate");
                    fill(s, "rebuild.t_truncate", gen);
                    s.execute("UPDATE rebuild.t_force SET gen = " + gen + ", payload = "
                            + PAYLOAD.replace("gen", Long.toString(gen)));
                    s.execute("ALTER TABLE rebuild.t_force FORCE");
                    s.execute("DROP TABLE rebuild.t_recreate");
                    s.execute("CREATE TABLE rebuild.t_recreate LIKE rebuild.t_force");
                    fill(s, "rebuild.t_recreate", gen);
                    s.execute("CREATE TABLE rebuild.t_swap_new LIKE rebuild.t_force");
                    fill(s, "rebuild.t_swap_new", gen);
                    s.execute("RENAME TABLE rebuild.t_swap TO rebuild.t_swap_old, rebuild.t_swap_new TO rebuild.t_swap");
                    s.execute("DROP TABLE rebuild.t_swap_old");
                    rounds.incrementAndGet();
                }
            } catch (SQLException e) {
                errors.add(CloneOps.describe(e));
            }
        }

        @Override
        public void close() throws InterruptedException {
            stopping = true;
            thread.join(120_000);
        }
    }
}
