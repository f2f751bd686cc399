package org.jclone.jni;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.jclone.core.engine.CloneCallbacks;
import org.jclone.core.remote.CloneLink;

/** The core's remote-clone view of the server, backed by RemoteNatives. */
final class NativeCloneLink implements CloneLink {
    static final NativeCloneLink INSTANCE = new NativeCloneLink();

    private NativeCloneLink() {}

    // The natives take the buffer's address: a message must start at its position 0 in a direct buffer.
    private static ByteBuffer direct(ByteBuffer buffer) {
        if (buffer.isDirect() && buffer.position() == 0) {
            return buffer;
        }
        ByteBuffer copy = ByteBuffer.allocateDirect(buffer.remaining());
        copy.put(buffer.duplicate()).flip();
        return copy;
    }

    @Override
    public long connect(long thd, byte[] host, int port, byte[] user, byte[] password, int sslMode, byte[] sslKey,
                        byte[] sslCert, byte[] sslCa, ByteBuffer compression) {
        return RemoteNatives.connect(thd, host, port, user, password, sslMode, sslKey, sslCert, sslCa, compression);
    }

    @Override
    public int sendCommand(long thd, long connection, boolean setActive, int command, ByteBuffer payload) {
        ByteBuffer message = direct(payload);
        return RemoteNatives.sendCommand(thd, connection, setActive, command, message, message.remaining());
    }

    @Override
    public Packet getResponse(long thd, long connection, boolean setActive, int timeoutSeconds) {
        long[] out = new long[2];
        ByteBuffer packet = RemoteNatives.getResponse(thd, connection, setActive, timeoutSeconds, out);
        int error = (int) out[0];
        if (error == 0 && packet == null) {
            error = 1158; // ER_NET_READ_ERROR: no packet and no error
        }
        return new Packet(error, 0, packet, out[1]);
    }

    @Override
    public int kill(long connection, long victim) {
        return RemoteNatives.kill(connection, victim);
    }

    @Override
    public void disconnect(long thd, long connection, boolean fatal, boolean clearError) {
        RemoteNatives.disconnect(thd, connection, fatal, clearError);
    }

    @Override
    public void clearError(long thd) {
        RemoteNatives.clearError(thd);
    }

    @Override
    public Packet getCommand(long thd) {
        long[] out = new long[2];
        ByteBuffer payload = RemoteNatives.getCommand(thd, out);
        return new Packet((int) out[0], (int) out[1], payload, 0);
    }

    @Override
    public int sendResponse(long thd, boolean secure, ByteBuffer message) {
        ByteBuffer direct = direct(message);
        return RemoteNatives.sendResponse(thd, secure, direct, direct.remaining());
    }

    @Override
    public int sendError(long thd, int errorCommand, boolean fatal) {
        return RemoteNatives.sendError(thd, errorCommand, fatal);
    }

    @Override
    public List<String> charsets(long thd) {
        String[] names = RemoteNatives.charsets(thd);
        return names == null ? null : Arrays.asList(names);
    }

    @Override
    public int validateCharsets(long thd, List<String> names) {
        return RemoteNatives.validateCharsets(thd, names.toArray(String[]::new));
    }

    @Override
    public List<String> configs(long thd, List<String> keys) {
        String[] values = RemoteNatives.configs(thd, keys.toArray(String[]::new));
        return values == null ? null : Arrays.asList(values);
    }

    @Override
    public int validateConfigs(long thd, List<String> keys, List<String> values) {
        return RemoteNatives.validateConfigs(thd, keys.toArray(String[]::new), values.toArray(String[]::new));
    }

    @Override
    public List<String> plugins(long thd) {
        String[] pairs = RemoteNatives.plugins(thd);
        return pairs == null ? null : Arrays.asList(pairs);
    }

    @Override
    public boolean pluginInstalled(long thd, String name) {
        return RemoteNatives.pluginInstalled(thd, name);
    }

    @Override
    public boolean libraryLoadable(String path) {
        return RemoteNatives.libraryLoadable(path.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int apply(long hton, long thd, long locator, int locatorLength, int task, CloneCallbacks handler,
                     ByteBuffer descriptor, int locatorIndex, int bufferSize) {
        ByteBuffer direct = direct(descriptor);
        return RemoteNatives.apply(hton, thd, locator, locatorLength, task, handler, direct, direct.remaining(),
                locatorIndex, bufferSize);
    }

    @Override
    public int ack(long hton, long thd, long locator, int locatorLength, int inError, CloneCallbacks handler,
                   ByteBuffer descriptor) {
        ByteBuffer direct = direct(descriptor);
        return RemoteNatives.ack(hton, thd, locator, locatorLength, inError, handler, direct, direct.remaining());
    }

    @Override
    public int applyError(long hton, long thd, long locator, int locatorLength, int task, int inError) {
        return RemoteNatives.applyError(hton, thd, locator, locatorLength, task, inError);
    }

    @Override
    public ByteBuffer callbackDescriptor(long callback) {
        return RemoteNatives.callbackDescriptor(callback);
    }

    @Override
    public int callbackLocatorIndex(long callback) {
        return RemoteNatives.callbackLocatorIndex(callback);
    }

    @Override
    public boolean callbackSecure(long callback) {
        return RemoteNatives.callbackSecure(callback);
    }

    @Override
    public long addressOf(ByteBuffer direct) {
        return RemoteNatives.addressOf(direct);
    }

    @Override
    public ByteBuffer viewAt(long address, int length) {
        return RemoteNatives.viewAt(address, length);
    }
}
