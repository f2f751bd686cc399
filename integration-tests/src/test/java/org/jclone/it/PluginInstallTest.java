package org.jclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every documented way of installing the clone plugin, on the real MySQL 8.0.31 server. */
@ExtendWith(MysqlServerExtension.class)
class PluginInstallTest {
    private static final String PLUGIN_ROW =
            "SELECT PLUGIN_NAME, PLUGIN_STATUS, PLUGIN_TYPE, PLUGIN_LIBRARY, LOAD_OPTION "
                    + "FROM INFORMATION_SCHEMA.PLUGINS WHERE PLUGIN_NAME = 'clone'";
    private static final String UNUSABLE_JAVA_HOME = "/nonexistent/jdk";

    @Test
    void installPluginRegistersItAndSurvivesARestart(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("install").withPlugin(true).start();

        server.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'");

        assertEquals(List.of(List.of("clone", "ACTIVE", "CLONE", "mysql_clone.so", "ON")), server.query(PLUGIN_ROW));
        assertEquals(List.of(List.of("clone", "mysql_clone.so")), server.query("SELECT name, dl FROM mysql.plugin"));
        assertTrue(server.query("SHOW PLUGINS").contains(List.of("clone", "ACTIVE", "CLONE", "mysql_clone.so", "GPL")));

        server.restart();

        assertEquals(List.of(List.of("clone", "ACTIVE", "CLONE", "mysql_clone.so", "ON")), server.query(PLUGIN_ROW));
        assertTrue(server.errorLogText().contains("Clone plugin Java engine started"),
                "the Java core logs into the server's error log");
    }

    @Test
    void forcePlusPermanentCannotBeUninstalled(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("permanent").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .option("clone", "FORCE_PLUS_PERMANENT")
                .start();

        assertEquals(List.of(List.of("clone", "ACTIVE", "CLONE", "mysql_clone.so", "FORCE_PLUS_PERMANENT")),
                server.query(PLUGIN_ROW));
        SQLException refused = assertThrows(SQLException.class, () -> server.execute("UNINSTALL PLUGIN clone"));
        assertEquals(1702, refused.getErrorCode(), refused.getMessage()); // ER_PLUGIN_IS_PERMANENT
        assertEquals("ACTIVE", server.scalar("SELECT PLUGIN_STATUS FROM INFORMATION_SCHEMA.PLUGINS "
                + "WHERE PLUGIN_NAME = 'clone'"));
    }

    @Test
    void offLeavesThePluginInactive(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("off").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .option("clone", "OFF")
                .start();

        assertEquals(List.of(List.of("clone", "DISABLED", "CLONE", "mysql_clone.so", "OFF")), server.query(PLUGIN_ROW));
        SQLException refused = assertThrows(SQLException.class,
                () -> server.execute("CLONE LOCAL DATA DIRECTORY = '" + server.serverDir().resolve("c") + "'"));
        assertEquals(1524, refused.getErrorCode(), refused.getMessage()); // ER_PLUGIN_IS_NOT_LOADED
        assertFalse(server.errorLogText().contains("Clone plugin Java engine started"));
    }

    @Test
    void forceWithAnUnusableJavaHomeStopsTheServer(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("force").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .option("clone", "FORCE")
                .option("clone-java-home", UNUSABLE_JAVA_HOME)
                .build();

        int exitCode = server.startExpectingFailure(Duration.ofSeconds(90));

        assertNotEquals(0, exitCode);
        String log = server.errorLogText();
        assertTrue(log.contains("Clone plugin cannot start its Java engine: no libjvm.so")
                && log.contains(UNUSABLE_JAVA_HOME), log);
        assertTrue(log.contains("[ERROR]") && log.contains("clone"), log);
    }

    @Test
    void onWithAnUnusableJavaHomeRunsWithoutThePlugin(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("on").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .option("clone", "ON")
                .option("clone-java-home", UNUSABLE_JAVA_HOME)
                .start();

        assertEquals(List.of(), server.query(PLUGIN_ROW), "a plugin whose init failed is not listed");
        String log = server.errorLogText();
        assertEquals(1, count(log, "Clone plugin cannot start its Java engine"), log);
        assertTrue(log.contains("looked in: " + UNUSABLE_JAVA_HOME), log);
        assertEquals("1", server.scalar("SELECT 1"));
    }

    @Test
    void uninstallThenInstallInOneServerProcess(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("reinstall").withPlugin(true).start();
        String pid = server.scalar("SELECT @@pid_file");
        String before = Files.readString(Path.of(pid)).trim();

        for (int round = 0; round < 3; round++) {
            server.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
            assertEquals("ACTIVE", server.scalar("SELECT PLUGIN_STATUS FROM INFORMATION_SCHEMA.PLUGINS "
                    + "WHERE PLUGIN_NAME = 'clone'"));
            server.execute("UNINSTALL PLUGIN clone");
            assertEquals("0", server.scalar("SELECT COUNT(*) FROM INFORMATION_SCHEMA.PLUGINS "
                    + "WHERE PLUGIN_NAME = 'clone'"));
        }
        server.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
        Path target = server.serverDir().resolve("after-reinstall");
        server.execute("CLONE LOCAL DATA DIRECTORY = '" + target + "'");

        assertTrue(Files.isDirectory(target.resolve("mysql")), "the clone works after a re-install");
        assertEquals(before, Files.readString(Path.of(pid)).trim(), "same server process throughout");
        assertEquals(4, count(server.errorLogText(), "Clone plugin Java engine started"));
    }

    @Test
    void uninstallIsRefusedWhileACloneRuns(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("busy").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .start();
        server.execute("SET GLOBAL clone_max_data_bandwidth = 2");
        Path target = server.serverDir().resolve("slow-clone");
        CompletableFuture<SQLException> clone = CompletableFuture.supplyAsync(() -> {
            try {
                server.execute("CLONE LOCAL DATA DIRECTORY = '" + target + "'");
                return null;
            } catch (SQLException e) {
                return e;
            }
        });
        awaitCloneRunning(server);

        SQLException refused = assertThrows(SQLException.class, () -> server.execute("UNINSTALL PLUGIN clone"));
        assertEquals(1883, refused.getErrorCode(), refused.getMessage()); // ER_PLUGIN_CANNOT_BE_UNINSTALLED

        server.execute("KILL QUERY " + server.scalar("SELECT ID FROM INFORMATION_SCHEMA.PROCESSLIST "
                + "WHERE INFO LIKE 'CLONE LOCAL%'"));
        SQLException killed = clone.get(30, TimeUnit.SECONDS);
        assertEquals(1317, killed.getErrorCode(), killed.getMessage());
        server.execute("UNINSTALL PLUGIN clone");
        assertEquals("0", server.scalar("SELECT COUNT(*) FROM INFORMATION_SCHEMA.PLUGINS WHERE PLUGIN_NAME = 'clone'"));
    }

    private static void awaitCloneRunning(MysqlServer server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!server.errorLogText().contains("Clone stage FILE COPY begins")) {
            assertTrue(System.nanoTime() < deadline, "the clone did not start");
            Thread.sleep(50);
        }
    }

    @Test
    void systemVariablesHaveMysqlDefaultsAndRanges(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("variables").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .start();

        List<List<String>> expected = List.of(
                List.of("clone_autotune_concurrency", "ON"),
                List.of("clone_block_ddl", "OFF"),
                List.of("clone_buffer_size", "4194304"),
                List.of("clone_ddl_timeout", "300"),
                List.of("clone_delay_after_data_drop", "0"),
                List.of("clone_donor_timeout_after_network_failure", "5"),
                List.of("clone_enable_compression", "OFF"),
                List.of("clone_max_concurrency", "16"),
                List.of("clone_max_data_bandwidth", "0"),
                List.of("clone_max_network_bandwidth", "0"),
                List.of("clone_ssl_ca", ""),
                List.of("clone_ssl_cert", ""),
                List.of("clone_ssl_key", ""),
                List.of("clone_valid_donor_list", ""));
        List<List<String>> shown = server.query("SHOW GLOBAL VARIABLES LIKE 'clone%'").stream()
                .filter(row -> !row.get(0).startsWith("clone_java_"))
                .toList();
        assertEquals(expected, shown);

        // Out-of-range values are clamped to MySQL's ranges, as for the server's own variables.
        assertClamped(server, "clone_max_concurrency", "0", "1");
        assertClamped(server, "clone_max_concurrency", "129", "128");
        assertClamped(server, "clone_buffer_size", "1000", "1048576");
        assertClamped(server, "clone_buffer_size", "300000000", "268435456");
        assertClamped(server, "clone_ddl_timeout", "2592001", "2592000");
        assertClamped(server, "clone_donor_timeout_after_network_failure", "31", "30");
        assertClamped(server, "clone_delay_after_data_drop", "3601", "3600");
        assertClamped(server, "clone_max_data_bandwidth", "1048577", "1048576");
        server.execute("SET GLOBAL clone_block_ddl = ON", "SET GLOBAL clone_autotune_concurrency = OFF");
        assertEquals("ON", server.scalar("SELECT IF(@@GLOBAL.clone_block_ddl, 'ON', 'OFF')"));

        SQLException badList = assertThrows(SQLException.class,
                () -> server.execute("SET GLOBAL clone_valid_donor_list = 'host1:3306, host2'"));
        assertEquals(3869, badList.getErrorCode(), badList.getMessage()); // ER_CLONE_SYS_CONFIG
        server.execute("SET GLOBAL clone_valid_donor_list = 'host1:3306,host2:13306'");
        assertEquals("host1:3306,host2:13306", server.scalar("SELECT @@GLOBAL.clone_valid_donor_list"));

        SQLException readOnly = assertThrows(SQLException.class,
                () -> server.execute("SET GLOBAL clone_java_home = '/tmp'"));
        assertEquals(1238, readOnly.getErrorCode(), readOnly.getMessage()); // ER_INCORRECT_GLOBAL_LOCAL_VAR
    }

    @Test
    void optionsFromMyCnfReachTheJavaCore(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("mycnf").withPlugin(true)
                .option("plugin-load-add", "mysql_clone.so")
                .option("clone-max-concurrency", "3")
                .option("clone_buffer_size", "2097152")
                .option("clone-autotune-concurrency", "OFF")
                .start();
        assertEquals("3", server.scalar("SELECT @@GLOBAL.clone_max_concurrency"));
        server.execute("SET GLOBAL clone_max_data_bandwidth = 500");

        server.execute("CLONE LOCAL DATA DIRECTORY = '" + server.serverDir().resolve("c") + "'");

        assertTrue(server.errorLogText().contains("max concurrency 3, autotune OFF, buffer 2097152 bytes, "
                + "bandwidth limit 500 MiB/s"), "the core reads the variables' current values");
    }

    @Test
    void aMysql57DataDirectoryRefusesThePluginDuringUpgrade(ServerFactory servers) throws Exception {
        MysqlServer old = servers.mysql57("old").start();
        old.execute("CREATE DATABASE legacy", "CREATE TABLE legacy.t (id INT PRIMARY KEY)",
                "INSERT INTO legacy.t VALUES (57)");
        old.stop();

        MysqlServer upgraded = servers.mysql8("upgraded").withPlugin(true).dataDir(old.dataDir())
                .option("plugin-load-add", "mysql_clone.so")
                .startTimeout(Duration.ofMinutes(3))
                .start();

        assertTrue(upgraded.errorLogText().contains(
                "[ERROR] [MY-013238] [Server] Error installing plugin 'clone': Cannot install during upgrade."),
                upgraded.errorLogText());
        assertEquals("57", upgraded.scalar("SELECT id FROM legacy.t"));
    }

    private static void assertClamped(MysqlServer server, String variable, String set, String expected)
            throws SQLException {
        server.execute("SET GLOBAL " + variable + " = " + set);
        assertEquals(expected, server.scalar("SELECT @@GLOBAL." + variable), variable + " = " + set);
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }
}
