package org.jclone.it.conformance;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MySQL's remote_dml_compressed_row and remote_dml_auto_tune: those steps of
 * LocalDmlVariantsConformanceTest with CLONE INSTANCE FROM the server itself.
 */
@ExtendWith(RemoteMode.class)
@DisplayName("remote_dml_compressed_row, remote_dml_auto_tune (LocalDmlVariantsConformanceTest's steps, remote clone)")
class RemoteDmlVariantsConformanceTest extends LocalDmlVariantsConformanceTest {

    /** Not a test here: local_dml_no_redo has no remote file in the suite. */
    @Override
    void redoLoggingDisabled() {
    }
}
