package org.jclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jclone.it.harness.FileTrees;
import org.jclone.it.harness.MysqlDistribution;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.support.CloneOps;
import org.jclone.it.support.DataSets;
import org.jclone.it.support.LoopImage;
import org.jclone.it.support.Tmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A donor and its clone on XFS with reflink (a loop-mounted image made with
 * {@code mkfs.xfs -m reflink=1}; xfsprogs comes from scripts/prerequisites.sh): the clone's
 * data files share their extents with the donor's, take almost no space, and stay a true
 * snapshot when the donor rewrites every row afterwards.
 */
@ExtendWith(MysqlServerExtension.class)
class ReflinkTest {
    private static final String BLOBS = "big.blobs";
    private static final int BLOB_ROWS = 600;

    @Test
    void aCloneSharesExtentsWithTheDonorAndStaysASnapshot(ServerFactory servers) throws Exception {
        cloneOnXfs(servers, "fsync");
    }

    /** An O_DIRECT donor's pieces take copy_file_range on XFS too, where it shares extents. */
    @Test
    void anODirectDonorSharesExtentsToo(ServerFactory servers) throws Exception {
        cloneOnXfs(servers, "O_DIRECT");
    }

    private static void cloneOnXfs(ServerFactory servers, String flushMethod) throws Exception {
        try (LoopImage xfs = LoopImage.xfsWithReflink("reflink", 1536)) {
            Path donorData = xfs.path().resolve("donor");
            FileTrees.copyTree(MysqlDistribution.mysql8().templateDataDir(), donorData);
            Files.deleteIfExists(donorData.resolve("auto.cnf"));
            MysqlServer donor = servers.mysql8("donor").withPlugin(true)
                    .option("plugin-load-add", "mysql_clone.so")
                    .option("skip-log-bin")
                    .option("innodb_flush_method", flushMethod)
                    .dataDir(donorData)
                    .start();
            MysqlServer clone = null;
            try {
                donor.execute("CREATE DATABASE big");
                DataSets.createBlobs(donor, BLOBS, BLOB_ROWS);
                flushDirtyPages(donor);
                Path target = xfs.path().resolve("clone");
                long usedBefore = xfs.usedBytes();
                CloneOps.cloneLocal(donor, target);
                long usedByClone = xfs.usedBytes() - usedBefore;

                Path blobsFile = target.resolve("big").resolve("blobs.ibd");
                long blobsBytes = Files.size(blobsFile);
                long shared = sharedBytes(blobsFile);
                CloneLocalTest.log("reflink, " + flushMethod + ": blobs.ibd %d bytes, %d of them in shared extents; clone %d bytes, "
                        + "%d bytes of new space used", blobsBytes, shared, CloneOps.treeBytes(target), usedByClone);
                assertTrue(shared >= blobsBytes * 9 / 10, "the clone's blobs.ibd must share (almost) all its "
                        + "extents with the donor's: " + shared + " of " + blobsBytes + " bytes shared");
                // What the clone's files occupy beyond the new space they took is what sharing saved;
                // InnoDB's own new files (redo, temporary) are not shared.
                long saved = CloneOps.treeAllocatedBytes(target) - usedByClone;
                assertTrue(saved >= blobsBytes * 9 / 10, "sharing saved only " + saved
                        + " bytes of space for a " + blobsBytes + "-byte table");

                Map<String, String> before = digests(target);
                // Every row rewritten, then a clean shutdown writes every page back in place.
                donor.execute("UPDATE " + BLOBS + " SET seed = MD5(CONCAT(seed, 'x')), "
                        + "payload = REPEAT(seed, " + DataSets.SEED_REPEAT + "), version = version + 1");
                donor.stop();
                assertEquals(before, digests(target), "rewriting the donor changed the clone's files");

                clone = CloneOps.startClone(servers, "snapshot", target);
                assertEquals(Integer.toString(BLOB_ROWS), clone.scalar("SELECT COUNT(*) FROM " + BLOBS));
                assertEquals("0", clone.scalar("SELECT MAX(version) FROM " + BLOBS), "the clone holds the old rows");
                assertEquals(0, DataSets.brokenBlobs(clone, BLOBS));
                assertEquals(Map.of(), CloneOps.checkAllInnodbTables(clone).problems(), "CHECK TABLE on the clone");

                donor.start();
                assertEquals("1", donor.scalar("SELECT MIN(version) FROM " + BLOBS), "the donor kept its rewrite");
                assertEquals(0, DataSets.brokenBlobs(donor, BLOBS));
            } finally {
                // The file system can only be unmounted once no server uses it.
                if (clone != null) {
                    clone.stop();
                }
                donor.stop();
            }
        }
    }

    /**
     * Writes the donor's dirty pages back before the clone: a page InnoDB writes into the donor's
     * file after FILE COPY shared its extent gives that block new space (copy-on-write), so how
     * much stays shared would depend on when the page cleaner runs.
     */
    private static void flushDirtyPages(MysqlServer donor) throws Exception {
        donor.execute("SET GLOBAL innodb_max_dirty_pages_pct_lwm = 0", "SET GLOBAL innodb_max_dirty_pages_pct = 0");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        String dirty;
        while (!"0".equals(dirty = donor.scalar("SELECT VARIABLE_VALUE FROM performance_schema.global_status "
                + "WHERE VARIABLE_NAME = 'Innodb_buffer_pool_pages_dirty'"))) {
            assertTrue(System.nanoTime() < deadline, "the donor still has " + dirty + " dirty pages after 120 s");
            Thread.sleep(200);
        }
    }

    private static final Pattern EXTENT = Pattern.compile(
            "^\\s*\\d+:\\s*\\d+\\.\\.\\s*\\d+:\\s*\\d+\\.\\.\\s*\\d+:\\s*(\\d+):.*$", Pattern.MULTILINE);

    /** Bytes of {@code file} in extents filefrag reports as shared. */
    private static long sharedBytes(Path file) {
        String report = Tmpfs.run(List.of("filefrag", "-v", "-b4096", file.toString()));
        long blocks = 0;
        Matcher m = EXTENT.matcher(report);
        while (m.find()) {
            if (m.group().contains("shared")) {
                blocks += Long.parseLong(m.group(1));
            }
        }
        return blocks * 4096;
    }

    /** SHA-256 of every file under {@code root}, by relative path. */
    private static Map<String, String> digests(Path root) throws IOException {
        Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                sums.put(root.relativize(file).toString(), sha256(file));
            }
        }
        return sums;
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] chunk = new byte[1 << 16];
            for (int n; (n = in.read(chunk)) > 0; ) {
                digest.update(chunk, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
