package org.jclone.core.remote.protocol;

/** A message that does not follow the protocol: too short, too long, or an unknown code. */
public final class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message);
    }
}
