package org.jclone.it.conformance;

import static org.jclone.it.conformance.SuiteSteps.PROGRESS;
import static org.jclone.it.conformance.SuiteSteps.PROGRESS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.STATUS;
import static org.jclone.it.conformance.SuiteSteps.STATUS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.cloneLocalFails;
import static org.jclone.it.conformance.SuiteSteps.exec;
import static org.jclone.it.conformance.SuiteSteps.fails;
import static org.jclone.it.conformance.SuiteSteps.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.support.CloneOps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MySQL's error_basic: the plugin's absence and presence, then a good clone followed by
 * every kind of bad path, each refused with the suite's error while clone_status and
 * clone_progress keep showing the good clone.
 */
@ExtendWith(MysqlServerExtension.class)
class ErrorBasicConformanceTest {

    private static MysqlServer server;
    private static Path goodTarget;

    @BeforeAll
    static void startWithoutThePlugin(ServerFactory servers) throws Exception {
        server = servers.mysql8("error-basic").withPlugin(true).start();
        goodTarget = CloneOps.newTarget(server, "error_basic");
    }

    @Test
    @DisplayName("error_basic: 1-1B, no plugin: CLONE and UNINSTALL refused; installed twice: refused")
    void pluginAbsentThenPresent() throws Exception {
        try (Connection c = server.connect()) {
            if (!server.query("SELECT 1 FROM INFORMATION_SCHEMA.PLUGINS WHERE PLUGIN_NAME = 'clone'").isEmpty()) {
                exec(c, "UNINSTALL PLUGIN clone");
            }
            // Without the plugin the suite sets no clone_* variable: they do not exist.
            fails(c, CloneOps.cloneSql(CloneOps.newTarget(server, "no_plugin")), 1524, "Plugin 'clone' is not loaded");
            fails(c, "UNINSTALL PLUGIN clone", 1305, "PLUGIN clone does not exist");
            exec(c, "INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
            fails(c, "INSTALL PLUGIN clone SONAME 'mysql_clone.so'", 1125, "Function 'clone' already exists");
        } finally {
            // The other steps need the plugin whatever happened here.
            if (server.query("SELECT 1 FROM INFORMATION_SCHEMA.PLUGINS WHERE PLUGIN_NAME = 'clone'").isEmpty()) {
                server.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
            }
        }
    }

    @Test
    @DisplayName("error_basic: 1C-2D, a clone, then relative, too long, inside-datadir and existing paths refused; status unchanged")
    void badPathsAfterAGoodClone() throws Exception {
        if (server.query("SELECT 1 FROM INFORMATION_SCHEMA.PLUGINS WHERE PLUGIN_NAME = 'clone'").isEmpty()) {
            server.execute("INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
        }
        try (Connection c = server.connect()) {
            SuiteSteps.cloneLocal(c, goodTarget);
            assertStatusOfTheGoodClone(c);

            cloneLocalFails(c, "./data", 1525, "Incorrect path value: './data'");
            assertStatusOfTheGoodClone(c);

            String tooLong = goodTarget + "/a" + "#".repeat(300) + "b" + "#".repeat(300);
            cloneLocalFails(c, tooLong, 1680, "The path specified for DATA DIRECTORY is too long.");
            assertStatusOfTheGoodClone(c);

            String inside = server.dataDir().toAbsolutePath() + "/data";
            cloneLocalFails(c, inside, 3632, "Path is within the current data directory '" + inside + "'");
            assertStatusOfTheGoodClone(c);

            cloneLocalFails(c, goodTarget.toString(), 1007,
                    "Can't create database '" + goodTarget + "'; database exists");
            assertStatusOfTheGoodClone(c);
        }
    }

    private static void assertStatusOfTheGoodClone(Connection c) throws Exception {
        assertEquals(STATUS_COMPLETED, rows(c, STATUS));
        assertEquals(PROGRESS_COMPLETED, rows(c, PROGRESS));
    }
}
