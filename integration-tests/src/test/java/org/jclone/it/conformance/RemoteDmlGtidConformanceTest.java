package org.jclone.it.conformance;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MySQL's remote_dml_gtid: local_dml's steps, remote, on a server with gtid_mode = ON (the
 * file's option file); a started clone shows GTID_EXECUTED.
 */
@DisplayName("remote_dml_gtid (LocalDmlConformanceTest's steps, remote clone, gtid_mode = ON)")
class RemoteDmlGtidConformanceTest extends LocalDmlConformanceTest {
    @RegisterExtension
    static final RemoteMode MODE = RemoteMode.withServerOptions(
            b -> b.option("gtid-mode", "ON").option("enforce-gtid-consistency", "ON"),
            List.of("Completed", "0", "1", "1", "1"));
}
