package org.jclone.it.conformance;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MySQL's remote_error_ddl_lock: error_ddl_lock's steps with CLONE INSTANCE FROM the server
 * itself. A clone that meets DDL in progress fails on the donor, whose 1205 the recipient
 * reports as 3862 "Clone Donor Error: 1205 : ...".
 */
@ExtendWith(RemoteMode.class)
@DisplayName("remote_error_ddl_lock (ErrorDdlLockConformanceTest's steps, remote clone)")
class RemoteErrorDdlLockConformanceTest extends ErrorDdlLockConformanceTest {
}
