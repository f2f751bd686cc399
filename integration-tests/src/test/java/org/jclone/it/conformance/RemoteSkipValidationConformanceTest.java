package org.jclone.it.conformance;

import static org.jclone.it.conformance.SuiteSteps.table;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MySQL's remote_skip_validation (Bug#32354908): remote_basic's steps on a donor started with
 * innodb_validate_tablespace_paths = OFF, whose clone must still carry every tablespace.
 */
@DisplayName("remote_skip_validation (RemoteBasicConformanceTest's steps, innodb_validate_tablespace_paths = OFF)")
class RemoteSkipValidationConformanceTest extends RemoteBasicConformanceTest {
    @RegisterExtension
    static final RemoteMode MODE = RemoteMode.withServerOptions(
            b -> b.option("innodb-validate-tablespace-paths", "OFF"), RemoteMode.BINLOG_NO_GTID);

    @Test
    @DisplayName("remote_skip_validation: the donor runs with innodb_validate_tablespace_paths OFF")
    void validationIsOff() throws Exception {
        assertEquals(table("0"), server.query("SELECT @@innodb_validate_tablespace_paths"));
    }
}
