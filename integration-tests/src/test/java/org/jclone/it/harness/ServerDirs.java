package org.jclone.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Hands out {@code target/servers/<group>/<name>-<n>/}, wiping what an earlier run left there. */
final class ServerDirs {

    private static final Map<String, AtomicInteger> COUNTERS = new ConcurrentHashMap<>();

    private ServerDirs() {
    }

    static Path allocate(String group, String name) {
        Path groupDir = HarnessConfig.serversRoot().resolve(group);
        int n = COUNTERS.computeIfAbsent(group + "/" + name, k -> new AtomicInteger()).incrementAndGet();
        Path dir = groupDir.resolve(name + "-" + n);
        FileTrees.deleteTree(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
