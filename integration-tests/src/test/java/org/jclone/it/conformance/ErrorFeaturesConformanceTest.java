package org.jclone.it.conformance;

import static org.jclone.it.conformance.SuiteSteps.PROGRESS;
import static org.jclone.it.conformance.SuiteSteps.PROGRESS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.STATUS;
import static org.jclone.it.conformance.SuiteSteps.STATUS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.exec;
import static org.jclone.it.conformance.SuiteSteps.fails;
import static org.jclone.it.conformance.SuiteSteps.rows;
import static org.jclone.it.conformance.SuiteSteps.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.support.CloneOps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MySQL's error_features, the parts a release build without a keyring runs: the privileges a
 * clone needs, a general tablespace outside the data directory (whose file the clone cannot
 * create a second time), and INSTALL under sql_require_primary_key. The steps run in the
 * suite's order on one server: the first expects a server that has never cloned.
 */
@ExtendWith(MysqlServerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ErrorFeaturesConformanceTest {

    static MysqlServer server;
    private static Path outsideDir;

    @BeforeAll
    static void startWithAnOutsideDirectory(ServerFactory servers) throws Exception {
        outsideDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "error_features-").toRealPath();
        server = servers.mysql8("error-features").withPlugin(true)
                .option("innodb_directories", outsideDir.toString()).start();
        try (Connection c = server.connect()) {
            exec(c, "INSTALL PLUGIN clone SONAME 'mysql_clone.so'", "CREATE DATABASE test", "USE test",
                    "CREATE TABLE t1(col1 INT PRIMARY KEY, col2 char(64))",
                    "INSERT INTO t1 VALUES(10, 'clone row 1'), (20, 'clone row 2'), (30, 'clone row 3')");
        }
    }

    @Test
    @Order(1)
    @DisplayName("error_features: 1, without BACKUP_ADMIN the clone is refused and no status appears; with it the clone completes")
    void privileges() throws Exception {
        try (Connection c = server.connect()) {
            exec(c, "CREATE SCHEMA testdb_clone", "CREATE USER 'user_clone'@'localhost' IDENTIFIED BY '123'",
                    "GRANT ALL ON testdb_clone.* TO 'user_clone'@'localhost'",
                    "GRANT SELECT ON performance_schema.* TO 'user_clone'@'localhost'",
                    "GRANT SYSTEM_VARIABLES_ADMIN ON *.* TO 'user_clone'@'localhost'");
        }
        Path target = CloneOps.newTarget(server, "error_features");
        try (Connection user = server.connect("user_clone", "123")) {
            assertEquals(table("user_clone@localhost"), rows(user, "SELECT user()"));
            exec(user, "USE testdb_clone", "CREATE TABLE t1(col1 INT PRIMARY KEY, col2 char(64))",
                    "INSERT INTO t1 VALUES(10, 'clone row 1'), (20, 'clone row 2'), (30, 'clone row 3')");
            exec(user, "SET GLOBAL clone_autotune_concurrency = OFF", "SET GLOBAL clone_max_concurrency = 8");
            fails(user, CloneOps.cloneSql(target), 1227,
                    "Access denied; you need (at least one of) the BACKUP_ADMIN privilege(s) for this operation");
            assertEquals(List.of(), rows(user, STATUS));
            assertEquals(List.of(), rows(user, PROGRESS));
            assertFalse(Files.exists(target), "a refused clone creates nothing");
            exec(user, "DROP TABLE t1");
        }
        server.execute("GRANT BACKUP_ADMIN ON *.* TO 'user_clone'@'localhost'");
        assertEquals(table("user_clone\tlocalhost\tBACKUP_ADMIN", "user_clone\tlocalhost\tSYSTEM_VARIABLES_ADMIN"),
                server.query("SELECT USER, HOST, PRIV FROM mysql.global_grants WHERE USER = 'user_clone' ORDER BY PRIV"));
        try (Connection user = server.connect("user_clone", "123")) {
            SuiteSteps.cloneLocal(user, target);
            assertEquals(STATUS_COMPLETED, rows(user, STATUS));
            assertEquals(PROGRESS_COMPLETED, rows(user, PROGRESS));
        }
        server.execute("DROP SCHEMA testdb_clone", "DROP USER 'user_clone'@'localhost'");
    }

    @Test
    @Order(2)
    @DisplayName("error_features: 1A, a general tablespace with an absolute path fails the clone in FILE COPY with 1086")
    void generalTablespaceWithAbsolutePath() throws Exception {
        Path datafile = outsideDir.resolve("tbs1_data1.ibd");
        Path target = CloneOps.newTarget(server, "error_features_tbs");
        try (Connection c = server.connect()) {
            exec(c, "USE test", "CREATE TABLESPACE tbs1 ADD DATAFILE '" + datafile + "'",
                    "CREATE TABLE t2(col1 INT PRIMARY KEY) TABLESPACE = tbs1");
            try {
                SuiteSteps.cloneLocalFails(c, target.toString(), 1086, "File '" + datafile + "' already exists");
                assertEquals(table("1\tFailed\t1086"), rows(c, STATUS));
                assertEquals(table("1\tDROP DATA\tCompleted", "1\tFILE COPY\tFailed", "1\tPAGE COPY\tNot Started",
                        "1\tREDO COPY\tNot Started", "1\tFILE SYNC\tNot Started", "1\tRESTART\tNot Started",
                        "1\tRECOVERY\tNot Started"), rows(c, PROGRESS));
            } finally {
                exec(c, "DROP TABLE t2", "DROP TABLESPACE tbs1");
            }
        }
    }

    @Test
    @Order(3)
    @DisplayName("error_features: 3, INSTALL PLUGIN works with sql_require_primary_key OFF and ON")
    void installUnderSqlRequirePrimaryKey() throws Exception {
        try (Connection c = server.connect()) {
            exec(c, "UNINSTALL PLUGIN clone", "SET sql_require_primary_key = OFF",
                    "INSTALL PLUGIN clone SONAME 'mysql_clone.so'", "UNINSTALL PLUGIN clone",
                    "SET sql_require_primary_key = ON", "INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
            assertEquals(table("clone\tACTIVE"), rows(c, "SELECT PLUGIN_NAME, PLUGIN_STATUS"
                    + " FROM INFORMATION_SCHEMA.PLUGINS WHERE PLUGIN_NAME = 'clone'"));
        }
    }
}
