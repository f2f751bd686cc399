package org.jclone.jni;

import java.nio.ByteBuffer;
import org.jclone.core.engine.CloneCallbacks;

/** The server's clone protocol functions and InnoDB's remote apply, bound when the plugin starts. */
final class RemoteNatives {
    private RemoteNatives() {}

    static native long connect(long thd, byte[] host, int port, byte[] user, byte[] password, int sslMode,
                               byte[] sslKey, byte[] sslCert, byte[] sslCa, ByteBuffer compression);

    static native int sendCommand(long thd, long connection, boolean setActive, int command, ByteBuffer payload,
                                  int length);

    static native ByteBuffer getResponse(long thd, long connection, boolean setActive, int timeout, long[] out);

    static native int kill(long connection, long victim);

    static native void disconnect(long thd, long connection, boolean fatal, boolean clearError);

    static native void clearError(long thd);

    static native ByteBuffer getCommand(long thd, long[] out);

    static native int sendResponse(long thd, boolean secure, ByteBuffer message, int length);

    static native int sendError(long thd, int errorCommand, boolean fatal);

    static native String[] charsets(long thd);

    static native int validateCharsets(long thd, String[] names);

    static native String[] configs(long thd, String[] keys);

    static native int validateConfigs(long thd, String[] keys, String[] values);

    static native String[] plugins(long thd);

    static native boolean pluginInstalled(long thd, String name);

    static native boolean libraryLoadable(byte[] path);

    static native int apply(long hton, long thd, long locator, int locatorLength, int task, CloneCallbacks handler,
                            ByteBuffer descriptor, int descriptorLength, int locatorIndex, int bufferSize);

    static native int ack(long hton, long thd, long locator, int locatorLength, int inError, CloneCallbacks handler,
                          ByteBuffer descriptor, int descriptorLength);

    static native int applyError(long hton, long thd, long locator, int locatorLength, int task, int inError);

    static native ByteBuffer callbackDescriptor(long callback);

    static native int callbackLocatorIndex(long callback);

    static native boolean callbackSecure(long callback);

    static native long addressOf(ByteBuffer buffer);

    static native ByteBuffer viewAt(long address, int length);
}
