package org.jclone.it.conformance;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;

/** MySQL's remote_insert, remote_stage, remote_file_extend: the steps of local_insert, local_stage, local_file_extend (and local_xa) with CLONE INSTANCE FROM the server itself. */
@ExtendWith(RemoteMode.class)
@DisplayName("remote_insert, remote_stage, remote_file_extend (LocalTransactionsConformanceTest's steps, remote clone)")
class RemoteTransactionsConformanceTest extends LocalTransactionsConformanceTest {
}
