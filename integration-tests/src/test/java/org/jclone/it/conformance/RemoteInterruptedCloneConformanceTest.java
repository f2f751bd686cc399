package org.jclone.it.conformance;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MySQL's remote_error_ddl (1A, a second clone while one runs; 7, KILL QUERY) and
 * remote_boundary (3A, shutdown during FILE COPY): InterruptedCloneConformanceTest's steps with
 * CLONE INSTANCE FROM the server itself, whose outcomes the suite states as the local ones
 * (3A also accepts the donor's error, 3862).
 */
@ExtendWith(RemoteMode.class)
@DisplayName("remote_error_ddl, remote_boundary (InterruptedCloneConformanceTest's steps, remote clone)")
class RemoteInterruptedCloneConformanceTest extends InterruptedCloneConformanceTest {
}
