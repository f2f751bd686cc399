package org.jclone.it.conformance;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MySQL's remote_dml_ssl: the steps of local_dml with CLONE INSTANCE FROM the server itself REQUIRE SSL. */
@DisplayName("remote_dml_ssl (LocalDmlConformanceTest's steps, remote clone REQUIRE SSL)")
class RemoteDmlSslConformanceTest extends LocalDmlConformanceTest {
    @RegisterExtension
    static final RemoteMode MODE = RemoteMode.requireSsl();
}
