package org.jclone.it.remote;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A bare MySQL client that logs in with mysql_native_password, sends COM_CLONE and then
 * whatever bytes a test wants: a recipient that misbehaves, which no real client library
 * would let a test be. Loopback only.
 */
final class RawCloneConnection implements AutoCloseable {
    private static final int COM_CLONE = 0x20;
    private static final int CLIENT_LONG_PASSWORD = 0x1;
    private static final int CLIENT_PROTOCOL_41 = 0x200;
    private static final int CLIENT_TRANSACTIONS = 0x2000;
    private static final int CLIENT_SECURE_CONNECTION = 0x8000;
    private static final int CLIENT_PLUGIN_AUTH = 0x80000;
    private static final String NATIVE = "mysql_native_password";

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int sequence;

    RawCloneConnection(int port, String user, String password) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        login(user, password);
    }

    private void login(String user, String password) throws IOException {
        byte[] greeting = read();
        int p = 1;
        while (greeting[p] != 0) {
            p++; // server version
        }
        p += 1 + 4;
        byte[] scramble = new byte[20];
        System.arraycopy(greeting, p, scramble, 0, 8);
        p += 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10;
        System.arraycopy(greeting, p, scramble, 8, 12);

        ByteArrayOutputStream response = new ByteArrayOutputStream();
        int flags = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION
                | CLIENT_PLUGIN_AUTH;
        writeInt(response, flags, 4);
        writeInt(response, 16 * 1024 * 1024, 4);
        response.write(33);
        response.write(new byte[23]);
        response.write(user.getBytes(StandardCharsets.UTF_8));
        response.write(0);
        byte[] auth = nativeScramble(password, scramble);
        response.write(auth.length);
        response.write(auth);
        response.write(NATIVE.getBytes(StandardCharsets.UTF_8));
        response.write(0);
        write(response.toByteArray());
        byte[] answer = read();
        if ((answer[0] & 0xff) == 0xfe) { // auth switch: the new scramble follows the plugin name
            int q = 1;
            while (answer[q] != 0) {
                q++;
            }
            byte[] fresh = Arrays.copyOfRange(answer, q + 1, q + 21);
            write(nativeScramble(password, fresh));
            answer = read();
        }
        if (answer[0] != 0) {
            throw new IOException("login failed: " + new String(answer, StandardCharsets.UTF_8));
        }
    }

    /** COM_CLONE; the server answers OK and hands the connection to the clone plugin. */
    void startClone() throws IOException {
        sequence = 0;
        write(new byte[] {COM_CLONE});
        byte[] ok = read();
        if (ok[0] != 0) {
            throw new IOException("COM_CLONE refused: " + new String(ok, StandardCharsets.UTF_8));
        }
    }

    /** One clone command packet (sequence restarts at 0, as the clone protocol does). */
    void send(byte[] packet) throws IOException {
        sequence = 0;
        write(packet);
    }

    /** The donor's next response, or null when it closed the connection. */
    byte[] receive() throws IOException {
        try {
            return read();
        } catch (EOFException | java.net.SocketException e) {
            return null;
        }
    }

    private byte[] read() throws IOException {
        int length = in.readUnsignedByte() | in.readUnsignedByte() << 8 | in.readUnsignedByte() << 16;
        sequence = in.readUnsignedByte() + 1;
        byte[] payload = new byte[length];
        in.readFully(payload);
        return payload;
    }

    private void write(byte[] payload) throws IOException {
        byte[] header = {(byte) payload.length, (byte) (payload.length >> 8), (byte) (payload.length >> 16),
                (byte) sequence++};
        out.write(header);
        out.write(payload);
        out.flush();
    }

    private static void writeInt(ByteArrayOutputStream out, int value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write(value >> (8 * i));
        }
    }

    private static byte[] nativeScramble(String password, byte[] scramble) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] stage1 = sha1.digest(password.getBytes(StandardCharsets.UTF_8));
            byte[] stage2 = sha1.digest(stage1);
            sha1.update(scramble);
            byte[] mix = sha1.digest(stage2);
            for (int i = 0; i < mix.length; i++) {
                mix[i] ^= stage1[i];
            }
            return mix;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
