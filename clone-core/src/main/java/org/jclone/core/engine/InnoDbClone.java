package org.jclone.core.engine;

/** InnoDB's clone interface, donor and recipient side; every call returns a MySQL error code. */
public interface InnoDbClone {
    int MODE_START = 0;
    int MODE_ADD_TASK = 2;

    long handlerton(long thd);

    int begin(long hton, long thd, Locator locator, int mode);

    int applyBegin(long hton, long thd, Locator locator, int mode, String dataDir);

    int copy(long hton, long thd, Locator locator, int task, CloneCallbacks callbacks, int bufferSize);

    int apply(long hton, long thd, Locator locator, int task, int inError, long callback);

    int ack(long hton, long thd, Locator locator, int task, int inError, long callback);

    int end(long hton, long thd, Locator locator, int task, int inError);

    int applyEnd(long hton, long thd, Locator locator, int task, int inError);
}
