package org.jclone.core.remote.protocol;

import java.util.Arrays;

/**
 * ACK: the recipient's answer to a state change InnoDB asked to acknowledge (error 0 and
 * the descriptor), or a local apply failure told to the donor (the error, no descriptor).
 */
public record AckRequest(int error, EngineLocator locator, byte[] descriptor) {
    @Override
    public boolean equals(Object other) {
        return other instanceof AckRequest that && error == that.error && locator.equals(that.locator)
                && Arrays.equals(descriptor, that.descriptor);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * error + locator.hashCode()) + Arrays.hashCode(descriptor);
    }
}
