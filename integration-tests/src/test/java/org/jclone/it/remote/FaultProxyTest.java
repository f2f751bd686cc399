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
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** FaultProxy against an echo server on 127.0.0.1 (the "donor" echoes what it gets, doubled). */
class FaultProxyTest {
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
}
