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

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.support.CloneOps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MySQL's remote_basic: local_basic's tables cloned with CLONE INSTANCE FROM the server itself
 * (root over 127.0.0.1 and its own port, as the suite does); a server started on the copy shows
 * the InnoDB rows, the other engines' tables empty, the schema still read only.
 */
@ExtendWith(MysqlServerExtension.class)
class RemoteBasicConformanceTest {

    private static final int ER_SCHEMA_READ_ONLY = 3989;
    private static final String READ_ONLY = "Schema 'schema_read_only' is in read only mode.";

    static MysqlServer server;
    private static MysqlServer clone;
    private static List<List<String>> statusAfterClone;
    private static List<List<String>> progressAfterClone;

    /** The suite's remote clone command: fixed concurrency, the donor list, CLONE INSTANCE FROM itself. */
    static void cloneRemote(Connection c, MysqlServer donor, String target) throws SQLException {
        exec(c, "SET GLOBAL clone_autotune_concurrency = OFF", "SET GLOBAL clone_max_concurrency = 8",
                "SET GLOBAL clone_valid_donor_list = '" + donor.peerAddress() + "'",
                remoteSql(donor, donor.peerPort(), target));
    }

    static String remoteSql(MysqlServer donor, int port, String target) {
        return "CLONE INSTANCE FROM root@'" + donor.peerHost() + "':" + port + " IDENTIFIED BY '' DATA DIRECTORY = '"
                + target + "'";
    }

    @BeforeAll
    static void cloneTheSuitesTables(ServerFactory servers) throws Exception {
        server = SuiteSteps.server(servers, "remote-basic").option("plugin-load-add", "mysql_clone.so").start();
        try (Connection c = server.connect()) {
            exec(c, "CREATE DATABASE test", "USE test",
                    "CREATE TABLE t1(col1 INT PRIMARY KEY, col2 char(64), FULLTEXT KEY fts_index(col2))",
                    "INSERT INTO t1 VALUES(10, 'clone row 1'), (20, 'clone row 2'), (30, 'clone row 3')",
                    "CREATE TABLE t_myisam(col1 INT PRIMARY KEY, col2 char(64)) ENGINE=MyISAM",
                    "INSERT INTO t_myisam VALUES(10, 'myisam not cloned row 1')",
                    "CREATE TABLE t_csv(col1 INT NOT NULL, col2 char(64) NOT NULL) ENGINE=CSV",
                    "INSERT INTO t_csv VALUES(10, 'csv not cloned row 1')");
            for (String schema : List.of("non_innodb", "schema_read_only")) {
                exec(c, "CREATE SCHEMA " + schema,
                        "CREATE TABLE " + schema + ".t_myisam(col1 INT PRIMARY KEY, col2 char(64)) ENGINE=MyISAM",
                        "CREATE TABLE " + schema + ".t_csv(col1 INT NOT NULL, col2 char(64) NOT NULL) ENGINE=CSV");
                for (int i = 1; i <= 3; i++) {
                    exec(c, "INSERT INTO " + schema + ".t_myisam VALUES(" + i * 10 + ", 'myisam not cloned row " + i
                            + "')", "INSERT INTO " + schema + ".t_csv VALUES(" + i * 10 + ", 'csv not cloned row " + i
                            + "')");
                }
            }
            exec(c, "CREATE TABLE schema_read_only.t_innodb(col1 INT PRIMARY KEY, col2 char(64)) ENGINE=InnoDB",
                    "INSERT INTO schema_read_only.t_innodb VALUES(10, 'innodb cloned row 1'),"
                            + " (20, 'innodb cloned row 2'), (30, 'innodb cloned row 3')",
                    "ALTER SCHEMA schema_read_only READ ONLY=1");
        }
        if (SuiteSteps.skipsSpaceValidation()) {
            // As the suite does (Bug#32354908): restarted without validating the tablespace paths,
            // InnoDB has not opened the tables' tablespaces when the clone begins.
            server.restart();
        }
        try (Connection c = server.connect()) {
            Path target = CloneOps.newTarget(server, "remote_basic");
            cloneRemote(c, server, target.toString());
            statusAfterClone = rows(c, STATUS);
            progressAfterClone = rows(c, PROGRESS);
            clone = CloneOps.startClone(servers, "remote-basic-clone", target);
        }
    }

    @Test
    @DisplayName("remote_basic: clone_status and clone_progress show clone 1 Completed, every stage up to FILE SYNC")
    void statusAfterTheClone() {
        assertEquals(STATUS_COMPLETED, statusAfterClone);
        assertEquals(PROGRESS_COMPLETED, progressAfterClone);
    }

    @Test
    @DisplayName("remote_basic: server restarted on the clone sees the FULLTEXT table and writes to it")
    void fulltextTableOnTheClone() throws Exception {
        try (Connection c = clone.connect()) {
            exec(c, "USE test");
            assertEquals(table("10\tclone row 1", "20\tclone row 2", "30\tclone row 3"),
                    rows(c, "SELECT * FROM t1 ORDER BY col1"));
            exec(c, "INSERT INTO t1 VALUES(40, 'clone row 4')");
            assertEquals(table("10\tclone row 1", "20\tclone row 2", "30\tclone row 3", "40\tclone row 4"),
                    rows(c, "SELECT * FROM t1 ORDER BY col1"));
        }
    }

    @Test
    @DisplayName("remote_basic: MyISAM and CSV tables exist empty on the clone and take new rows")
    void otherEnginesAreEmptyOnTheClone() throws Exception {
        try (Connection c = clone.connect()) {
            for (String table : List.of("test.t_myisam", "test.t_csv", "non_innodb.t_myisam", "non_innodb.t_csv")) {
                String engine = table.endsWith("myisam") ? "myisam" : "csv";
                exec(c, "INSERT INTO " + table + " VALUES(40, '" + engine + " not cloned row 4')");
                assertEquals(table("40\t" + engine + " not cloned row 4"),
                        rows(c, "SELECT * FROM " + table + " ORDER BY col1"), table);
            }
        }
    }

    @Test
    @DisplayName("remote_basic: the read-only schema stays read only on the clone, with its InnoDB rows only")
    void readOnlySchemaOnTheClone() throws Exception {
        try (Connection c = clone.connect()) {
            for (String table : List.of("t_myisam", "t_csv", "t_innodb")) {
                fails(c, "INSERT INTO schema_read_only." + table + " VALUES(40, 'not cloned row 4')",
                        ER_SCHEMA_READ_ONLY, READ_ONLY);
            }
            assertEquals(List.of(), rows(c, "SELECT * FROM schema_read_only.t_myisam ORDER BY col1"));
            assertEquals(List.of(), rows(c, "SELECT * FROM schema_read_only.t_csv ORDER BY col1"));
            assertEquals(table("10\tinnodb cloned row 1", "20\tinnodb cloned row 2", "30\tinnodb cloned row 3"),
                    rows(c, "SELECT * FROM schema_read_only.t_innodb ORDER BY col1"));
        }
    }

    @Test
    @DisplayName("remote_basic: the clone's general_log and slow_log are empty; the donor keeps its rows")
    void logsOnTheCloneAndTheDonorAfterwards() throws Exception {
        try (Connection c = clone.connect()) {
            assertEquals(table("0"), rows(c, "SELECT count(*) FROM mysql.general_log"));
            assertEquals(table("0"), rows(c, "SELECT count(*) FROM mysql.slow_log"));
        }
        try (Connection c = server.connect()) {
            assertEquals(table("10\tclone row 1", "20\tclone row 2", "30\tclone row 3"),
                    rows(c, "SELECT * FROM test.t1 ORDER BY col1"));
        }
    }
}
