package org.jclone.core.remote.protocol;

/** The recipient's commands (one byte each on the wire), as MySQL's clone protocol V3 numbers them. */
public enum Command {
    INIT(1),
    ATTACH(2),
    REINIT(3),
    EXECUTE(4),
    ACK(5),
    EXIT(6);

    private final int code;

    Command(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The command with this code, or null for a code the protocol does not know. */
    public static Command of(int code) {
        for (Command command : values()) {
            if (command.code == code) {
                return command;
            }
        }
        return null;
    }
}
