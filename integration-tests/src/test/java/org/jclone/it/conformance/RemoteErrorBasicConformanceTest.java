package org.jclone.it.conformance;

import static org.jclone.it.conformance.SuiteSteps.PROGRESS;
import static org.jclone.it.conformance.SuiteSteps.PROGRESS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.STATUS;
import static org.jclone.it.conformance.SuiteSteps.STATUS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.exec;
import static org.jclone.it.conformance.SuiteSteps.rows;
import static org.jclone.it.conformance.SuiteSteps.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.support.CloneOps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MySQL's remote_error_basic: error_basic with CLONE INSTANCE FROM the server itself. Without
 * the plugin 1524; a donor that cannot be reached fails with 3862 and a Failed DROP DATA stage;
 * then a good clone, and every bad path refused with the server's error while clone_status and
 * clone_progress keep showing the good clone.
 */
@ExtendWith(MysqlServerExtension.class)
class RemoteErrorBasicConformanceTest {

    private static MysqlServer server;

    @BeforeAll
    static void start(ServerFactory servers) {
        server = servers.mysql8("remote-error-basic").withPlugin(true).start();
    }

    private static void refused(Connection c, String target, int code, String message) throws SQLException {
        exec(c, "SET GLOBAL clone_autotune_concurrency = OFF", "SET GLOBAL clone_max_concurrency = 8",
                "SET GLOBAL clone_valid_donor_list = '" + server.peerAddress() + "'");
        SuiteSteps.fails(c, RemoteBasicConformanceTest.remoteSql(server, server.peerPort(), target), code, message);
        assertEquals(STATUS_COMPLETED, rows(c, STATUS));
        assertEquals(PROGRESS_COMPLETED, rows(c, PROGRESS));
    }

    @Test
    @DisplayName("remote_error_basic: 1-2D, no plugin 1524, unreachable donor 3862, a good clone, then bad paths refused")
    void errorsAroundAGoodClone() throws Exception {
        try (Connection c = server.connect()) {
            Path good = CloneOps.newTarget(server, "remote_error_basic");
            SuiteSteps.fails(c, RemoteBasicConformanceTest.remoteSql(server, server.peerPort(), good.toString()), 1524,
                    "Plugin 'clone' is not loaded");
            SuiteSteps.fails(c, "UNINSTALL PLUGIN clone", 1305, "PLUGIN clone does not exist");
            exec(c, "INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
            SuiteSteps.fails(c, "INSTALL PLUGIN clone SONAME 'mysql_clone.so'", 1125, "Function 'clone' already exists");

            // The suite's donor address names a port nothing listens on.
            exec(c, "SET GLOBAL clone_autotune_concurrency = OFF", "SET GLOBAL clone_max_concurrency = 8",
                    "SET GLOBAL clone_valid_donor_list = '" + server.peerHost() + ":1'");
            SQLException e = assertThrows(SQLException.class,
                    () -> exec(c, RemoteBasicConformanceTest.remoteSql(server, 1, good.toString())));
            assertEquals(3862, e.getErrorCode(), e.getMessage());
            assertTrue(e.getMessage().startsWith("Clone Donor Error: Connect failed: 2003 : Can't connect to MySQL "
                    + "server on '" + server.peerHost() + ":1' ("), e.getMessage());
            assertEquals(table("1\tFailed\t3862"), rows(c, STATUS));
            assertEquals(table("1\tDROP DATA\tFailed", "1\tFILE COPY\tNot Started", "1\tPAGE COPY\tNot Started",
                    "1\tREDO COPY\tNot Started", "1\tFILE SYNC\tNot Started", "1\tRESTART\tNot Started",
                    "1\tRECOVERY\tNot Started"), rows(c, PROGRESS));

            RemoteBasicConformanceTest.cloneRemote(c, server, good.toString());
            assertEquals(STATUS_COMPLETED, rows(c, STATUS));
            assertEquals(PROGRESS_COMPLETED, rows(c, PROGRESS));

            refused(c, "./data", 1525, "Incorrect path value: './data'");
            String tooLong = good + "/a" + "#".repeat(300) + "b" + "#".repeat(300);
            refused(c, tooLong, 1680, "The path specified for DATA DIRECTORY is too long.");
            String inside = server.dataDir().toAbsolutePath() + "/data";
            refused(c, inside, 3632, "Path is within the current data directory '" + inside + "'");
            refused(c, good.toString(), 1007, "Can't create database '" + good + "'; database exists");
        }
    }
}
