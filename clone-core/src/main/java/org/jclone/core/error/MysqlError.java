package org.jclone.core.error;

/** The MySQL error codes a clone reports, with the server's message text for each. */
public enum MysqlError {
    ER_CANT_CREATE_FILE(1004, "Can't create file '%s' (errno: %d - %s)"),
    ER_ERROR_ON_WRITE(1026, "Error writing file '%s' (errno: %d - %s)"),
    ER_ERROR_ON_READ(1024, "Error reading file '%s' (errno: %d - %s)"),
    ER_OUTOFMEMORY(1037, "Out of memory; restart server and try again (needed %d bytes)"),
    ER_LOCK_WAIT_TIMEOUT(1205, "Lock wait timeout exceeded; try restarting transaction"),
    ER_QUERY_INTERRUPTED(1317, "Query execution was interrupted"),
    ER_INTERNAL_ERROR(1815, "Internal error: %s"),
    ER_CLONE_TOO_MANY_CONCURRENT_CLONES(3634, "Too many concurrent clone operations. Maximum allowed - %d."),
    ER_NET_PACKETS_OUT_OF_ORDER(1156, "Got packets out of order"),
    ER_NET_READ_ERROR(1158, "Got an error reading communication packets"),
    ER_CLONE_DONOR(3862, "Clone Donor Error: %s."),
    ER_CLONE_PROTOCOL(3863, "Clone received unexpected response from Donor : %s."),
    ER_CLONE_SYS_CONFIG(3869, "Clone system configuration: %s"),
    ER_CLONE_NETWORK_PACKET(3957, "Clone needs max_allowed_packet value to be %d or more. Current value is %d");

    private final int code;
    private final String format;

    MysqlError(int code, String format) {
        this.code = code;
        this.format = format;
    }

    public int code() {
        return code;
    }

    public String message(Object... args) {
        return String.format(format, args);
    }

    public CloneException exception(Object... args) {
        return new CloneException(code, message(args));
    }
}
