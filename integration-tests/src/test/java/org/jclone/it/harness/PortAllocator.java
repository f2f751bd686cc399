package org.jclone.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free loopback ports. A port is never handed out twice in one JVM, so a stopped server keeps
 * its port for a restart (clone_valid_donor_list entries stay valid).
 */
final class PortAllocator {

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private PortAllocator() {
    }

    static int freePort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            }
        }
        throw new IllegalStateException("no unused loopback port after 50 attempts");
    }
}
