package org.jclone.it.conformance;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MySQL's remote_dml_no_ssl: the steps of local_dml with CLONE INSTANCE FROM the server itself
 * REQUIRE NO SSL.
 */
@DisplayName("remote_dml_no_ssl (LocalDmlConformanceTest's steps, remote clone REQUIRE NO SSL)")
class RemoteDmlNoSslConformanceTest extends LocalDmlConformanceTest {
    @RegisterExtension
    static final RemoteMode MODE = RemoteMode.requireNoSsl();
}
