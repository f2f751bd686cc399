package org.jclone.it.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * FaultProxy against an echo server on 127.0.0.1 (the "donor" echoes what it gets, doubled, and
 * records it), and the CommandScanner that finds clone commands in a recipient's packets.
 */
class FaultProxyTest {
    private static final int ACK = 5;
    private static final int INIT = 1;
    private static final int ATTACH = 2;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private ServerSocket echo;
    private Thread echoThread;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket();
        echo.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        echoThread = new Thread(this::serveEcho, "echo");
        echoThread.setDaemon(true);
        echoThread.start();
        proxy = new FaultProxy(echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    private void serveEcho() {
        while (true) {
            Socket s;
            try {
                s = echo.accept();
            } catch (IOException e) {
                return;
            }
            Thread t = new Thread(() -> {
                try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    byte[] b = new byte[8192];
                    int n;
                    while ((n = in.read(b)) > 0) {
                        synchronized (received) {
                            received.write(b, 0, n);
                        }
                        out.write(b, 0, n);
                        out.write(b, 0, n);
                        out.flush();
                    }
                } catch (IOException ignored) {
                    // The proxy cut it.
                }
            });
            t.setDaemon(true);
            t.start();
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(5_000);
        return s;
    }

    private static byte[] roundTrip(Socket s, byte[] data) throws IOException {
        s.getOutputStream().write(data);
        byte[] back = new byte[data.length * 2];
        new DataInputStream(s.getInputStream()).readFully(back);
        return back;
    }

    @Test
    void forwardsBothWaysAndCountsTheDonorsBytes() throws IOException {
        try (Socket s = connect()) {
            byte[] back = roundTrip(s, "hello".getBytes());
            assertEquals("hellohello", new String(back));
        }
        assertEquals(10, proxy.donorBytes());
        assertEquals(1, proxy.accepted());
    }

    @Test
    void cutAllResetsEveryOpenConnectionAndLaterOnesWork() throws Exception {
        try (Socket a = connect(); Socket b = connect()) {
            roundTrip(a, "a".getBytes());
            roundTrip(b, "b".getBytes());
            assertEquals(2, proxy.cutAll());
            assertEquals(1, proxy.cuts());
            assertThrows(IOException.class, () -> {
                // A reset shows on the next read or on a write after it.
                for (int i = 0; i < 10; i++) {
                    roundTrip(a, "again".getBytes());
                }
            });
        }
        try (Socket c = connect()) {
            assertEquals("cc", new String(roundTrip(c, "c".getBytes())));
        }
    }

    @Test
    void cutAfterDonorBytesForwardsExactlyThatManyThenCuts() throws Exception {
        try (Socket s = connect()) {
            roundTrip(s, "12345".getBytes()); // 10 bytes back
            proxy.cutAfterDonorBytes(7);
            s.getOutputStream().write("abcdef".getBytes()); // 12 bytes come back, 7 pass
            InputStream in = s.getInputStream();
            byte[] got = new byte[32];
            int total = 0;
            try {
                int n;
                while ((n = in.read(got, total, got.length - total)) > 0) {
                    total += n;
                }
            } catch (IOException reset) {
                // The cut.
            }
            assertEquals(7, total);
            assertArrayEquals("abcdefa".getBytes(), Arrays.copyOf(got, total));
        }
        assertEquals(1, proxy.cuts());
        assertEquals(22, proxy.donorBytes(), "every byte the proxy read is counted, the dropped ones too");
    }

    @Test
    void refusesNewConnectionsForASpanThenAcceptsAgain() throws Exception {
        proxy.refuseFor(60_000);
        try (Socket s = connect()) {
            assertThrows(IOException.class, () -> roundTrip(s, "x".getBytes()));
        }
        assertTrue(proxy.refused() >= 1);
        assertEquals(0, proxy.accepted());
        proxy.acceptAgain();
        try (Socket s = connect()) {
            assertEquals("yy", new String(roundTrip(s, "y".getBytes())));
        }
        assertEquals(1, proxy.accepted());
    }

    // ---- clone commands ---------------------------------------------------------------

    /** One MySQL packet: 3-byte little-endian length, sequence id, payload. */
    private static byte[] packet(int sequence, byte[] payload) {
        byte[] p = new byte[4 + payload.length];
        p[0] = (byte) payload.length;
        p[1] = (byte) (payload.length >> 8);
        p[2] = (byte) (payload.length >> 16);
        p[3] = (byte) sequence;
        System.arraycopy(payload, 0, p, 4, payload.length);
        return p;
    }

    /** A clone command: code, then a few payload bytes (sequence id 0, as every clone message starts). */
    private static byte[] command(int code, int extra) {
        byte[] payload = new byte[1 + extra];
        payload[0] = (byte) code;
        Arrays.fill(payload, 1, payload.length, (byte) code);
        return packet(0, payload);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    /** What a recipient's connection sends before its commands: a handshake response, then COM_CLONE. */
    private static byte[] connectionStart() {
        byte[] handshake = new byte[60];
        handshake[0] = 0x20; // capability flags may begin with COM_CLONE's byte: sequence id 1 tells them apart
        handshake[4] = 0x01;
        return concat(packet(1, handshake), packet(0, new byte[] {0x20}));
    }

    @Test
    void scannerSeesCommandsOnlyAfterComCloneWholeOrSplitAndSeveralPerRead() {
        byte[] stream = concat(packet(0, new byte[] {0x05, 1, 2}), // a command before COM_CLONE: not clone's
                connectionStart(), command(INIT, 40), command(ATTACH, 0), command(ACK, 300), command(ACK, 2));
        List<Integer> whole = new ArrayList<>();
        CommandScanner all = new CommandScanner(code -> whole.add(code) && false);
        assertEquals(-1, all.scan(stream, 0, stream.length));
        assertEquals(List.of(INIT, ATTACH, ACK, ACK), whole);
        assertEquals(stream.length, all.decidedUpTo());
        for (int piece : new int[] {1, 2, 3, 5, 7}) {
            List<Integer> split = new ArrayList<>();
            CommandScanner scanner = new CommandScanner(code -> split.add(code) && false);
            for (int at = 0; at < stream.length; at += piece) {
                int length = Math.min(piece, stream.length - at);
                assertEquals(-1, scanner.scan(stream, at, length));
                long decided = scanner.decidedUpTo();
                assertTrue(decided <= at + length, "never past what was scanned");
            }
            assertEquals(List.of(INIT, ATTACH, ACK, ACK), split, "read in pieces of " + piece);
            assertEquals(4, scanner.commands());
        }
    }

    @Test
    void scannerHoldsBackAPacketUntilItsCodeIsKnownAndCutsAtTheStartOfTheChosenOne() {
        byte[] start = concat(connectionStart(), command(INIT, 10));
        byte[] ack = command(ACK, 20);
        byte[] stream = concat(start, ack, command(ACK, 20));
        int[] acks = {0};
        CommandScanner scanner = new CommandScanner(code -> code == ACK && ++acks[0] == 2);
        // The first ACK's header alone: held back, its code may be the one to cut.
        assertEquals(-1, scanner.scan(stream, 0, start.length + 4));
        assertEquals(start.length, scanner.decidedUpTo());
        assertEquals(-1, scanner.scan(stream, start.length + 4, 1));
        assertEquals(start.length + 5, scanner.decidedUpTo(), "the first ACK's code is known: it goes on");
        // The rest, the second ACK in the same read: cut where its packet begins.
        int from = start.length + 5;
        assertEquals(start.length + ack.length, scanner.scan(stream, from, stream.length - from));
    }

    @Test
    void scannerReadsAFullSizePacketAndItsContinuationAsOneCommand() {
        byte[] big = new byte[0xFFFFFF];
        big[0] = (byte) ACK;
        byte[] rest = new byte[10];
        rest[0] = (byte) ATTACH; // the continuation's first byte is data, not a code
        byte[] stream = concat(connectionStart(), packet(0, big), packet(1, rest), command(INIT, 3));
        List<Integer> codes = new ArrayList<>();
        CommandScanner scanner = new CommandScanner(code -> codes.add(code) && false);
        for (int at = 0; at < stream.length; at += 65536) {
            scanner.scan(stream, at, Math.min(65536, stream.length - at));
        }
        assertEquals(List.of(ACK, INIT), codes);
    }

    @Test
    void scannerStopsAtAnSslRequest() {
        byte[] stream = concat(packet(1, new byte[32]), connectionStart(), command(ACK, 3));
        List<Integer> codes = new ArrayList<>();
        CommandScanner scanner = new CommandScanner(code -> codes.add(code) && false);
        assertEquals(-1, scanner.scan(stream, 0, stream.length));
        assertTrue(scanner.encrypted());
        assertEquals(List.of(), codes);
        assertEquals(stream.length, scanner.decidedUpTo(), "TLS bytes all go on");
    }

    private byte[] receivedSoFar() {
        synchronized (received) {
            return received.toByteArray();
        }
    }

    @Test
    void cutWhenCommandCountsOverEveryConnectionAndTheDonorNeverGetsTheCommand() throws Exception {
        proxy.cutWhenCommand(ACK, 3);
        assertTrue(proxy.commandCutArmed());
        try (Socket a = connect(); Socket b = connect()) {
            // Several packets in one write; all of them come back, doubled.
            byte[] first = concat(connectionStart(), command(INIT, 8), command(ACK, 8));
            assertArrayEquals(concat(first, first), roundTrip(a, first));
            byte[] second = concat(connectionStart(), command(ATTACH, 8), command(ACK, 8));
            assertArrayEquals(concat(second, second), roundTrip(b, second));
            assertEquals(2, proxy.commandsSeen(ACK));
            assertEquals(0, proxy.cuts());
            // The third ACK (on a), in two writes: its header first, held back; then its code, and the cut.
            byte[] third = command(ACK, 8);
            OutputStream out = a.getOutputStream();
            out.write(third, 0, 3);
            out.flush();
            Thread.sleep(100);
            assertEquals(0, proxy.cuts());
            out.write(third, 3, third.length - 3);
            out.flush();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (proxy.cuts() == 0) {
                assertTrue(System.nanoTime() < deadline, "no cut");
                Thread.sleep(10);
            }
            assertEquals(0, proxy.openConnections(), "both connections were cut");
            assertThrows(IOException.class, () -> roundTrip(b, command(EXIT_CODE, 0)));
        }
        assertTrue(!proxy.commandCutArmed());
        assertEquals(3, proxy.commandsSeen(ACK));
        assertEquals(1, proxy.commandsSeen(INIT));
        assertEquals(1, proxy.commandsSeen(ATTACH));
        byte[] got = receivedSoFar();
        assertEquals(2 * (connectionStart().length + 2 * command(ACK, 8).length), got.length,
                "the donor got everything but the third ACK, not even its header");
        // Disarmed, no cut comes; later connections pass commands again.
        proxy.cutWhenCommand(ACK, 1);
        proxy.disarmCommandCut();
        try (Socket c = connect()) {
            byte[] more = concat(connectionStart(), command(ACK, 1));
            assertArrayEquals(concat(more, more), roundTrip(c, more));
        }
        assertEquals(1, proxy.cuts());
    }

    private static final int EXIT_CODE = 6;
}
