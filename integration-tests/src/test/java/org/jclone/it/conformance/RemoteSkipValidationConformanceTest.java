package org.jclone.it.conformance;

import static org.jclone.it.conformance.SuiteSteps.table;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MySQL's remote_skip_validation (Bug#32354908): remote_basic's steps on a donor restarted with
 * innodb_validate_tablespace_paths = OFF after its tables were created, whose clone must still
 * carry every tablespace though InnoDB had not opened them.
 */
@DisplayName("remote_skip_validation (RemoteBasicConformanceTest's steps, innodb_validate_tablespace_paths = OFF)")
class RemoteSkipValidationConformanceTest extends RemoteBasicConformanceTest {
    @RegisterExtension
    static final RemoteMode MODE = RemoteMode.skipSpaceValidation();

    @Test
    @DisplayName("remote_skip_validation: the donor was restarted before the clone, with innodb_validate_tablespace_paths OFF")
    void validationIsOff() throws Exception {
        assertEquals(table("0"), server.query("SELECT @@innodb_validate_tablespace_paths"));
        String log = server.errorLogText();
        assertEquals(2, log.split("ready for connections. Version:", -1).length - 1, "started, then restarted");
    }
}
