package org.jclone.it.conformance;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;

/** MySQL's remote_features: the steps of local_features with CLONE INSTANCE FROM the server itself. */
@ExtendWith(RemoteMode.class)
@DisplayName("remote_features (LocalFeaturesConformanceTest's steps, remote clone)")
class RemoteFeaturesConformanceTest extends LocalFeaturesConformanceTest {
}
