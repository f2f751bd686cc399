package org.jclone.it;

import static org.jclone.it.support.MysqldProc.pidOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.jclone.it.harness.MysqlDistribution;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded JVM never harms mysqld: bad JVM options, missing or replaced jars and
 * a server that refuses the clone handler, on the real MySQL 8.0.31 server.
 */
@ExtendWith(MysqlServerExtension.class)
class JvmSafetyTest {
    private static final String PLUGIN_STATUS =
            "SELECT PLUGIN_STATUS FROM INFORMATION_SCHEMA.PLUGINS WHERE PLUGIN_NAME = 'clone'";
    private static final String CANNOT_START = "Clone plugin cannot start its Java engine: ";
    private static final String BAD_MODULE = "--add-modules=no.such.module";
    private static final String MODULE_REFUSED = "the JVM options are refused by ";
    private static final String MODULE_REASON = "java.lang.module.FindException: Module no.such.module not found";
    private static final String BAD_HEAP = "-Xmx1q";
    private static final String HEAP_REASON = "Invalid maximum heap size: -Xmx1q";
    private static final int ER_CANT_INITIALIZE_UDF = 1123;

    @Test
    void onWithAnUnknownModuleRunsWithoutThePluginAndWithoutAJvm(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("bad-module").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .option("clone", "ON")
                .option("clone-java-options", BAD_MODULE)
                .start();

        assertEquals("1", server.scalar("SELECT 1"));
        List<List<String>> rows = server.query(PLUGIN_STATUS);
        assertTrue(rows.isEmpty() || !"ACTIVE".equals(rows.get(0).get(0)), rows.toString());
        String log = server.errorLogText();
        assertEquals(1, count(log, CANNOT_START), log);
        assertTrue(lineWith(log, CANNOT_START).contains(MODULE_REFUSED)
                && lineWith(log, CANNOT_START).contains(MODULE_REASON), log);
        assertFalse(mapsOf(server).contains("libjvm.so"), "the refused options never reach a JVM in mysqld");
    }

    /** JNI_CreateJavaVM applies JAVA_TOOL_OPTIONS too, so the probe runs with mysqld's environment. */
    @Test
    void aBadHeapSizeInJavaToolOptionsLeavesTheServerRunning(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("tool-options").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .env("JAVA_TOOL_OPTIONS", BAD_HEAP)
                .start();

        assertEquals("1", server.scalar("SELECT 1"));
        List<List<String>> rows = server.query(PLUGIN_STATUS);
        assertTrue(rows.isEmpty() || !"ACTIVE".equals(rows.get(0).get(0)), rows.toString());
        assertTrue(lineWith(server.errorLogText(), CANNOT_START).contains(HEAP_REASON), server.errorLogText());
        assertFalse(mapsOf(server).contains("libjvm.so"));
    }

    /**
     * Under an address-space limit HotSpot cannot reserve its class space inside mysqld (which
     * already holds about 1 GB at plugin init) and would exit; the probe runs under what mysqld
     * leaves, so it fails first. 2,000,000 KiB: enough for mysqld, not for mysqld plus a JVM
     * (whose compressed class space alone reserves 1 GiB).
     */
    @Test
    void anAddressSpaceLimitTooSmallForTheJvmLeavesTheServerRunning(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("address-space").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .addressSpaceLimitKib(2_000_000)
                .start();

        assertEquals("1", server.scalar("SELECT 1"));
        List<List<String>> rows = server.query(PLUGIN_STATUS);
        assertTrue(rows.isEmpty() || !"ACTIVE".equals(rows.get(0).get(0)), rows.toString());
        String line = lineWith(server.errorLogText(), CANNOT_START);
        assertTrue(line.contains("mysqld's address-space limit leaves"), server.errorLogText());
        assertFalse(mapsOf(server).contains("libjvm.so"));
    }

    @Test
    void forceWithABadHeapSizeStopsStartup(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("bad-heap").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .option("clone", "FORCE")
                .option("clone-java-options", BAD_HEAP)
                .build();

        int exitCode = server.startExpectingFailure(Duration.ofSeconds(90));

        assertNotEquals(0, exitCode);
        String log = server.errorLogText();
        assertTrue(lineWith(log, CANNOT_START).contains(HEAP_REASON), log);
        assertTrue(log.contains("Plugin 'clone' init function returned error."), log);
    }

    @Test
    void forceWithAnUnknownModuleStopsStartup(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("force-module").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .option("clone", "FORCE")
                .option("clone-java-options", BAD_MODULE)
                .build();

        int exitCode = server.startExpectingFailure(Duration.ofSeconds(90));

        assertNotEquals(0, exitCode);
        String log = server.errorLogText();
        assertTrue(lineWith(log, CANNOT_START).contains(MODULE_REASON), log);
        assertTrue(log.contains("Plugin 'clone' init function returned error."), log);
        assertFalse(Files.readString(server.serverDir().resolve("mysqld.out"))
                        .contains("Error occurred during initialization of boot layer"),
                "HotSpot never exits inside mysqld");
    }

    @Test
    void installWithAnUnknownModuleFailsAndTheServerRuns(ServerFactory servers) throws Exception {
        assertInstallRefused(servers, "install-module", BAD_MODULE, MODULE_REASON);
    }

    @Test
    void installWithABadHeapSizeFailsAndTheServerRuns(ServerFactory servers) throws Exception {
        assertInstallRefused(servers, "install-heap", BAD_HEAP, HEAP_REASON);
    }

    private static void assertInstallRefused(ServerFactory servers, String name, String options, String reason)
            throws Exception {
        // loose-: the server starts without the plugin and keeps the option for INSTALL.
        MysqlServer server = servers.mysql8(name).withPlugin(true)
                .option("loose-clone-java-options", options)
                .start();

        SQLException refused = assertThrows(SQLException.class,
                () -> server.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'"));

        assertEquals(ER_CANT_INITIALIZE_UDF, refused.getErrorCode(), refused.getMessage());
        assertTrue(lineWith(server.errorLogText(), CANNOT_START).contains(reason), server.errorLogText());
        assertEquals("1", server.scalar("SELECT 1"));
        assertEquals("0", server.scalar("SELECT COUNT(*) FROM mysql.plugin"));
        assertFalse(mapsOf(server).contains("libjvm.so"));
    }

    @Test
    void javaVariablesCannotBePersisted(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("persist").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .start();

        for (String variable : List.of("clone_java_options", "clone_java_home", "clone_java_class_path")) {
            for (String scope : List.of("PERSIST_ONLY", "PERSIST")) {
                SQLException refused = assertThrows(SQLException.class,
                        () -> server.execute("SET " + scope + " " + variable + " = '-XX:OnError=/bin/true'"));
                assertEquals(1238, refused.getErrorCode(), scope + " " + variable + ": " + refused.getMessage());
            }
        }
        server.execute("SET PERSIST clone_max_concurrency = 7"); // the plugin's other variables persist

        Path autoCnf = server.dataDir().resolve("mysqld-auto.cnf");
        String persisted = Files.readString(autoCnf);
        assertTrue(persisted.contains("clone_max_concurrency"), persisted);
        assertFalse(persisted.contains("clone_java"), persisted);
    }

    @Test
    void aMissingCoreJarRestoredLaterInstallsAndClones(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("missing-jar").withPlugin(true).start();
        Path coreJar = onlyFile(server.pluginDir(), "clone-core-");
        Path aside = server.serverDir().resolve(coreJar.getFileName());
        Files.move(coreJar, aside);

        SQLException refused = assertThrows(SQLException.class,
                () -> server.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'"));
        assertEquals(ER_CANT_INITIALIZE_UDF, refused.getErrorCode(), refused.getMessage());
        assertTrue(lineWith(server.errorLogText(), CANNOT_START).contains("mysql_clone.jar"), server.errorLogText());

        Files.move(aside, coreJar);
        server.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
        assertEquals("ACTIVE", server.scalar(PLUGIN_STATUS));
        server.execute("CREATE DATABASE kept", "CREATE TABLE kept.t (id INT PRIMARY KEY)",
                "INSERT INTO kept.t VALUES (1), (2), (3)");
        Path target = server.serverDir().resolve("clone-after-restore");
        server.execute("CLONE LOCAL DATA DIRECTORY = '" + target + "'");

        MysqlServer copy = servers.mysql8("copy").dataDir(target).start();
        assertEquals("3", copy.scalar("SELECT COUNT(*) FROM kept.t"));
    }

    @Test
    void reinstallLoadsReplacedJars(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("swap").withPlugin(true).start();
        server.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
        String pid = pidOf(server);
        assertTrue(server.errorLogText().contains("jar version 0.1.0-SNAPSHOT"), server.errorLogText());
        server.execute("UNINSTALL PLUGIN clone");

        Path jar = server.pluginDir().resolve("mysql_clone.jar");
        withImplementationVersion(jar, "9.9.9-swapped");
        server.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'");

        assertTrue(server.errorLogText().contains("jar version 9.9.9-swapped"), server.errorLogText());
        assertEquals(pid, pidOf(server), "same server process throughout");
        Path target = server.serverDir().resolve("clone-after-swap");
        server.execute("CLONE LOCAL DATA DIRECTORY = '" + target + "'");
        assertTrue(Files.isDirectory(target.resolve("mysql")));
    }

    @Test
    void aServerThatRefusesTheHandlerDuringUpgradeGetsNoJvm(ServerFactory servers) throws Exception {
        MysqlServer old = servers.mysql57("old").start();
        old.execute("CREATE DATABASE legacy", "CREATE TABLE legacy.t (id INT PRIMARY KEY)",
                "INSERT INTO legacy.t VALUES (57)");
        old.stop();

        MysqlServer upgraded = servers.mysql8("upgraded").withPlugin(true).dataDir(old.dataDir())
                .option("plugin-load-add", "mysql_clone.so")
                .startTimeout(Duration.ofMinutes(3))
                .start();

        String log = upgraded.errorLogText();
        assertTrue(log.contains("Error installing plugin 'clone': Cannot install during upgrade."), log);
        assertFalse(log.contains("Clone plugin starts the JVM"), log);
        assertFalse(mapsOf(upgraded).contains("libjvm.so"), "no JVM in a server that refused the plugin");
        assertEquals("57", upgraded.scalar("SELECT id FROM legacy.t"));
    }

    @Test
    void theVersionCheckAcceptsMysql8031AndTheLogSaysWhatTheJvmApplied(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("version").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .option("clone-java-options", "-Djclone.it.marker=1")
                .env("JAVA_TOOL_OPTIONS", "-Djclone.it.tool=1")
                .env("JDK_JAVA_OPTIONS", "-Djclone.it.launcher=1")
                .start();

        assertEquals("8.0.31", server.scalar("SELECT @@version"));
        assertEquals("ACTIVE", server.scalar(PLUGIN_STATUS));
        String log = server.errorLogText();
        assertFalse(log.contains("Clone plugin is built for MySQL 8.0.31 only"), log);
        assertTrue(lineWith(log, "Clone plugin starts the JVM of ").contains("-Xrs")
                && lineWith(log, "Clone plugin starts the JVM of ").endsWith("-Djclone.it.marker=1'"), log);
        assertTrue(lineWith(log, "Clone plugin JVM also applies JAVA_TOOL_OPTIONS")
                .contains("-Djclone.it.tool=1"), log);
        assertTrue(lineWith(log, "Clone plugin JVM ignores JDK_JAVA_OPTIONS").contains("-Djclone.it.launcher=1"),
                log);
    }

    @Test
    void clonesIntoANonAsciiDirectoryUnderAUtf8Locale(ServerFactory servers) throws Exception {
        assertClonesIntoNonAsciiDirectory(servers, "utf8-locale", "C.UTF-8", "UTF-8");
    }

    /** Under C the JVM's file name encoding is ASCII: the path must still reach the disk unchanged. */
    @Test
    void clonesIntoANonAsciiDirectoryUnderTheCLocale(ServerFactory servers) throws Exception {
        assertClonesIntoNonAsciiDirectory(servers, "c-locale", "C", "ANSI_X3.4-1968");
    }

    private static void assertClonesIntoNonAsciiDirectory(ServerFactory servers, String name, String locale,
            String jvmEncoding) throws Exception {
        assertEquals("UTF-8", System.getProperty("sun.jnu.encoding"), "the test JVM must name files in UTF-8");
        MysqlServer server = servers.mysql8(name).withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .env("LC_ALL", locale)
                .env("LANG", locale)
                .start();
        assertTrue(server.errorLogText().contains("file name encoding " + jvmEncoding + ")"), server.errorLogText());
        server.execute("CREATE DATABASE kept", "CREATE TABLE kept.t (id INT PRIMARY KEY)",
                "INSERT INTO kept.t VALUES (1), (2)");
        Path target = server.serverDir().resolve("klon-\u00c5\u00d8-\u65e5\u672c-\u00e9");

        server.execute("CLONE LOCAL DATA DIRECTORY = '" + target + "'");

        assertTrue(Files.isDirectory(target.resolve("mysql")), "the clone is at the exact path");
        try (Stream<Path> entries = Files.list(server.serverDir())) {
            List<String> names = entries.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().noneMatch(n -> n.contains("?") || n.contains("\ufffd")), names.toString());
        }
        MysqlServer copy = servers.mysql8(name + "-copy").dataDir(target).start();
        assertEquals("2", copy.scalar("SELECT COUNT(*) FROM kept.t"));
    }

    /** mysqld with its version text patched to 8.0.99: the layouts cannot be trusted, so no init. */
    @Test
    void aServerOfAnotherVersionIsRefusedWithOneLine(ServerFactory servers) throws Exception {
        MysqlServer server = servers.builder(MysqlDistribution.mysql8ReportingVersion("8.0.99"), "other-version")
                .withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .start();

        assertEquals("8.0.99", server.scalar("SELECT @@version"));
        List<List<String>> rows = server.query(PLUGIN_STATUS);
        assertTrue(rows.isEmpty() || !"ACTIVE".equals(rows.get(0).get(0)), rows.toString());
        String log = server.errorLogText();
        assertEquals(1, count(log, "Clone plugin is built for MySQL 8.0.31 only and refuses server version 8.0.99"),
                log);
        assertFalse(mapsOf(server).contains("libjvm.so"));
    }

    /** A Java home without bin/java: only allow-listed options, since none can be tried first. */
    @Test
    void aJavaHomeWithoutTheLauncherAcceptsOnlyAllowListedOptions(ServerFactory servers, @TempDir Path tmp)
            throws Exception {
        Path home = tmp.resolve("jre-without-bin");
        Files.createDirectories(home.resolve("lib/server"));
        Files.createSymbolicLink(home.resolve("lib/server/libjvm.so"),
                Path.of(System.getProperty("java.home"), "lib/server/libjvm.so").toRealPath());
        MysqlServer refusing = servers.mysql8("launcherless").withPlugin(true)
                .option("loose-clone-java-home", home.toString())
                .option("loose-clone-java-options", BAD_HEAP)
                .start();

        SQLException refused = assertThrows(SQLException.class,
                () -> refusing.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'"));
        assertEquals(ER_CANT_INITIALIZE_UDF, refused.getErrorCode(), refused.getMessage());
        String line = lineWith(refusing.errorLogText(), CANNOT_START);
        assertTrue(line.contains("cannot check the JVM option '" + BAD_HEAP + "'")
                && line.contains(home + "/bin/java is missing"), refusing.errorLogText());
        assertFalse(mapsOf(refusing).contains("libjvm.so"));

        MysqlServer accepting = servers.mysql8("launcherless-ok").withPlugin(true)
                .option("loose-clone-java-home", home.toString())
                .option("loose-clone-java-options", "-Djclone.it.allowed=1")
                .start();
        accepting.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
        assertEquals("ACTIVE", accepting.scalar(PLUGIN_STATUS));
    }

    /** A home whose java says it is Java 11 (a stand-in script): refused before any JVM is made. */
    @Test
    void aJavaOlderThan17IsRefusedBeforeItsJvmIsCreated(ServerFactory servers, @TempDir Path tmp) throws Exception {
        Path home = tmp.resolve("java-11");
        Files.createDirectories(home.resolve("lib/server"));
        Files.createDirectories(home.resolve("bin"));
        Files.createSymbolicLink(home.resolve("lib/server/libjvm.so"),
                Path.of(System.getProperty("java.home"), "lib/server/libjvm.so").toRealPath());
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho '    java.specification.version = 11' >&2\nexit 0\n");
        assertTrue(java.toFile().setExecutable(true));
        MysqlServer server = servers.mysql8("java-11").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .option("clone-java-home", home.toString())
                .start();

        List<List<String>> rows = server.query(PLUGIN_STATUS);
        assertTrue(rows.isEmpty() || !"ACTIVE".equals(rows.get(0).get(0)), rows.toString());
        assertTrue(lineWith(server.errorLogText(), CANNOT_START)
                .contains(home + " is Java 11; the plugin needs Java 17 or newer"), server.errorLogText());
        assertFalse(mapsOf(server).contains("libjvm.so"));
    }

    /** Rewrites the jar with the same entries and a manifest naming another version. */
    private static void withImplementationVersion(Path jar, String version) throws IOException {
        Path rewritten = jar.resolveSibling(jar.getFileName() + ".new");
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest manifest = in.getManifest();
            manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(rewritten), manifest)) {
                for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    copy(in, out);
                    out.closeEntry();
                }
            }
        }
        Files.move(rewritten, jar, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        in.transferTo(out);
    }

    private static Path onlyFile(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
            assertEquals(1, found.size(), found.toString());
            return found.get(0);
        }
    }

    private static String mapsOf(MysqlServer server) throws Exception {
        return Files.readString(Path.of("/proc", pidOf(server), "maps"));
    }

    private static String lineWith(String log, String needle) {
        return log.lines().filter(line -> line.contains(needle)).findFirst().orElse("");
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }
}
