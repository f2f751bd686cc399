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
 * MySQL's local_basic: InnoDB, MyISAM and CSV tables, some in a read-only schema, cloned
 * locally; a server started on the clone shows the InnoDB rows, the other engines' tables
 * empty, and the schema still read only. One donor and one clone serve every step.
 */
@ExtendWith(MysqlServerExtension.class)
class LocalBasicConformanceTest {

    private static final int ER_SCHEMA_READ_ONLY = 3989;
    private static final String READ_ONLY = "Schema 'schema_read_only' is in read only mode.";

    private static MysqlServer donor;
    private static MysqlServer clone;
    private static List<List<String>> statusAfterClone;
    private static List<List<String>> progressAfterClone;

    @BeforeAll
    static void cloneTheSuitesTables(ServerFactory servers) throws Exception {
        donor = servers.mysql8("basic-donor").withPlugin(true).start();
        try (Connection c = donor.connect()) {
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
                    exec(c, "INSERT INTO " + schema + ".t_myisam VALUES(" + i * 10 + ", 'myisam not cloned row " + i + "')",
                            "INSERT INTO " + schema + ".t_csv VALUES(" + i * 10 + ", 'csv not cloned row " + i + "')");
                }
            }
            exec(c, "CREATE TABLE schema_read_only.t_innodb(col1 INT PRIMARY KEY, col2 char(64)) ENGINE=InnoDB",
                    "INSERT INTO schema_read_only.t_innodb VALUES(10, 'innodb cloned row 1'),"
                            + " (20, 'innodb cloned row 2'), (30, 'innodb cloned row 3')",
                    "ALTER SCHEMA schema_read_only READ ONLY=1",
                    "INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
            Path target = CloneOps.newTarget(donor, "local_basic");
            SuiteSteps.cloneLocal(c, target);
            statusAfterClone = rows(c, STATUS);
            progressAfterClone = rows(c, PROGRESS);
            clone = CloneOps.startClone(servers, "basic-clone", target);
        }
    }

    @Test
    @DisplayName("local_basic: clone_status and clone_progress show clone 1 Completed, every stage up to FILE SYNC")
    void statusAfterTheClone() {
        assertEquals(STATUS_COMPLETED, statusAfterClone);
        assertEquals(PROGRESS_COMPLETED, progressAfterClone);
    }

    @Test
    @DisplayName("local_basic: server restarted on the clone sees the FULLTEXT table and writes to it")
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
    @DisplayName("local_basic: MyISAM and CSV tables exist empty on the clone and take new rows")
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
    @DisplayName("local_basic: the read-only schema stays read only on the clone, with its InnoDB rows only")
    void readOnlySchemaOnTheClone() throws Exception {
        try (Connection c = clone.connect()) {
            fails(c, "INSERT INTO schema_read_only.t_myisam VALUES(40, 'myisam not cloned row 4')",
                    ER_SCHEMA_READ_ONLY, READ_ONLY);
            assertEquals(List.of(), rows(c, "SELECT * FROM schema_read_only.t_myisam ORDER BY col1"));
            fails(c, "INSERT INTO schema_read_only.t_csv VALUES(40, 'csv not cloned row 4')",
                    ER_SCHEMA_READ_ONLY, READ_ONLY);
            assertEquals(List.of(), rows(c, "SELECT * FROM schema_read_only.t_csv ORDER BY col1"));
            fails(c, "INSERT INTO schema_read_only.t_innodb VALUES(40, 'innodb cloned row 4')",
                    ER_SCHEMA_READ_ONLY, READ_ONLY);
            assertEquals(table("10\tinnodb cloned row 1", "20\tinnodb cloned row 2", "30\tinnodb cloned row 3"),
                    rows(c, "SELECT * FROM schema_read_only.t_innodb ORDER BY col1"));
            assertEquals(table("schema_read_only\tCREATE DATABASE `schema_read_only` /*!40100 DEFAULT CHARACTER SET"
                    + " utf8mb4 COLLATE utf8mb4_0900_ai_ci */ /*!80016 DEFAULT ENCRYPTION='N' */ /* READ ONLY = 1 */"),
                    rows(c, "SHOW CREATE SCHEMA schema_read_only"));
        }
    }

    @Test
    @DisplayName("local_basic: the clone's general_log and slow_log are empty, and logging can be switched on")
    void queryLogTablesOnTheClone() throws Exception {
        try (Connection c = clone.connect()) {
            assertEquals(table("0"), rows(c, "SELECT count(*) FROM mysql.general_log"));
            assertEquals(table("0"), rows(c, "SELECT count(*) FROM mysql.slow_log"));
            exec(c, "SET GLOBAL general_log = ON", "SET GLOBAL slow_query_log = ON",
                    "SET GLOBAL general_log = OFF", "SET GLOBAL slow_query_log = OFF");
        }
    }

    @Test
    @DisplayName("local_basic: the donor keeps its rows after the clone")
    void donorAfterTheClone() throws Exception {
        try (Connection c = donor.connect()) {
            assertEquals(table("10\tclone row 1", "20\tclone row 2", "30\tclone row 3"),
                    rows(c, "SELECT * FROM test.t1 ORDER BY col1"));
        }
    }

    @Test
    @DisplayName("local_basic: INSTALL PLUGIN works while the session's explicit_defaults_for_timestamp is OFF (bug 32199611)")
    void installWithExplicitDefaultsOff() throws Exception {
        try (Connection c = donor.connect()) {
            exec(c, "UNINSTALL PLUGIN clone");
            // performance_schema keeps the instruments of an unloaded plugin (it copied their names).
            assertEquals(table("thread/clone/client-task", "thread/clone/local-task"), rows(c,
                    "SELECT NAME FROM performance_schema.setup_threads WHERE NAME LIKE 'thread/clone/%' ORDER BY NAME"));
            assertEquals(table("statement/clone/client", "statement/clone/local", "statement/clone/server"), rows(c,
                    "SELECT NAME FROM performance_schema.setup_instruments WHERE NAME LIKE 'statement/clone/%'"
                            + " ORDER BY NAME"));
            exec(c, "SET LOCAL explicit_defaults_for_timestamp = OFF");
            assertEquals(table("explicit_defaults_for_timestamp\tOFF"),
                    rows(c, "SHOW VARIABLES LIKE 'explicit_defaults_for_timestamp'"));
            exec(c, "INSTALL PLUGIN clone SONAME 'mysql_clone.so'", "UNINSTALL PLUGIN clone",
                    "SET LOCAL explicit_defaults_for_timestamp = default",
                    "INSTALL PLUGIN clone SONAME 'mysql_clone.so'");
            assertEquals(table("clone\tACTIVE"), rows(c, "SELECT PLUGIN_NAME, PLUGIN_STATUS"
                    + " FROM INFORMATION_SCHEMA.PLUGINS WHERE PLUGIN_NAME LIKE '%clone%'"));
        }
    }
}
