package org.jclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jclone.it.harness.FailedServerLogs;
import org.jclone.it.harness.FileTrees;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Checks the harness itself against real mysqld processes, without the clone plugin. */
@ExtendWith(MysqlServerExtension.class)
class HarnessTest {

    @Test
    void startsQueriesAndRestarts(ServerFactory servers) throws Exception {
        MysqlServer server = servers.mysql8("plain").start();

        assertTrue(server.scalar("SELECT VERSION()").startsWith("8.0.31"), server.scalar("SELECT VERSION()"));
        assertEquals(Integer.toString(server.port()), server.scalar("SELECT @@port"));
        assertEquals(server.dataDir().toString() + "/", server.scalar("SELECT @@datadir"));
        assertEquals("0", server.scalar("SELECT COUNT(*) FROM information_schema.plugins WHERE plugin_name = 'clone'"),
                "a server built without withPlugin(true) must not have a clone plugin");

        server.execute(
                "CREATE DATABASE harness",
                "CREATE TABLE harness.t (id INT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO harness.t VALUES (1, 'one'), (2, NULL)");
        List<List<String>> expected = List.of(List.of("1", "one"), java.util.Arrays.asList("2", null));
        assertEquals(expected, server.query("SELECT id, v FROM harness.t ORDER BY id"));

        server.restart();
        assertTrue(server.isRunning());
        assertEquals(expected, server.query("SELECT id, v FROM harness.t ORDER BY id"));

        server.stop();
        assertFalse(server.isRunning());
        assertTrue(server.errorLogText().contains("ready for connections"), "error log is written");
    }

    @Test
    void copiesOfTheTemplateGetTheirOwnServerUuid(ServerFactory servers) throws Exception {
        MysqlServer a = servers.mysql8("a").start();
        MysqlServer b = servers.mysql8("b").start();
        assertNotEquals(a.scalar("SELECT @@server_uuid"), b.scalar("SELECT @@server_uuid"));
        assertNotEquals(a.scalar("SELECT @@server_id"), b.scalar("SELECT @@server_id"));
    }

    @Test
    void initializesADataDirectoryWithExtraOptions(ServerFactory servers) throws Exception {
        String layout = "ibdata1:12M;ibdata2:12M:autoextend";
        MysqlServer twoFiles = servers.mysql8("two-files").initializeWith("innodb_data_file_path", layout).start();
        assertEquals(layout, twoFiles.scalar("SELECT @@innodb_data_file_path"));
        assertEquals(12L << 20, Files.size(twoFiles.dataDir().resolve("ibdata1")));
        assertEquals(12L << 20, Files.size(twoFiles.dataDir().resolve("ibdata2")));
        assertTrue(Files.readString(twoFiles.configFile()).contains("innodb_data_file_path=" + layout),
                "the server starts with the layout it was initialized with");

        MysqlServer plain = servers.mysql8("one-file").build();
        assertFalse(Files.exists(plain.dataDir().resolve("ibdata2")), "the plain template keeps one ibdata1");
        assertTrue(Files.exists(plain.dataDir().resolve("ibdata1")));
    }

    @Test
    void reportsAServerThatCannotStart(ServerFactory servers) {
        MysqlServer broken = servers.mysql8("broken").option("jclone-no-such-option", "1").build();

        int exitCode = broken.startExpectingFailure(Duration.ofSeconds(60));
        assertNotEquals(0, exitCode);
        assertTrue(broken.errorLogText().contains("jclone-no-such-option"), broken.errorLogText());

        IllegalStateException e = assertThrows(IllegalStateException.class, broken::start);
        assertTrue(e.getMessage().contains("jclone-no-such-option"), "start() failure carries the error-log tail");
    }

    @Test
    void failsWhenThePluginDirectoryIsMissing(ServerFactory servers, @TempDir Path tmp) {
        MysqlServer.Builder builder = servers.mysql8("noplugin").withPlugin(true).pluginSource(tmp.resolve("absent"));
        IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);
        assertTrue(e.getMessage().contains("absent"), e.getMessage());
    }

    @Test
    void mysql57DataDirectoryIsUpgradedBy80(ServerFactory servers) throws Exception {
        MysqlServer old = servers.mysql57("old").start();
        assertTrue(old.scalar("SELECT VERSION()").startsWith("5.7.22"));
        old.execute("CREATE DATABASE legacy",
                "CREATE TABLE legacy.t (id INT PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO legacy.t VALUES (57)");
        old.stop();

        MysqlServer upgraded = servers.mysql8("upgraded").dataDir(old.dataDir())
                .startTimeout(Duration.ofSeconds(180)).start();
        assertTrue(upgraded.scalar("SELECT VERSION()").startsWith("8.0.31"));
        assertEquals("57", upgraded.scalar("SELECT id FROM legacy.t"));
    }

    @Test
    void keepsTheLogsOfAFailedTestAndStopsItsServers() throws Exception {
        Path kept = FailedServerLogs.directoryFor("HarnessTest$FailingScenario", "failsWithARunningServer");
        FileTrees.deleteTree(kept);

        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(FailingScenario.class))
                .execute().testEvents()
                .assertStatistics(stats -> stats.started(1).failed(1));

        MysqlServer victim = FailingScenario.server;
        assertNotNull(victim, "the scenario started its server");
        assertFalse(victim.isRunning(), "the extension stops servers after a failed test");
        String errorLog = Files.readString(kept.resolve("victim.err"));
        assertTrue(errorLog.contains("ready for connections"), errorLog);
        assertTrue(Files.readString(kept.resolve("victim.cnf")).contains("[mysqld]"));
        assertTrue(Files.isDirectory(victim.serverDir()), "a failed test's server directory is kept");
    }

    /** Run only through EngineTestKit above (surefire skips nested classes). */
    @ExtendWith(MysqlServerExtension.class)
    static class FailingScenario {
        static volatile MysqlServer server;

        @Test
        void failsWithARunningServer(ServerFactory servers) {
            server = servers.mysql8("victim").start();
            throw new AssertionError("deliberate failure to exercise log retention");
        }
    }
}
