package org.jclone.it.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 between a recipient and its donor that fails the network on
 * command: {@link #cutAll()} resets every open connection (both sides see a reset, as when a
 * link drops), {@link #cutAfterDonorBytes(long)} does so once that many more bytes came from
 * the donor, {@link #cutWhenCommand(int, int)} does so instead of forwarding a chosen clone
 * command from the recipient (read by a {@link CommandScanner} on each connection: plain text
 * only), and {@link #refuseFor(long)} resets each new connection at once for a span.
 * Loopback only: it listens on and connects to 127.0.0.1.
 */
public final class FaultProxy implements AutoCloseable {
    private final int targetPort;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final List<Link> links = new ArrayList<>();
    private final AtomicLong donorBytes = new AtomicLong();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger cuts = new AtomicInteger();
    /** Donor bytes at which every connection is cut; Long.MAX_VALUE when not armed. */
    private final AtomicLong cutAt = new AtomicLong(Long.MAX_VALUE);
    /** The command code whose nth passage cuts every connection; -1 when not armed. */
    private int cutCode = -1;
    private int cutCountdown;
    /** Clone commands the recipient sent, by code, over every connection. */
    private final AtomicInteger[] commandsSeen = new AtomicInteger[256];
    private volatile long refuseUntilNanos;
    private volatile boolean closed;

    public FaultProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        for (int i = 0; i < commandsSeen.length; i++) {
            commandsSeen[i] = new AtomicInteger();
        }
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        acceptor = new Thread(this::acceptLoop, "fault-proxy-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Bytes forwarded from the donor so far, over every connection. */
    long donorBytes() {
        return donorBytes.get();
    }

    public int accepted() {
        return accepted.get();
    }

    int refused() {
        return refused.get();
    }

    /** Times {@link #cutAll()} found connections to cut (armed cuts included). */
    public int cuts() {
        return cuts.get();
    }

    synchronized int openConnections() {
        links.removeIf(Link::isClosed);
        return links.size();
    }

    /** Resets every open connection; returns how many there were. */
    public int cutAll() {
        List<Link> open;
        synchronized (this) {
            open = new ArrayList<>(links);
            links.clear();
        }
        int count = 0;
        for (Link link : open) {
            if (!link.isClosed()) {
                count++;
            }
        }
        // Counted before the resets: whoever sees a reset also sees the cut counted.
        if (count > 0) {
            cuts.incrementAndGet();
        }
        for (Link link : open) {
            link.reset();
        }
        return count;
    }

    /** Cuts every connection once {@code bytes} more bytes came from the donor. */
    void cutAfterDonorBytes(long bytes) {
        cutAt.set(donorBytes.get() + bytes);
    }

    /**
     * Cuts every connection when the {@code nth} clone command with this code from now on (over
     * every connection) reaches the proxy, instead of forwarding it: the donor never gets it.
     * Arm it before the command's connection opens: only an armed proxy holds back the first bytes
     * of a packet until its code is known (otherwise a header may already be forwarded).
     */
    synchronized void cutWhenCommand(int code, int nth) {
        if (nth < 1) {
            throw new IllegalArgumentException("nth must be 1 or more: " + nth);
        }
        cutCode = code;
        cutCountdown = nth;
    }

    /** Forgets a {@link #cutWhenCommand(int, int)} that has not cut yet. */
    synchronized void disarmCommandCut() {
        cutCode = -1;
    }

    /** True while a {@link #cutWhenCommand(int, int)} waits for its command. */
    synchronized boolean commandCutArmed() {
        return cutCode >= 0;
    }

    /** Clone commands with this code the recipient sent through the proxy so far. */
    int commandsSeen(int code) {
        return commandsSeen[code].get();
    }

    /** A command passes the proxy: true when it is the one to cut at (the cut is then disarmed). */
    private synchronized boolean commandPassing(int code) {
        commandsSeen[code].incrementAndGet();
        if (code != cutCode || --cutCountdown > 0) {
            return false;
        }
        cutCode = -1;
        return true;
    }

    /** New connections are reset at once for the next {@code millis} ms. */
    void refuseFor(long millis) {
        refuseUntilNanos = System.nanoTime() + millis * 1_000_000L;
    }

    void acceptAgain() {
        refuseUntilNanos = 0;
    }

    private boolean refusing() {
        long until = refuseUntilNanos;
        return until != 0 && System.nanoTime() - until < 0;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            if (refusing()) {
                refused.incrementAndGet();
                resetQuietly(client);
                continue;
            }
            accepted.incrementAndGet();
            Socket donor = new Socket();
            try {
                donor.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
            } catch (IOException e) {
                resetQuietly(client);
                resetQuietly(donor);
                continue;
            }
            try {
                // A cut closes with RST, which drops what the kernel still holds to send: with Nagle
                // a small last write could wait there for an ACK and never arrive.
                client.setTcpNoDelay(true);
                donor.setTcpNoDelay(true);
            } catch (IOException e) {
                resetQuietly(client);
                resetQuietly(donor);
                continue;
            }
            Link link = new Link(client, donor);
            synchronized (this) {
                links.add(link);
            }
            link.start();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
        cutAll();
    }

    private static void resetQuietly(Socket socket) {
        try {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0); // close with RST, not FIN: a broken link, not a goodbye
                socket.close();
            }
        } catch (IOException ignored) {
            // Already gone.
        }
    }

    /** One proxied connection: a pump each way; either side's end resets both. */
    private final class Link {
        private final Socket client;
        private final Socket donor;
        private final AtomicInteger pumpsDone = new AtomicInteger();

        Link(Socket client, Socket donor) {
            this.client = client;
            this.donor = donor;
        }

        void start() {
            Thread up = new Thread(() -> pump(client, donor, false), "fault-proxy-up");
            Thread down = new Thread(() -> pump(donor, client, true), "fault-proxy-down");
            up.setDaemon(true);
            down.setDaemon(true);
            up.start();
            down.start();
        }

        boolean isClosed() {
            return client.isClosed() && donor.isClosed();
        }

        void reset() {
            resetQuietly(client);
            resetQuietly(donor);
        }

        private void pump(Socket from, Socket to, boolean fromDonor) {
            byte[] buffer = new byte[64 * 1024];
            CommandScanner scanner = fromDonor ? null : new CommandScanner(FaultProxy.this::commandPassing);
            // Recipient bytes held back: the start of a packet whose command code has not arrived yet.
            int held = 0;
            long heldAt = 0; // stream offset of buffer[0]
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (true) {
                    int n = in.read(buffer, held, buffer.length - held);
                    if (n < 0) {
                        break;
                    }
                    if (fromDonor) {
                        long total = donorBytes.addAndGet(n);
                        long limit = cutAt.get();
                        if (total >= limit && cutAt.compareAndSet(limit, Long.MAX_VALUE)) {
                            // Forward only up to the limit, then drop every connection.
                            out.write(buffer, 0, (int) Math.max(0, n - (total - limit)));
                            out.flush();
                            cutAll();
                            return;
                        }
                        out.write(buffer, 0, n);
                        out.flush();
                        continue;
                    }
                    int available = held + n;
                    long cut = scanner.scan(buffer, held, n);
                    if (cut >= 0) {
                        // Everything before the command's packet goes on; the command never does.
                        out.write(buffer, 0, (int) Math.max(0, cut - heldAt));
                        out.flush();
                        cutAll();
                        return;
                    }
                    // Held back only while a command cut is armed: other traffic need not be packets.
                    int decided = commandCutArmed()
                            ? (int) Math.max(0, scanner.decidedUpTo() - heldAt) : available;
                    out.write(buffer, 0, decided);
                    out.flush();
                    held = available - decided;
                    System.arraycopy(buffer, decided, buffer, 0, held);
                    heldAt += decided;
                }
                if (held > 0) {
                    out.write(buffer, 0, held); // an incomplete packet at the end: pass it on as it is
                }
                // An orderly end on one side is passed on as one; both ends done closes the pair.
                to.shutdownOutput();
                if (pumpsDone.incrementAndGet() == 2) {
                    client.close();
                    donor.close();
                }
            } catch (IOException e) {
                reset();
            }
        }
    }
}
