package org.jclone.core.remote;

import java.nio.ByteBuffer;
import java.util.List;
import org.jclone.core.engine.CloneCallbacks;

/**
 * The server's side of a remote clone: its clone protocol functions (connections the server
 * opens and switches to clone mode, commands, responses, errors), the configuration and
 * plugin lists it validates, and InnoDB's apply and ack driven by a descriptor from the wire.
 * Every call returns a MySQL error code (0 for success) with the error raised on the session.
 */
public interface CloneLink {
    /** A response or command read from a connection; {@code packet} is a view valid until the next read. */
    record Packet(int error, int command, ByteBuffer packet, long networkBytes) {}

    /** Bytes of memory a compressed connection needs for the server's NET_SERVER extension. */
    int COMPRESSION_MEMORY = 256;

    /**
     * A connection to the donor, switched to clone mode; 0 with the error raised on {@code thd}.
     * {@code compression}: null, or {@link #COMPRESSION_MEMORY} bytes of direct memory kept
     * until the connection is closed, for the protocol's compression.
     */
    long connect(long thd, byte[] host, int port, byte[] user, byte[] password, int sslMode,
                 byte[] sslKey, byte[] sslCert, byte[] sslCa, ByteBuffer compression);

    int sendCommand(long thd, long connection, boolean setActive, int command, ByteBuffer payload);

    /** {@code timeoutSeconds} 0: the connection's own read timeout. */
    Packet getResponse(long thd, long connection, boolean setActive, int timeoutSeconds);

    int kill(long connection, long victim);

    void disconnect(long thd, long connection, boolean fatal, boolean clearError);

    /** Clears the error and warnings raised on {@code thd}'s session (before a resume); nothing without a server. */
    default void clearError(long thd) {}

    /** Donor: the next command on this session's connection. */
    Packet getCommand(long thd);

    int sendResponse(long thd, boolean secure, ByteBuffer message);

    /** Donor: sends the session's raised error as ERROR; fatal closes the connection instead. */
    int sendError(long thd, int errorCommand, boolean fatal);

    /** The server's collations; null with the error raised. */
    List<String> charsets(long thd);

    int validateCharsets(long thd, List<String> names);

    /** Values of server variables by name; null with the error raised. */
    List<String> configs(long thd, List<String> keys);

    int validateConfigs(long thd, List<String> keys, List<String> values);

    /** Active plugins: name and shared object ("" for a built-in), alternating; null on failure. */
    List<String> plugins(long thd);

    boolean pluginInstalled(long thd, String name);

    /** True if this server could load the shared library at {@code path} (dlopen, as MySQL's recipient tries). */
    default boolean libraryLoadable(String path) {
        return false;
    }

    int apply(long hton, long thd, long locator, int locatorLength, int task, CloneCallbacks handler,
              ByteBuffer descriptor, int locatorIndex, int bufferSize);

    int ack(long hton, long thd, long locator, int locatorLength, int inError, CloneCallbacks handler,
            ByteBuffer descriptor);

    int applyError(long hton, long thd, long locator, int locatorLength, int task, int inError);

    /** The descriptor InnoDB set on the callback object, as a view valid during the callback. */
    ByteBuffer callbackDescriptor(long callback);

    int callbackLocatorIndex(long callback);

    boolean callbackSecure(long callback);

    long addressOf(ByteBuffer direct);

    ByteBuffer viewAt(long address, int length);
}
