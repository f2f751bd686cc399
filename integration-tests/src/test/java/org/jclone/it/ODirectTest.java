package org.jclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.support.CloneOps;
import org.jclone.it.support.DataSets;
import org.jclone.it.support.Tmpfs;
import org.jclone.it.support.Workload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A donor with innodb_flush_method=O_DIRECT (the test directories are on ext4, which honours
 * O_DIRECT): the largest clone_buffer_size with four tasks under load, and a clone onto another
 * file system, where copy_file_range cannot be used and the pieces go through the aligned
 * staging buffers with direct reads. Every clone is started and checked.
 */
@ExtendWith(MysqlServerExtension.class)
class ODirectTest {
    private static final String BLOBS = "big.blobs";
    private static final int BLOB_ROWS = 800;
    private static final int ACCOUNTS = 500;
    private static final int BALANCE = 1000;

    private static MysqlServer donor;

    @BeforeAll
    static void startDonor(ServerFactory servers) throws Exception {
        donor = servers.mysql8("donor").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .option("skip-log-bin")
                .option("innodb_flush_method", "O_DIRECT")
                .option("innodb_flush_log_at_trx_commit", "2")
                .start();
        assertEquals("O_DIRECT", donor.scalar("SELECT @@innodb_flush_method"));
        donor.execute("CREATE DATABASE big");
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
    void theLargestBufferWithFourTasksClonesUnderLoad(ServerFactory servers) throws Exception {
        donor.execute("SET GLOBAL clone_buffer_size = 268435456", "SET GLOBAL clone_max_concurrency = 4",
                "SET GLOBAL clone_autotune_concurrency = OFF", "SET GLOBAL clone_max_data_bandwidth = 40");
        Path target = CloneOps.newTarget(donor, "large-buffers");
        cloneUnderLoad("load_large", target);
        assertEquals(4, CloneOps.maxCloneTasks(donor.errorLogText()), "the clone ran four tasks");
        assertEquals(0, CloneOps.longValue(donor, "SELECT CURRENT_NUMBER_OF_BYTES_USED FROM "
                + "performance_schema.memory_summary_global_by_event_name WHERE EVENT_NAME = 'memory/clone/data'"),
                "every buffer given back");
        checkClone(servers, "large-buffers", "load_large", target);
    }

    @Test
    void aCloneOntoAnotherFileSystemGoesThroughTheStagingBuffers(ServerFactory servers) throws Exception {
        donor.execute("SET GLOBAL clone_max_concurrency = 2", "SET GLOBAL clone_autotune_concurrency = OFF");
        try (Tmpfs other = Tmpfs.mount("odirect-target", 1024, false)) {
            Path target = other.path().resolve("clone");
            cloneUnderLoad("load_other", target);
            checkClone(servers, "other-fs", "load_other", target);
        }
    }

    /** A clone while a workload of its own runs in {@code schema}. */
    private static void cloneUnderLoad(String schema, Path target) throws Exception {
        donor.execute("CREATE DATABASE " + schema);
        DataSets.createAccounts(donor, schema + ".accounts", ACCOUNTS, BALANCE);
        Workload.createEventsTable(donor, schema);
        try (Workload load = new Workload(donor, schema, BLOBS, ACCOUNTS, BLOB_ROWS,
                Duration.ofSeconds(120), 1_000_000).start()) {
            load.awaitProgress(3, Duration.ofSeconds(60));
            CloneOps.cloneLocal(donor, target);
            load.stop();
            assertEquals(List.of(), load.errors(), "the workload must run without errors during the clone");
        }
    }

    private static void checkClone(ServerFactory servers, String name, String schema, Path target)
            throws Exception {
        MysqlServer clone = CloneOps.startClone(servers, name, target);
        try {
            assertEquals(Long.toString((long) ACCOUNTS * BALANCE),
                    clone.scalar("SELECT SUM(balance) FROM " + schema + ".accounts"), "transfers are atomic");
            long events = CloneOps.longValue(clone, "SELECT COUNT(*) FROM " + schema + ".events");
            assertEquals(CloneOps.longValue(clone, "SELECT COALESCE(MAX(id), 0) FROM " + schema + ".events"), events,
                    "events 1..max without holes");
            assertEquals(Integer.toString(BLOB_ROWS), clone.scalar("SELECT COUNT(*) FROM " + BLOBS));
            assertEquals(0, DataSets.brokenBlobs(clone, BLOBS), "every large value whole");
            CloneOps.CheckResult check = CloneOps.checkAllInnodbTables(clone);
            assertEquals(Map.of(), check.problems(), "CHECK TABLE on the clone");
            assertTrue(check.checked() >= 3, "checked " + check.checked() + " tables");
        } finally {
            clone.stop();
        }
    }
}
