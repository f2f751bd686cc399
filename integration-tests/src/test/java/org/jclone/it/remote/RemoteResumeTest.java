package org.jclone.it.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jclone.core.remote.protocol.Command;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.support.CloneOps;
import org.jclone.it.support.DataSets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A remote clone through {@link FaultProxy} on 127.0.0.1: the proxy cuts every connection
 * between recipient and donor during the copy, or refuses them for a span, and the clone
 * resumes where it stopped (REINIT) or fails cleanly once the donor's
 * clone_donor_timeout_after_network_failure has run out. Each copy made is started and checked.
 */
@ExtendWith(MysqlServerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteResumeTest {
    private static final int ACCOUNTS = 500;
    private static final int BALANCE = 1000;
    private static final int BLOB_ROWS = 300;
    private static final String USER = "clone_donor";
    private static final String PASSWORD = "donor-secret";
    /** MiB/s: slow enough for a test to cut the copy at chosen points, ~10 s for the donor's data. */
    private static final int BANDWIDTH = 24;

    private static MysqlServer donor;
    private static MysqlServer recipient;
    private static FaultProxy proxy;
    /** FILE COPY's DATA in a clone that nothing cut (the first test). */
    private static long fileCopyBytes;
    /** ACKs the recipient sent in the first test's uncut clone. */
    private static int uncutAcks;
    private static final String PLAIN = " REQUIRE NO SSL";
    private static final int ACK = Command.ACK.code();
    private static final int ATTACH = Command.ATTACH.code();

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
        proxy = new FaultProxy(donor.peerPort());
        recipient = servers.mysql8("recipient").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .start();
        recipient.execute("SET GLOBAL clone_valid_donor_list = '127.0.0.1:" + proxy.port() + "'",
                "SET GLOBAL clone_max_data_bandwidth = " + BANDWIDTH);
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    private static String cloneSql(Path target) {
        return "CLONE INSTANCE FROM '" + USER + "'@'127.0.0.1':" + proxy.port() + " IDENTIFIED BY '" + PASSWORD
                + "'" + (target == null ? "" : " DATA DIRECTORY = '" + target + "'");
    }

    private static Duration clone(Path target) throws SQLException {
        return clone(target, "");
    }

    /** With {@link #PLAIN}: no TLS (and no compression is set), so that the proxy reads the commands. */
    private static Duration clone(Path target, String clauses) throws SQLException {
        long t0 = System.nanoTime();
        try (Connection c = recipient.connect(); Statement s = c.createStatement()) {
            s.execute(cloneSql(target) + clauses);
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private static long progress(String column, String stage) throws SQLException {
        String value = recipient.scalar("SELECT SUM(" + column + ") FROM performance_schema.clone_progress"
                + (stage == null ? "" : " WHERE STAGE = '" + stage + "'"));
        return value == null ? 0 : Long.parseLong(value);
    }

    /** FILE COPY's DATA and ESTIMATE, as "data/estimate". */
    private static String fileCopy() throws SQLException {
        return progress("DATA", "FILE COPY") + "/" + progress("ESTIMATE", "FILE COPY");
    }

    private static void assertDonorData(MysqlServer copy, long sum) throws SQLException {
        assertEquals(Long.toString(sum), copy.scalar("SELECT SUM(balance) FROM bank.accounts"));
        assertEquals(Integer.toString(ACCOUNTS), copy.scalar("SELECT COUNT(*) FROM bank.accounts"));
        assertEquals(Integer.toString(BLOB_ROWS), copy.scalar("SELECT COUNT(*) FROM big.blobs"));
        assertEquals(0, DataSets.brokenBlobs(copy, "big.blobs"));
        CloneOps.CheckResult check = CloneOps.checkAllInnodbTables(copy);
        assertEquals(Map.of(), check.problems(), "CHECK TABLE on the copy");
        assertTrue(check.checked() >= 2, "tables checked: " + check.checked());
    }

    private static int count(String text, String needle) {
        return text.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
    }

    /** Waits until the running clone is in {@code stage} with at least {@code bytes} of DATA in it. */
    private static void awaitStageData(String stage, long bytes, CompletableFuture<?> running) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (running.isDone()) {
                running.get(); // a failure shows here
                throw new AssertionError("the clone ended before " + stage + " reached " + bytes + " bytes");
            }
            String data = recipient.scalar("SELECT DATA FROM performance_schema.clone_progress WHERE STAGE = '"
                    + stage + "' AND STATE = 'In Progress'");
            if (data != null && Long.parseLong(data) >= bytes) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("never reached " + bytes + " bytes in " + stage + ": "
                + recipient.query("SELECT STAGE, STATE, DATA FROM performance_schema.clone_progress"));
    }

    /** Waits until the recipient has opened {@code connections} connections through the proxy in all. */
    private static void awaitAccepted(int connections) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (proxy.accepted() < connections) {
            assertTrue(System.nanoTime() < deadline, "the recipient did not reconnect: " + proxy.accepted());
            Thread.sleep(20);
        }
    }

    @Test
    @Order(1)
    void anUncutCloneThroughTheProxy() throws Exception {
        Path target = CloneOps.newTarget(recipient, "uncut");
        long before = proxy.donorBytes();
        int acks = proxy.commandsSeen(ACK);
        Duration took = clone(target, PLAIN);
        uncutAcks = proxy.commandsSeen(ACK) - acks;
        fileCopyBytes = progress("DATA", "FILE COPY");
        System.out.printf("[RemoteResumeTest] uncut: %d ACK(s), %d ATTACH(es) through the proxy%n", uncutAcks,
                proxy.commandsSeen(ATTACH));
        assertTrue(uncutAcks >= 1, "the proxy reads the plain-text commands: " + uncutAcks);
        System.out.printf("[RemoteResumeTest] uncut: %d ms, data %d bytes (FILE COPY %d), from the donor %d bytes%n",
                took.toMillis(), progress("DATA", null), fileCopyBytes, proxy.donorBytes() - before);
        assertTrue(fileCopyBytes > 0);
        assertFalse(recipient.errorLogText().contains("network failure"));
        assertEquals("Completed", recipient.scalar("SELECT STATE FROM performance_schema.clone_status"));
        assertResumeColumns(recipient.errorLogText(), 0, 0);
        assertEquals("7", recipient.scalar("SELECT COUNT(DATA_RESENT) FROM performance_schema.clone_progress"),
                "DATA_RESENT is 0, never NULL, in a clone nothing cut");
        // (RemoteCloneTest starts and checks uncut copies; the copies below are all checked.)
    }

    @Test
    @Order(2)
    void cutThreeTimesDuringFileCopyUnderLoadTheCloneResumesAndIsConsistent(ServerFactory servers) throws Exception {
        Path target = CloneOps.newTarget(recipient, "cut-three-times");
        String recipientLogBefore = recipient.errorLogText();
        String donorLogBefore = donor.errorLogText();
        int cutsBefore = proxy.cuts();
        long fromDonorBefore;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong transfers = new AtomicLong();
        AtomicReference<Throwable> trouble = new AtomicReference<>();
        Thread load = new Thread(() -> moveMoney(stop, transfers, trouble), "transfers");
        load.start();
        Duration took;
        Duration uncutTook;
        long uncutData;
        long uncutFileCopy;
        long uncutFromDonor;
        try {
            // The same data under the same load, uncut: the reference for time and bytes.
            long fromDonor = proxy.donorBytes();
            uncutTook = clone(CloneOps.newTarget(recipient, "uncut-under-load"));
            uncutData = progress("DATA", null);
            uncutFileCopy = progress("DATA", "FILE COPY");
            System.out.println("[RemoteResumeTest] under load, uncut: FILE COPY data/estimate " + fileCopy());
            uncutFromDonor = proxy.donorBytes() - fromDonor;
            fromDonorBefore = proxy.donorBytes();
            long t0 = System.nanoTime();
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try {
                    clone(target);
                } catch (SQLException e) {
                    throw new RuntimeException(CloneOps.describe(e), e);
                }
            });
            for (int cut = 1; cut <= 3; cut++) {
                awaitStageData("FILE COPY", fileCopyBytes * cut / 5, running);
                int accepted = proxy.accepted();
                assertTrue(proxy.cutAll() >= 2, "a main and an auxiliary connection were open");
                awaitAccepted(accepted + 2);
            }
            running.get(120, TimeUnit.SECONDS);
            took = Duration.ofNanos(System.nanoTime() - t0);
        } finally {
            stop.set(true);
            load.join();
        }
        assertNull(trouble.get(), "the transfers run without errors during the clone");
        assertTrue(transfers.get() > 0);
        assertEquals(3, proxy.cuts() - cutsBefore);
        assertEquals("Completed", recipient.scalar("SELECT STATE FROM performance_schema.clone_status"));
        String recipientLog = recipient.errorLogText().substring(recipientLogBefore.length());
        String donorLog = donor.errorLogText().substring(donorLogBefore.length());
        assertEquals(3, count(recipientLog, "Clone: resumed from 127.0.0.1:" + proxy.port()), recipientLog);
        assertTrue(recipientLog.contains("resumed 3 time(s) after network failures"), recipientLog);
        assertTrue(recipientLog.contains("bytes of FILE COPY applied again)"), recipientLog);
        assertResumeColumns(recipientLog, 3, 3);
        System.out.println("[RemoteResumeTest] under load, cut: FILE COPY data/estimate " + fileCopy());
        assertEquals(3, count(donorLog, "the recipient resumed the snapshot after"), donorLog);
        long data = progress("DATA", null);
        long fileCopy = progress("DATA", "FILE COPY");
        System.out.printf("[RemoteResumeTest] under load, uncut: %d ms, data %d bytes (FILE COPY %d), from the donor "
                + "%d bytes%n", uncutTook.toMillis(), uncutData, uncutFileCopy, uncutFromDonor);
        System.out.printf("[RemoteResumeTest] under load, cut 3 times during FILE COPY: %d ms, data %d bytes "
                        + "(FILE COPY %d), from the donor %d bytes%n", took.toMillis(), data, fileCopy,
                proxy.donorBytes() - fromDonorBefore);
        System.out.println("[RemoteResumeTest] clone_progress: " + recipient.query(
                "SELECT STAGE, STATE, DATA, NETWORK FROM performance_schema.clone_progress"));
        MysqlServer copy = CloneOps.startClone(servers, "cut-copy", target);
        assertDonorData(copy, (long) ACCOUNTS * BALANCE);
        copy.stop();
    }

    @Test
    @Order(3)
    void cutInPageCopyAndInRedoCopyTheCloneResumesAndIsConsistent(ServerFactory servers) throws Exception {
        Path target = CloneOps.newTarget(recipient, "cut-page-redo");
        String recipientLogBefore = recipient.errorLogText();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong transfers = new AtomicLong();
        AtomicReference<Throwable> trouble = new AtomicReference<>();
        Thread load = new Thread(() -> moveMoney(stop, transfers, trouble), "transfers");
        load.start();
        try {
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try {
                    clone(target);
                } catch (SQLException e) {
                    throw new RuntimeException(CloneOps.describe(e), e);
                }
            });
            awaitStageData("FILE COPY", fileCopyBytes * 4 / 5, running);
            // 1 MiB/s stretches PAGE COPY and REDO COPY to seconds, long enough to cut in each.
            recipient.execute("SET GLOBAL clone_max_data_bandwidth = 1");
            for (String stage : new String[] {"PAGE COPY", "REDO COPY"}) {
                awaitStageData(stage, 1, running);
                int accepted = proxy.accepted();
                assertTrue(proxy.cutAll() >= 2, "connections open in " + stage);
                awaitAccepted(accepted + 2);
            }
            recipient.execute("SET GLOBAL clone_max_data_bandwidth = " + BANDWIDTH);
            running.get(120, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            load.join();
            recipient.execute("SET GLOBAL clone_max_data_bandwidth = " + BANDWIDTH);
        }
        assertNull(trouble.get(), "the transfers run without errors during the clone");
        String recipientLog = recipient.errorLogText().substring(recipientLogBefore.length());
        assertEquals(2, count(recipientLog, "Clone: resumed from 127.0.0.1:" + proxy.port()), recipientLog);
        assertResumeColumns(recipientLog, 2, 0);
        for (String stage : new String[] {"PAGE COPY", "REDO COPY"}) {
            assertEquals("1", recipient.scalar("SELECT RESUMES FROM performance_schema.clone_progress WHERE STAGE = '"
                    + stage + "'"), stage);
            assertNull(recipient.scalar("SELECT DATA_RESENT FROM performance_schema.clone_progress WHERE STAGE = '"
                    + stage + "'"), stage + ": no exact figure, NULL");
        }
        System.out.println("[RemoteResumeTest] cut in PAGE COPY and REDO COPY, clone_progress: " + recipient.query(
                "SELECT STAGE, STATE, THREADS, DATA, NETWORK FROM performance_schema.clone_progress"));
        MysqlServer copy = CloneOps.startClone(servers, "cut-page-redo-copy", target);
        assertDonorData(copy, (long) ACCOUNTS * BALANCE);
        copy.stop();
    }

    @Test
    @Order(4)
    void fourTasksCutThreeTimesByByteCountReattachTheirWorkersAndTheCloneIsConsistent(ServerFactory servers)
            throws Exception {
        Path target = CloneOps.newTarget(recipient, "four-tasks-cut");
        // No bandwidth limit (a limit under 64 MiB/s per task starts no workers): cuts by donor bytes.
        recipient.execute("SET GLOBAL clone_autotune_concurrency = OFF", "SET GLOBAL clone_max_concurrency = 4",
                "SET GLOBAL clone_max_data_bandwidth = 0");
        String recipientLogBefore;
        String donorLogBefore;
        Duration took;
        int cutsBefore = proxy.cuts();
        try {
            // The reference: the same data and settings, uncut.
            long fromDonor = proxy.donorBytes();
            Duration uncutTook = clone(CloneOps.newTarget(recipient, "four-tasks-uncut"));
            System.out.printf("[RemoteResumeTest] 4 tasks, no limit, uncut: %d ms, data %d bytes (FILE COPY "
                            + "data/estimate %s), from the donor %d bytes%n", uncutTook.toMillis(),
                    progress("DATA", null), fileCopy(), proxy.donorBytes() - fromDonor);
            recipientLogBefore = recipient.errorLogText();
            donorLogBefore = donor.errorLogText();
            fromDonor = proxy.donorBytes();
            long t0 = System.nanoTime();
            proxy.cutAfterDonorBytes(fileCopyBytes / 5);
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try {
                    clone(target);
                } catch (SQLException e) {
                    throw new RuntimeException(CloneOps.describe(e), e);
                }
            });
            for (int cut = 1; cut <= 3; cut++) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (proxy.cuts() - cutsBefore < cut) {
                    assertTrue(System.nanoTime() < deadline && !running.isDone(), "cut " + cut + " never came");
                    Thread.sleep(2);
                }
                if (cut < 3) {
                    proxy.cutAfterDonorBytes(fileCopyBytes / 5);
                }
            }
            running.get(120, TimeUnit.SECONDS);
            took = Duration.ofNanos(System.nanoTime() - t0);
            System.out.printf("[RemoteResumeTest] 4 tasks, no limit, cut 3 times: %d ms, data %d bytes (FILE COPY "
                            + "data/estimate %s), from the donor %d bytes%n", took.toMillis(), progress("DATA", null),
                    fileCopy(), proxy.donorBytes() - fromDonor);
        } finally {
            proxy.cutAfterDonorBytes(Long.MAX_VALUE / 2);
            recipient.execute("SET GLOBAL clone_autotune_concurrency = ON", "SET GLOBAL clone_max_concurrency = 16",
                    "SET GLOBAL clone_max_data_bandwidth = " + BANDWIDTH);
        }
        assertEquals(3, proxy.cuts() - cutsBefore, "three cuts came before the clone ended");
        String recipientLog = recipient.errorLogText().substring(recipientLogBefore.length());
        String donorLog = donor.errorLogText().substring(donorLogBefore.length());
        assertEquals(3, count(recipientLog, "Clone: resumed from 127.0.0.1:" + proxy.port()), recipientLog);
        assertResumeColumns(recipientLog, 3, 3);
        // The REINIT's session begins the snapshot again; workers attach after it.
        int reinit = donorLog.indexOf("began the snapshot", donorLog.indexOf("began the snapshot") + 1);
        assertTrue(reinit > 0 && donorLog.indexOf("began a task", reinit) > 0, donorLog);
        MysqlServer copy = CloneOps.startClone(servers, "four-tasks-copy", target);
        assertDonorData(copy, (long) ACCOUNTS * BALANCE);
        copy.stop();
    }

    /** Waits for {@code n} cuts since {@code before}, while the clone runs. */
    private static void awaitCuts(int before, int n, CompletableFuture<?> running) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (proxy.cuts() - before < n) {
            if (running.isDone()) {
                running.get();
                throw new AssertionError("the clone ended before cut " + n);
            }
            assertTrue(System.nanoTime() < deadline, "cut " + n + " never came");
            Thread.sleep(2);
        }
    }

    /**
     * clone_progress's RESUMES and DATA_RESENT against the recipient's log: {@code resumes} in all,
     * {@code resumedIn} of them in FILE COPY, whose DATA_RESENT is the figure the clone's end line
     * gives ("B bytes of FILE COPY applied again"); a stage never resumed shows 0 resent.
     */
    private static void assertResumeColumns(String recipientLog, int resumes, int resumedInFileCopy)
            throws SQLException {
        List<List<String>> rows = recipient.query(
                "SELECT STAGE, RESUMES, DATA_RESENT FROM performance_schema.clone_progress");
        System.out.println("[RemoteResumeTest]   clone_progress STAGE, RESUMES, DATA_RESENT: " + rows);
        assertEquals(Integer.toString(resumes),
                recipient.scalar("SELECT SUM(RESUMES) FROM performance_schema.clone_progress"));
        assertEquals(Integer.toString(resumedInFileCopy), recipient.scalar(
                "SELECT RESUMES FROM performance_schema.clone_progress WHERE STAGE = 'FILE COPY'"));
        for (List<String> row : rows) {
            if ("0".equals(row.get(1))) {
                assertEquals("0", row.get(2), "never resumed, nothing resent: " + row);
            }
        }
        String fileCopyResent = recipient.scalar(
                "SELECT DATA_RESENT FROM performance_schema.clone_progress WHERE STAGE = 'FILE COPY'");
        java.util.regex.Matcher logged = java.util.regex.Pattern.compile(
                "resumed " + resumes + " time\\(s\\) after network failures \\([0-9.]+ s reconnecting; (\\d+) bytes "
                        + "of FILE COPY applied again\\)").matcher(recipientLog);
        if (resumes == 0) {
            assertFalse(recipientLog.contains("after network failures"), recipientLog);
        } else {
            assertTrue(logged.find(), recipientLog);
            if (resumedInFileCopy > 0) {
                assertEquals(logged.group(1), fileCopyResent, "FILE COPY's DATA_RESENT and the log's figure");
            }
        }
    }

    /** The recipient's log lines about failures, resumes and the clone's end. */
    private static void printResumeLines(String log) {
        for (String line : log.split("\n")) {
            if (line.contains("Clone: network failure") || line.contains("Clone: resumed")
                    || line.contains("Clone: reconnect") || line.contains("Clone ends")) {
                System.out.println("[RemoteResumeTest]   log: " + line);
            }
        }
    }

    /**
     * The stage each resume was counted in, from the recipient's "Clone: resumed ... in STAGE" lines:
     * the stage current when the clone went on, which need not be the one a sample just after the
     * cut saw (a worker's ATTACH can be cut in DROP DATA while the main task has moved to FILE COPY).
     */
    private static List<String> resumedStages(String recipientLog) {
        List<String> stages = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Clone: resumed from 127\\.0\\.0\\.1:"
                + proxy.port() + " \\(\\d+ of at most \\d+\\) in ([A-Z ]+) after ").matcher(recipientLog);
        while (m.find()) {
            stages.add(m.group(1));
        }
        return stages;
    }

    /** clone_progress's RESUMES in each stage are the resumes the log counted in it. */
    private static void assertResumesPerStage(List<String> resumedIn) throws SQLException {
        for (String stage : List.of("DROP DATA", "FILE COPY", "PAGE COPY", "REDO COPY")) {
            long expected = resumedIn.stream().filter(stage::equals).count();
            assertEquals(Long.toString(expected), recipient.scalar("SELECT RESUMES FROM performance_schema.clone_progress"
                    + " WHERE STAGE = '" + stage + "'"), stage + ", resumes logged in " + resumedIn);
        }
    }

    private static String stageInProgress() throws SQLException {
        return recipient.scalar("SELECT STAGE FROM performance_schema.clone_progress WHERE STATE = 'In Progress'");
    }

    @Test
    @Order(5)
    void cutWhenAcknowledgementsPassTheCloneResumesAndIsConsistent(ServerFactory servers) throws Exception {
        Path target = CloneOps.newTarget(recipient, "ack-cut");
        String recipientLogBefore = recipient.errorLogText();
        String donorLogBefore = donor.errorLogText();
        int cutsBefore = proxy.cuts();
        int acksBefore = proxy.commandsSeen(ACK);
        recipient.execute("SET GLOBAL clone_max_data_bandwidth = 0");
        List<String> cutIn = new ArrayList<>();
        Duration took;
        try {
            long t0 = System.nanoTime();
            proxy.cutWhenCommand(ACK, 1);
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try {
                    clone(target, PLAIN);
                } catch (SQLException e) {
                    throw new RuntimeException(CloneOps.describe(e), e);
                }
            });
            // Each ACK of an uncut clone is cut once, in turn. A resumed clone sends the ACK that was
            // cut again (InnoDB's apply restarts in the state it was in): the second ACK after a cut
            // is the next one.
            for (int cut = 1; cut <= uncutAcks; cut++) {
                awaitCuts(cutsBefore, cut, running);
                cutIn.add(stageInProgress() + " at ACK " + (proxy.commandsSeen(ACK) - acksBefore));
                if (cut < uncutAcks) {
                    proxy.cutWhenCommand(ACK, 2);
                }
            }
            running.get(120, TimeUnit.SECONDS);
            took = Duration.ofNanos(System.nanoTime() - t0);
        } finally {
            proxy.disarmCommandCut();
            recipient.execute("SET GLOBAL clone_max_data_bandwidth = " + BANDWIDTH);
        }
        String recipientLog = recipient.errorLogText().substring(recipientLogBefore.length());
        printResumeLines(recipientLog);
        // When the donor's session noticed each cut, and when the recipient's REINIT took its snapshot over.
        for (String line : donor.errorLogText().substring(donorLogBefore.length()).split("\n")) {
            if (line.contains("lost its recipient") || line.contains("resumed the snapshot")) {
                System.out.println("[RemoteResumeTest]   donor log: " + line);
            }
        }
        System.out.printf("[RemoteResumeTest] cut at each of %d ACK(s): %d ms, cuts in %s, ACKs sent %d, "
                        + "FILE COPY data/estimate %s%n", uncutAcks, took.toMillis(), cutIn,
                proxy.commandsSeen(ACK) - acksBefore, fileCopy());
        assertEquals(uncutAcks, proxy.cuts() - cutsBefore);
        assertEquals(uncutAcks, count(recipientLog, "Clone: resumed from 127.0.0.1:" + proxy.port()), recipientLog);
        // Each resume is counted in the stage the clone went on in, which the log names.
        List<String> resumedIn = resumedStages(recipientLog);
        assertEquals(uncutAcks, resumedIn.size(), recipientLog);
        assertResumeColumns(recipientLog, uncutAcks, (int) resumedIn.stream().filter("FILE COPY"::equals).count());
        assertResumesPerStage(resumedIn);
        assertEquals("Completed", recipient.scalar("SELECT STATE FROM performance_schema.clone_status"));
        MysqlServer copy = CloneOps.startClone(servers, "ack-cut-copy", target);
        assertDonorData(copy, (long) ACCOUNTS * BALANCE);
        copy.stop();
    }

    @Test
    @Order(6)
    void fourTasksCutWhenAWorkersAttachPassesTheCloneResumesAndIsConsistent(ServerFactory servers) throws Exception {
        Path target = CloneOps.newTarget(recipient, "attach-cut");
        String recipientLogBefore = recipient.errorLogText();
        int cutsBefore = proxy.cuts();
        int attachesBefore = proxy.commandsSeen(ATTACH);
        recipient.execute("SET GLOBAL clone_autotune_concurrency = OFF", "SET GLOBAL clone_max_concurrency = 4",
                "SET GLOBAL clone_max_data_bandwidth = 0");
        Duration took;
        String stage;
        try {
            long t0 = System.nanoTime();
            // The second of the three workers' ATTACHes: one worker copies, one is not attached yet.
            proxy.cutWhenCommand(ATTACH, 2);
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try {
                    clone(target, PLAIN);
                } catch (SQLException e) {
                    throw new RuntimeException(CloneOps.describe(e), e);
                }
            });
            awaitCuts(cutsBefore, 1, running);
            stage = stageInProgress();
            running.get(120, TimeUnit.SECONDS);
            took = Duration.ofNanos(System.nanoTime() - t0);
        } finally {
            proxy.disarmCommandCut();
            recipient.execute("SET GLOBAL clone_autotune_concurrency = ON", "SET GLOBAL clone_max_concurrency = 16",
                    "SET GLOBAL clone_max_data_bandwidth = " + BANDWIDTH);
        }
        String recipientLog = recipient.errorLogText().substring(recipientLogBefore.length());
        printResumeLines(recipientLog);
        int attaches = proxy.commandsSeen(ATTACH) - attachesBefore;
        System.out.printf("[RemoteResumeTest] 4 tasks cut at the 2nd ATTACH (sampled in %s): %d ms, ATTACHes sent %d, "
                + "FILE COPY data/estimate %s%n", stage, took.toMillis(), attaches, fileCopy());
        assertEquals(1, proxy.cuts() - cutsBefore);
        assertEquals(1, count(recipientLog, "Clone: resumed from 127.0.0.1:" + proxy.port()), recipientLog);
        // Workers attach as the copy starts: the cut comes in DROP DATA or FILE COPY, and the resume
        // is counted in the stage the clone went on in.
        List<String> resumedIn = resumedStages(recipientLog);
        assertEquals(1, resumedIn.size(), recipientLog);
        assertTrue(List.of("DROP DATA", "FILE COPY").contains(resumedIn.get(0)), recipientLog);
        assertResumeColumns(recipientLog, 1, "FILE COPY".equals(resumedIn.get(0)) ? 1 : 0);
        assertResumesPerStage(resumedIn);
        assertTrue(attaches > 2, "workers attached again after the resume: " + attaches);
        assertEquals("Completed", recipient.scalar("SELECT STATE FROM performance_schema.clone_status"));
        MysqlServer copy = CloneOps.startClone(servers, "attach-cut-copy", target);
        assertDonorData(copy, (long) ACCOUNTS * BALANCE);
        copy.stop();
    }

    /** Transfers between accounts, one transaction each: the sum never changes. */
    private static void moveMoney(AtomicBoolean stop, AtomicLong transfers, AtomicReference<Throwable> trouble) {
        try (Connection c = donor.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            java.util.Random random = new java.util.Random(11);
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
    @Order(7)
    void killWhileReconnectingEndsAtOnceAndANewCloneTakesTheDonorOver(ServerFactory servers) throws Exception {
        Path target = CloneOps.newTarget(recipient, "killed-while-waiting");
        String recipientLogBefore = recipient.errorLogText();
        String donorLogBefore = donor.errorLogText();
        AtomicReference<SQLException> failed = new AtomicReference<>();
        AtomicLong connectionId = new AtomicLong();
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
            try (Connection c = recipient.connect(); Statement s = c.createStatement()) {
                try (java.sql.ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
                    rs.next();
                    connectionId.set(rs.getLong(1));
                }
                s.execute(cloneSql(target));
            } catch (SQLException e) {
                failed.set(e);
            }
        });
        try {
            awaitStageData("FILE COPY", fileCopyBytes / 4, running);
            proxy.refuseFor(600_000);
            proxy.cutAll();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!recipient.errorLogText().substring(recipientLogBefore.length()).contains("Clone: reconnect 1 to")) {
                assertTrue(System.nanoTime() < deadline, "no failed reconnect logged");
                Thread.sleep(50);
            }
            long t0 = System.nanoTime();
            recipient.execute("KILL QUERY " + connectionId.get());
            running.get(10, TimeUnit.SECONDS);
            long killMillis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(killMillis < 2000, "KILL took " + killMillis + " ms");
        } finally {
            proxy.acceptAgain();
        }
        assertEquals(1317, failed.get().getErrorCode(), CloneOps.describe(failed.get()));
        assertFalse(Files.exists(target), "the incomplete clone is removed");
        // The donor's snapshot still waits for a resume; a new clone takes its place.
        Path again = CloneOps.newTarget(recipient, "after-kill");
        clone(again);
        assertEquals("Completed", recipient.scalar("SELECT STATE FROM performance_schema.clone_status"));
        String donorLog = donor.errorLogText().substring(donorLogBefore.length());
        assertTrue(donorLog.contains("stopped waiting after"), donorLog);
        MysqlServer copy = CloneOps.startClone(servers, "after-kill-copy", again);
        assertDonorData(copy, (long) ACCOUNTS * BALANCE);
        copy.stop();
    }

    @Test
    @Order(8)
    void aDonorUnreachablePastItsTimeoutFailsTheCloneClearlyAndBothServersGoOn() throws Exception {
        donor.execute("SET GLOBAL clone_donor_timeout_after_network_failure = 1");
        Path target = CloneOps.newTarget(recipient, "timed-out");
        String donorLogBefore = donor.errorLogText();
        try {
            AtomicReference<SQLException> failed = new AtomicReference<>();
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try {
                    clone(target);
                } catch (SQLException e) {
                    failed.set(e);
                }
            });
            awaitStageData("FILE COPY", fileCopyBytes / 4, running);
            proxy.refuseFor(600_000);
            long t0 = System.nanoTime();
            proxy.cutAll();
            running.get(150, TimeUnit.SECONDS);
            long waited = (System.nanoTime() - t0) / 1_000_000_000L;
            SQLException e = failed.get();
            assertEquals(3862, e.getErrorCode(), CloneOps.describe(e));
            assertTrue(e.getMessage().startsWith("Clone Donor Error: 127.0.0.1:" + proxy.port()
                    + " did not come back within 6"), e.getMessage());
            assertTrue(e.getMessage().contains("clone_donor_timeout_after_network_failure = 1 min"), e.getMessage());
            assertTrue(waited >= 59, "failed after " + waited + " s");
            assertFalse(Files.exists(target), "the incomplete clone is removed");
            assertEquals("Failed", recipient.scalar("SELECT STATE FROM performance_schema.clone_status"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!donor.errorLogText().substring(donorLogBefore.length())
                    .contains("no recipient resumed the snapshot within 1 min")) {
                assertTrue(System.nanoTime() < deadline, donor.errorLogText().substring(donorLogBefore.length()));
                Thread.sleep(100);
            }
        } finally {
            proxy.acceptAgain();
            donor.execute("SET GLOBAL clone_donor_timeout_after_network_failure = 5");
        }
        // Both servers go on: the next clone works.
        Path again = CloneOps.newTarget(recipient, "after-timeout");
        clone(again);
        assertEquals("Completed", recipient.scalar("SELECT STATE FROM performance_schema.clone_status"));
        assertEquals(Long.toString((long) ACCOUNTS * BALANCE), donor.scalar("SELECT SUM(balance) FROM bank.accounts"));
    }

    @Test
    @Order(9)
    void aReplacingCloneThatFailsForGoodLeavesTheRecipientWithoutUserDataAndTheNextCloneRecovers()
            throws Exception {
        recipient.execute("CREATE DATABASE only_here", "CREATE TABLE only_here.t (id INT PRIMARY KEY)",
                "INSERT INTO only_here.t VALUES (1)");
        // A donor that keeps nothing for a resume: the first cut fails the clone for good.
        donor.execute("SET GLOBAL clone_donor_timeout_after_network_failure = 0");
        String sql = cloneSql(null);
        try {
            AtomicReference<SQLException> failed = new AtomicReference<>();
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try (Connection c = recipient.connect(); Statement s = c.createStatement()) {
                    s.execute(sql);
                } catch (SQLException e) {
                    failed.set(e);
                }
            });
            awaitStageData("FILE COPY", fileCopyBytes / 4, running);
            proxy.cutAll();
            running.get(60, TimeUnit.SECONDS);
            SQLException e = failed.get();
            assertTrue(e != null, "the clone failed");
            assertEquals(3862, e.getErrorCode(), CloneOps.describe(e));
            assertTrue(e.getMessage().startsWith("Clone Donor Error: the connection to 127.0.0.1:" + proxy.port()
                    + " failed during the copy ("), e.getMessage());
            assertTrue(e.getMessage().endsWith("the donor keeps nothing to resume "
                    + "(clone_donor_timeout_after_network_failure = 0)."), e.getMessage());
        } finally {
            donor.execute("SET GLOBAL clone_donor_timeout_after_network_failure = 5");
        }
        // What the recipient holds: a running server, its user data dropped by the clone's start.
        assertEquals("1", recipient.scalar("SELECT 1"));
        assertEquals("Failed", recipient.scalar("SELECT STATE FROM performance_schema.clone_status"));
        System.out.println("[RemoteResumeTest] recipient schemas after the failed replacing clone: " + recipient.query(
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME"));
        assertEquals("0", recipient.scalar(
                "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'only_here'"));
        // Recovery: the same statement again, once the donor is reachable.
        try (Connection c = recipient.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
        recipient.awaitRestart(Duration.ofSeconds(120));
        assertDonorData(recipient, (long) ACCOUNTS * BALANCE);
        assertEquals("Completed", recipient.scalar("SELECT STATE FROM performance_schema.clone_status"));
    }
}
