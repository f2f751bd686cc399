package org.jclone.it.conformance;

import static org.jclone.it.conformance.SuiteSteps.table;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MySQL's remote_ddl_skip_validation: ddl_alter_copy's steps, remote, on a server restarted with
 * innodb_validate_tablespace_paths = OFF after its tables were created, so that the clone opens
 * their tablespaces while the DDL runs. DdlConformanceTest's steps are a superset of ddl_alter_copy's.
 */
@DisplayName("remote_ddl_skip_validation (DdlConformanceTest's steps, remote, innodb_validate_tablespace_paths = OFF)")
class RemoteDdlSkipValidationConformanceTest extends DdlConformanceTest {
    @RegisterExtension
    static final RemoteMode MODE = RemoteMode.skipSpaceValidation();

    @Test
    @DisplayName("remote_ddl_skip_validation: the donor was restarted before the clone, with innodb_validate_tablespace_paths OFF")
    void validationIsOff() throws Exception {
        assertEquals(table("0"), donor.query("SELECT @@innodb_validate_tablespace_paths"));
        String log = donor.errorLogText();
        assertEquals(2, log.split("ready for connections. Version:", -1).length - 1, "started, then restarted");
    }
}
