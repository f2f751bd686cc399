package org.jclone.jni;

import org.jclone.core.engine.CloneCallbacks;
import org.jclone.core.engine.Locator;

/** InnoDB's clone entry points, implemented in mysql_clone.so and bound when the plugin starts. */
final class InnoDbNatives {
    private InnoDbNatives() {}

    static native long handlerton(long thd);

    static native int begin(long hton, long thd, Locator locator, int mode);

    static native int applyBegin(long hton, long thd, Locator locator, int mode, byte[] dataDir);

    static native int copy(long hton, long thd, long locator, int locatorLength, int task, CloneCallbacks callbacks, int bufferSize);

    static native int apply(long hton, long thd, long locator, int locatorLength, int task, int inError, long callback);

    static native int ack(long hton, long thd, long locator, int locatorLength, int task, int inError, long callback);

    static native int end(long hton, long thd, long locator, int locatorLength, int task, int inError);

    static native int applyEnd(long hton, long thd, long locator, int locatorLength, int task, int inError);
}
