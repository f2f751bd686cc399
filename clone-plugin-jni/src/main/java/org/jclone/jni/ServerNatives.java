package org.jclone.jni;

/** Server functions, implemented in mysql_clone.so and bound when the plugin starts. */
final class ServerNatives {
    private ServerNatives() {}

    /** Levels of the server's plugin log function. */
    static final int ERROR = 0;
    static final int WARNING = 1;
    static final int INFORMATION = 2;

    static native void log(int level, String message);

    static native long sysvarLong(String name);

    static native String sysvarString(String name);

    static native void raiseError(int code, String message);

    static native int pendingErrorCode(long thd);

    static native String pendingErrorMessage(long thd);

    static native boolean killed(long thd);

    static native long startSession();

    static native long startClientSession();

    static native void finishSession(long thd);

    static native void startDonorStatement(long thd);

    static native boolean acquireBackupLock(long thd, long timeoutSeconds);

    static native void releaseBackupLock(long thd);

    static native long threadId(long thd);
}
