package org.jclone.core.engine;

/** The server services a clone needs: sessions, kill state, the backup lock, errors. */
public interface ServerSessions {
    /** A new server session (THD) bound to the calling thread. */
    long startSession();

    /** A new session for a remote clone's worker (thread/clone/client-task). */
    default long startClientSession() {
        return startSession();
    }

    void finishSession(long thd);

    /**
     * Marks the donor session {@code thd} as statement/clone/server. MySQL's donor does so for
     * the session that began the clone (INIT or REINIT) only: its workers and the ACK
     * connection run no clone statement.
     */
    default void startDonorStatement(long thd) {
    }

    boolean killed(long thd);

    /** True if the backup lock was taken within {@code timeoutSeconds}. */
    boolean acquireBackupLock(long thd, long timeoutSeconds);

    void releaseBackupLock(long thd);

    /** Raises an error on the calling thread's session, as my_error does. */
    void raiseError(int code, String message);

    /** The error already raised on {@code thd}: its code (0 if none). */
    int pendingErrorCode(long thd);

    /** The message of the error already raised on {@code thd}, or null. */
    String pendingErrorMessage(long thd);

    long threadId(long thd);
}
