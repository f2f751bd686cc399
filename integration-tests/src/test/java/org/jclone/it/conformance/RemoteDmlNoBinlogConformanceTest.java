package org.jclone.it.conformance;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MySQL's remote_dml_no_binlog: local_dml's steps, remote, on a server without a binary log; a
 * started clone shows no binlog file, position or GTIDs.
 */
@DisplayName("remote_dml_no_binlog (LocalDmlConformanceTest's steps, remote clone, no binary log)")
class RemoteDmlNoBinlogConformanceTest extends LocalDmlConformanceTest {
    @RegisterExtension
    static final RemoteMode MODE = RemoteMode.withServerOptions(b -> b.option("skip-log-bin"),
            List.of("Completed", "0", "0", "0", "0"));
}
