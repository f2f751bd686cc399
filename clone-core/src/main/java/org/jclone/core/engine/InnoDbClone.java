package org.jclone.core.engine;

/** InnoDB's clone interface, donor and recipient side; every call returns a MySQL error code. */
public interface InnoDbClone {
    int MODE_START = 0;
    int MODE_RESTART = 1;
    int MODE_ADD_TASK = 2;
    /** Recipient only: a locator that tells the donor this server's clone version. */
    int MODE_VERSION = 3;

    long handlerton(long thd);

    int begin(long hton, long thd, Locator locator, int mode);

    /** InnoDB keeps {@code dataDir}'s address until the last apply end: the caller keeps it alive until then. */
    int applyBegin(long hton, long thd, Locator locator, int mode, TargetDirectory dataDir);

    int copy(long hton, long thd, Locator locator, int task, CloneCallbacks callbacks, int bufferSize);

    /** With {@code inError} set and no callback, InnoDB only saves the error where every apply task sees it. */
    int apply(long hton, long thd, Locator locator, int task, int inError, long callback);

    int ack(long hton, long thd, Locator locator, int task, int inError, long callback);

    int end(long hton, long thd, Locator locator, int task, int inError);

    int applyEnd(long hton, long thd, Locator locator, int task, int inError);
}
