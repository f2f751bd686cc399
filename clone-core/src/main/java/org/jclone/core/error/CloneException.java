package org.jclone.core.error;

/** A clone failure that carries the MySQL error code and message the client will see. */
public final class CloneException extends Exception {
    private final int code;

    public CloneException(int code, String message) {
        super(message);
        this.code = code;
    }

    public CloneException(int code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
