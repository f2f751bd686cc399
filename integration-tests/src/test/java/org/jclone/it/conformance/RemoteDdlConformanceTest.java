package org.jclone.it.conformance;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;

/** MySQL's remote_ddl_basic, remote_ddl_alter_copy, remote_ddl_alter_inplace, remote_ddl_truncate, remote_ddl_rename, remote_ddl_compress, remote_ddl_undo, remote_ddl_dml, remote_ddl_mix: the steps of the ddl_* files with CLONE INSTANCE FROM the server itself. */
@ExtendWith(RemoteMode.class)
@DisplayName("remote_ddl_basic, remote_ddl_alter_copy, remote_ddl_alter_inplace, remote_ddl_truncate, remote_ddl_rename, remote_ddl_compress, remote_ddl_undo, remote_ddl_dml, remote_ddl_mix (DdlConformanceTest's steps, remote clone)")
class RemoteDdlConformanceTest extends DdlConformanceTest {
}
