package org.jclone.it.conformance;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MySQL's remote_dml_ssl_certificate: local_dml's steps, each clone with clone_ssl_ca,
 * clone_ssl_cert and clone_ssl_key set (empty before, as SHOW VARIABLES shows) and REQUIRE SSL.
 */
@DisplayName("remote_dml_ssl_certificate (LocalDmlConformanceTest's steps, remote clone with clone_ssl_ca/cert/key, REQUIRE SSL)")
class RemoteDmlSslCertificateConformanceTest extends LocalDmlConformanceTest {
    @RegisterExtension
    static final RemoteMode MODE = RemoteMode.requireSslCertificate();
}
