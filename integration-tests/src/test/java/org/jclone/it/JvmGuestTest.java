package org.jclone.it;

import static org.jclone.it.support.MysqldProc.pidOf;
import static org.jclone.it.support.MysqldProc.threadIds;
import static org.jclone.it.support.MysqldProc.threadName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jclone.it.harness.HarnessConfig;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.support.CloneOps;
import org.jclone.it.support.DataSets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The plugin as a guest in mysqld: it runs from its own directory on a host without a JDK (the
 * bundled runtime), leaves mysqld's file descriptor limit as mysqld set it, starts few threads,
 * is upgraded from its release archive in a running server, and a DBA's own JVM options replace
 * the plugin's group for the same concern.
 */
@ExtendWith(MysqlServerExtension.class)
class JvmGuestTest {
    private static final String PLUGIN_STATUS =
            "SELECT PLUGIN_STATUS FROM INFORMATION_SCHEMA.PLUGINS WHERE PLUGIN_NAME = 'clone'";
    private static final String STARTS = "Clone plugin starts the JVM of ";
    /**
     * mysqld's soft RLIMIT_NOFILE: above what mysqld wants (about 8,200 here; it then keeps it),
     * below the hard limit (inherited; 20,000 here) that HotSpot would raise it to.
     */
    private static final int OPEN_FILES_LIMIT = 10000;
    /**
     * The JVM's threads with the plugin's options: VM thread, reference handler, finalizer, service,
     * monitor deflation, one compiler, sweeper, notification, common cleaner, periodic task (10 seen
     * on OpenJDK 17) and room for a few of the core's own; no GC workers, on any host.
     */
    private static final int MAX_JVM_THREADS = 16;

    @Test
    void aServerWithNoJdkInSightInstallsThePluginFromItsDirectoryAndClones(ServerFactory servers)
            throws Exception {
        List<String> hidden = jdkDirectories();
        StringBuilder script = new StringBuilder();
        for (String dir : hidden) {
            script.append("mount -t tmpfs -o size=1m,mode=755 jclone-no-jdk '").append(dir).append("' && ");
        }
        // A soft limit below the hard one, so that a JVM raising it to the hard limit would show.
        script.append("unset JAVA_HOME && ulimit -Sn " + OPEN_FILES_LIMIT
                + " && exec \"$0\" \"$@\"");
        MysqlServer donor = servers.mysql8("no-jdk").withPlugin(true)
                .option("skip-log-bin")
                .launchPrefix(List.of("unshare", "-m", "/bin/sh", "-c", script.toString()))
                .start();
        String pid = pidOf(donor);
        for (String dir : hidden) {
            try (Stream<Path> seen = Files.list(Path.of("/proc", pid, "root").resolve(dir.substring(1)))) {
                assertEquals(0, seen.count(), dir + " as mysqld sees it must be empty");
            }
        }
        assertTrue(environmentOf(pid).stream().noneMatch(v -> v.startsWith("JAVA_HOME=")), "no JAVA_HOME for mysqld");
        String limitBefore = openFilesLine(pid);
        long[] soft = limits(limitBefore);
        assertEquals(OPEN_FILES_LIMIT, soft[0], limitBefore);
        assertTrue(soft[0] < soft[1], "the hard limit must leave room to raise: " + limitBefore);
        Set<String> threadsBefore = threadIds(pid);

        donor.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'");

        assertEquals("ACTIVE", donor.scalar(PLUGIN_STATUS));
        Path runtime = donor.pluginDir().resolve("mysql_clone_jre");
        String log = donor.errorLogText();
        assertTrue(lineWith(log, STARTS).contains(STARTS + runtime + " with: "), log);
        String maps = Files.readString(Path.of("/proc", pid, "maps"));
        assertTrue(maps.contains(runtime + "/lib/server/libjvm.so"), "the bundled libjvm.so is mapped");
        assertTrue(maps.contains(runtime + "/lib/server/classes.jsa"), "its CDS archive is mapped");
        assertEquals(limitBefore, openFilesLine(pid), "INSTALL leaves mysqld's RLIMIT_NOFILE as it was");

        List<String> jvmThreads = new ArrayList<>();
        for (String id : threadIds(pid)) {
            String name = threadName(pid, id);
            // mysqld's own threads for the test's connections are named "connection".
            if (!threadsBefore.contains(id) && !name.equals("connection")) {
                jvmThreads.add(name);
            }
        }
        CloneLocalTest.log("threads INSTALL added to mysqld: %d %s", jvmThreads.size(), jvmThreads);
        assertTrue(jvmThreads.size() <= MAX_JVM_THREADS, jvmThreads.toString());
        assertTrue(jvmThreads.stream().noneMatch(name -> name.startsWith("GC Thread") || name.startsWith("G1 ")),
                "no parallel or G1 collector threads: " + jvmThreads);
        assertTrue(jvmThreads.stream().filter(name -> name.contains("CompilerThre")).count() <= 1,
                "at most one JIT compiler thread: " + jvmThreads);

        donor.execute("CREATE DATABASE guest");
        DataSets.createBlobs(donor, "guest.blobs", 200);
        DataSets.createAccounts(donor, "guest.accounts", 100, 1000);
        Path target = CloneOps.newTarget(donor, "no-jdk");
        CloneOps.cloneLocal(donor, target);
        assertEquals(limitBefore, openFilesLine(pid), "a clone leaves mysqld's RLIMIT_NOFILE as it was");

        MysqlServer clone = CloneOps.startClone(servers, "no-jdk-clone", target);
        assertEquals("200", clone.scalar("SELECT COUNT(*) FROM guest.blobs"));
        assertEquals(0, DataSets.brokenBlobs(clone, "guest.blobs"));
        assertEquals("100000", clone.scalar("SELECT SUM(balance) FROM guest.accounts"));
        CloneOps.CheckResult check = CloneOps.checkAllInnodbTables(clone);
        assertTrue(check.checked() >= 2 && check.problems().isEmpty(), check.toString());
    }

    /**
     * The documented upgrade, in one running server: UNINSTALL, unpack the release archive (its SHA-256
     * as its .sha256 file says) over plugin_dir, INSTALL, clone. tar puts new files in place of the old
     * (new inodes), so the runtime the running JVM has mapped is not written into.
     */
    @Test
    void anUpgradeUnpacksTheReleaseArchiveBetweenUninstallAndInstallInOneServerProcess(ServerFactory servers)
            throws Exception {
        Path archive = releaseArchive();
        String sums = Files.readString(archive.resolveSibling(archive.getFileName() + ".sha256"));
        assertEquals(sums.trim(), sha256(archive) + "  " + archive.getFileName(), "the .sha256 file");
        List<String> entries = run("tar", "-tzf", archive.toString());
        for (String entry : List.of("mysql_clone.so", "mysql_clone.jar", "mysql_clone_jre/bin/java",
                "mysql_clone_jre/lib/server/libjvm.so", "mysql_clone_jre/lib/server/classes.jsa")) {
            assertTrue(entries.contains(entry), entry + " in " + entries);
        }

        MysqlServer server = servers.mysql8("upgraded").withPlugin(true).option("skip-log-bin").start();
        server.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
        String pid = pidOf(server);
        Path library = server.pluginDir().resolve("mysql_clone.so");
        server.execute("UNINSTALL PLUGIN clone");
        // Held open so that its inode cannot be reused by the file tar creates.
        try (InputStream old = Files.newInputStream(library)) {
            Object inodeBefore = Files.getAttribute(library, "unix:ino");
            run("tar", "-xzf", archive.toString(), "-C", server.pluginDir().toString());
            assertFalse(inodeBefore.equals(Files.getAttribute(library, "unix:ino")),
                    "tar replaced mysql_clone.so by a new file");
        }
        server.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'");

        assertEquals("ACTIVE", server.scalar(PLUGIN_STATUS));
        assertEquals(pid, pidOf(server), "the same server process throughout");
        server.execute("CREATE DATABASE up", "CREATE TABLE up.t (id INT PRIMARY KEY)", "INSERT INTO up.t VALUES (1), (2)");
        Path target = CloneOps.newTarget(server, "after-upgrade");
        CloneOps.cloneLocal(server, target);
        MysqlServer clone = CloneOps.startClone(servers, "upgraded-clone", target);
        assertEquals("2", clone.scalar("SELECT COUNT(*) FROM up.t"));
    }

    /** A DBA's heap and collector options leave out the plugin's whole groups for them, and the log says so. */
    @Test
    void theDbasHeapAndCollectorOptionsReplaceThePluginsGroups(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("dba-options").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .option("loose-clone-java-options", "-Xmx48m -XX:+UseParallelGC")
                .start();

        assertEquals("ACTIVE", server.scalar(PLUGIN_STATUS));
        String log = server.errorLogText();
        String applied = lineWith(log, STARTS);
        assertTrue(applied.contains(" -Xmx48m -XX:+UseParallelGC'"), log);
        assertFalse(applied.contains("-Xmx32m") || applied.contains("-Xms8m") || applied.contains("UseSerialGC")
                || applied.contains("HeapFreeRatio"), applied);
        assertTrue(applied.contains("-XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:-MaxFDLimit"), applied);
        String leftOut = lineWith(log, "Clone plugin leaves out its own JVM options where the DBA's replace them: ");
        assertTrue(leftOut.contains("heap size (-Xms8m -Xmx32m) for -Xmx48m")
                && leftOut.contains("collector (-XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30) "
                        + "for -XX:+UseParallelGC"), log);
    }

    /** The release archive the build made beside plugin-dir. */
    private static Path releaseArchive() throws IOException {
        Path target = HarnessConfig.pluginDir().toAbsolutePath().normalize().getParent();
        try (Stream<Path> files = Files.list(target)) {
            List<Path> found = files
                    .filter(f -> f.getFileName().toString().matches("mysql_clone-.*-linux-x86_64\\.tar\\.gz")).toList();
            assertEquals(1, found.size(), "one release archive in " + target + ": " + found);
            return found.get(0);
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Runs a command; its output lines, or an assertion failure with them. */
    private static List<String> run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + lines);
        return lines;
    }

    /** /usr/lib/jvm and the directory of the JDK running the tests, wherever it is. */
    private static List<String> jdkDirectories() throws IOException {
        Set<String> dirs = new LinkedHashSet<>();
        dirs.add("/usr/lib/jvm");
        Path testJdk = Path.of(System.getProperty("java.home")).toRealPath();
        if (!testJdk.startsWith("/usr/lib/jvm")) {
            dirs.add(testJdk.toString());
        }
        List<String> existing = new ArrayList<>();
        for (String dir : dirs) {
            if (Files.isDirectory(Path.of(dir))) {
                existing.add(dir);
            }
        }
        return existing;
    }

    private static List<String> environmentOf(String pid) throws IOException {
        return List.of(new String(Files.readAllBytes(Path.of("/proc", pid, "environ"))).split("\0"));
    }

    /** The "Max open files" line of /proc/[pid]/limits. */
    private static String openFilesLine(String pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", pid, "limits")).stream()
                .filter(line -> line.startsWith("Max open files")).findFirst().orElseThrow();
    }

    /** Soft and hard limit of a /proc/[pid]/limits line. */
    private static long[] limits(String line) {
        String[] words = line.substring("Max open files".length()).trim().split("\\s+");
        return new long[] {Long.parseLong(words[0]), Long.parseLong(words[1])};
    }


    private static String lineWith(String log, String needle) {
        return log.lines().filter(line -> line.contains(needle)).findFirst().orElse("");
    }
}
