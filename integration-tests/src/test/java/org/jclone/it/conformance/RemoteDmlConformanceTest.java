package org.jclone.it.conformance;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;

/** MySQL's remote_dml: the steps of local_dml with CLONE INSTANCE FROM the server itself. */
@ExtendWith(RemoteMode.class)
@DisplayName("remote_dml (LocalDmlConformanceTest's steps, remote clone)")
class RemoteDmlConformanceTest extends LocalDmlConformanceTest {
}
