package org.jclone.it.conformance;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a local_X class's steps as the suite's remote_X file does (remote_clone = 1): every
 * SuiteSteps.cloneLocal becomes CLONE INSTANCE FROM the server itself. Extension callbacks run
 * before the class's own @BeforeAll and after its @AfterAll.
 */
final class RemoteMode implements BeforeAllCallback, AfterAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        SuiteSteps.useRemoteClone(true);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        SuiteSteps.useRemoteClone(false);
    }
}
