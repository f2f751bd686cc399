package org.jclone.it.conformance;

import java.util.List;
import java.util.function.UnaryOperator;
import org.jclone.it.harness.MysqlServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a local_X class's steps as the suite's remote_X file does (remote_clone = 1): every
 * SuiteSteps.cloneLocal becomes CLONE INSTANCE FROM the server itself. Extension callbacks run
 * before the class's own @BeforeAll and after its @AfterAll. With {@code @ExtendWith} the plain
 * mode; the suite's variations (a REQUIRE clause, client certificates, the server started with
 * other options) are registered with {@code @RegisterExtension} and one of the factories below.
 */
final class RemoteMode implements BeforeAllCallback, AfterAllCallback {

    /** STATE, ERROR_NO, binlog file, GTIDs, binlog position a started clone shows, by default. */
    static final List<String> BINLOG_NO_GTID = List.of("Completed", "0", "1", "0", "1");

    final String require;
    final boolean certificates;
    final UnaryOperator<MysqlServer.Builder> options;
    final List<String> clonedStatus;
    final boolean skipSpaceValidation;

    RemoteMode() {
        this("", false, b -> b, BINLOG_NO_GTID, false);
    }

    private RemoteMode(String require, boolean certificates, UnaryOperator<MysqlServer.Builder> options,
            List<String> clonedStatus, boolean skipSpaceValidation) {
        this.require = require;
        this.certificates = certificates;
        this.options = options;
        this.clonedStatus = clonedStatus;
        this.skipSpaceValidation = skipSpaceValidation;
    }

    /** clone_require_ssl: the clone command ends with REQUIRE SSL. */
    static RemoteMode requireSsl() {
        return new RemoteMode(" REQUIRE SSL", false, b -> b, BINLOG_NO_GTID, false);
    }

    /** clone_require_no_ssl: REQUIRE NO SSL. */
    static RemoteMode requireNoSsl() {
        return new RemoteMode(" REQUIRE NO SSL", false, b -> b, BINLOG_NO_GTID, false);
    }

    /**
     * clone_require_ssl_certificate: clone_ssl_ca, clone_ssl_cert and clone_ssl_key set (the
     * server's own CA and client certificate, which mysqld generated in its data directory, where
     * the suite uses its std_data files), then REQUIRE SSL.
     */
    static RemoteMode requireSslCertificate() {
        return new RemoteMode(" REQUIRE SSL", true, b -> b, BINLOG_NO_GTID, false);
    }

    /** The server (and every clone started) with other options, and the status row a clone then shows. */
    static RemoteMode withServerOptions(UnaryOperator<MysqlServer.Builder> options, List<String> clonedStatus) {
        return new RemoteMode("", false, options, clonedStatus, false);
    }

    /**
     * skip_space_validation: the server started with innodb_validate_tablespace_paths = OFF, and a
     * class that creates its tables first restarts it before cloning (SuiteSteps.skipsSpaceValidation),
     * so that InnoDB has not opened their tablespaces when the clone begins.
     */
    static RemoteMode skipSpaceValidation() {
        return new RemoteMode("", false, b -> b.option("innodb-validate-tablespace-paths", "OFF"), BINLOG_NO_GTID,
                true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        SuiteSteps.useRemoteClone(this);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        SuiteSteps.useRemoteClone(null);
    }
}
