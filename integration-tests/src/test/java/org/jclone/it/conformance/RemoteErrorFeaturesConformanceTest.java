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
import org.jclone.it.support.CloneOps;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MySQL's remote_error_features: error_features with CLONE INSTANCE FROM the server itself. Step
 * 1 has remote steps of its own (the donor list needs SYSTEM_VARIABLES_ADMIN, a clone before the
 * list names the donor is refused with 3869 and leaves no status, the list's format checks);
 * 1A and 3 are error_features's, inherited.
 */
@ExtendWith(RemoteMode.class)
@DisplayName("remote_error_features (ErrorFeaturesConformanceTest's steps, remote clone)")
class RemoteErrorFeaturesConformanceTest extends ErrorFeaturesConformanceTest {

    private static final int ER_CLONE_SYS_CONFIG = 3869;
    private static final String INVALID_FORMAT = "Clone system configuration: Invalid Format. Please enter"
            + " \"<hostname1>:<port1>,...\"' with no extra space";

    @Test
    @Order(1)
    @Override
    @DisplayName("remote_error_features: 1, the donor list needs SYSTEM_VARIABLES_ADMIN, the clone BACKUP_ADMIN and a listed donor (3869); list format checks; then the clone completes")
    void privileges() throws Exception {
        String donor = "127.0.0.1:" + server.port();
        try (Connection c = server.connect()) {
            exec(c, "CREATE SCHEMA testdb_clone", "CREATE USER 'user_clone'@'localhost' IDENTIFIED BY '123'",
                    "GRANT ALL ON testdb_clone.* TO 'user_clone'@'localhost'",
                    "GRANT SELECT ON performance_schema.* TO 'user_clone'@'localhost'");
            assertEquals(List.of(), rows(c, "SELECT USER, HOST, PRIV FROM mysql.global_grants"
                    + " WHERE USER = 'user_clone' ORDER BY PRIV"));
        }
        Path target = CloneOps.newTarget(server, "remote_error_features");
        String cloneSql = "CLONE INSTANCE FROM root@'127.0.0.1':" + server.port() + " IDENTIFIED BY '' DATA DIRECTORY = '"
                + target + "'";
        try (Connection user = server.connect("user_clone", "123")) {
            assertEquals(table("user_clone@localhost"), rows(user, "SELECT user()"));
            fails(user, "SET GLOBAL clone_valid_donor_list = '" + donor + "'", 1227,
                    "Access denied; you need (at least one of) the SUPER or SYSTEM_VARIABLES_ADMIN privilege(s) for"
                            + " this operation");
            server.execute("GRANT SYSTEM_VARIABLES_ADMIN ON *.* TO 'user_clone'@'localhost'");
            exec(user, "USE testdb_clone", "CREATE TABLE t1(col1 INT PRIMARY KEY, col2 char(64))",
                    "INSERT INTO t1 VALUES(10, 'clone row 1'), (20, 'clone row 2'), (30, 'clone row 3')",
                    "SET GLOBAL clone_autotune_concurrency = OFF", "SET GLOBAL clone_max_concurrency = 8");
            fails(user, cloneSql, 1227,
                    "Access denied; you need (at least one of) the BACKUP_ADMIN privilege(s) for this operation");
            assertEquals(List.of(), rows(user, STATUS));
            assertEquals(List.of(), rows(user, PROGRESS));
            exec(user, "DROP TABLE t1");
        }
        server.execute("GRANT BACKUP_ADMIN ON *.* TO 'user_clone'@'localhost'");
        assertEquals(table("user_clone\tlocalhost\tBACKUP_ADMIN", "user_clone\tlocalhost\tSYSTEM_VARIABLES_ADMIN"),
                server.query("SELECT USER, HOST, PRIV FROM mysql.global_grants WHERE USER = 'user_clone' ORDER BY PRIV"));
        try (Connection user = server.connect("user_clone", "123")) {
            exec(user, "SET GLOBAL clone_autotune_concurrency = OFF", "SET GLOBAL clone_max_concurrency = 8");
            fails(user, cloneSql, ER_CLONE_SYS_CONFIG,
                    "Clone system configuration: " + donor + " is not found in clone_valid_donor_list: ");
            assertEquals(List.of(), rows(user, STATUS));
            assertEquals(List.of(), rows(user, PROGRESS));
            assertFalse(Files.exists(target), "a refused clone creates nothing");
        }
        try (Connection c = server.connect()) {
            assertEquals(table("NULL"), rows(c, "SELECT @@clone_valid_donor_list"));
            exec(c, "SET @blah = '127.0.0.1:8976'", "SET GLOBAL clone_valid_donor_list = @blah");
            assertEquals(table("127.0.0.1:8976"), rows(c, "SELECT @@clone_valid_donor_list"));
            exec(c, "SET GLOBAL clone_valid_donor_list = default");
            assertEquals(table("NULL"), rows(c, "SELECT @@clone_valid_donor_list"));
            exec(c, "SET GLOBAL clone_valid_donor_list = NULL");
            assertEquals(table("NULL"), rows(c, "SELECT @@clone_valid_donor_list"));
            fails(c, "SET GLOBAL clone_valid_donor_list = ' " + donor + "'", ER_CLONE_SYS_CONFIG, INVALID_FORMAT);
            fails(c, "SET GLOBAL clone_valid_donor_list = '127.0.0.1:A" + server.port() + "'", ER_CLONE_SYS_CONFIG,
                    INVALID_FORMAT);
            fails(c, "SET GLOBAL clone_valid_donor_list = '" + donor + ",127.0.0.1:A" + server.port() + "'",
                    ER_CLONE_SYS_CONFIG, INVALID_FORMAT);
            exec(c, "SET GLOBAL clone_valid_donor_list = '" + donor + "'");
        }
        try (Connection user = server.connect("user_clone", "123")) {
            SuiteSteps.cloneLocal(user, target);
            assertEquals(STATUS_COMPLETED, rows(user, STATUS));
            assertEquals(PROGRESS_COMPLETED, rows(user, PROGRESS));
        }
        server.execute("DROP SCHEMA testdb_clone", "DROP USER 'user_clone'@'localhost'");
    }
}
