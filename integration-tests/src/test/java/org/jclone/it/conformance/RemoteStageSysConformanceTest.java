package org.jclone.it.conformance;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;

/** MySQL's remote_stage_sys: local_stage_sys's steps with CLONE INSTANCE FROM the server itself into a data directory. */
@ExtendWith(RemoteMode.class)
@DisplayName("remote_stage_sys (LocalStageSysConformanceTest's steps, remote clone)")
class RemoteStageSysConformanceTest extends LocalStageSysConformanceTest {
}
