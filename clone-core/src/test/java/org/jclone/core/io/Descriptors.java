package org.jclone.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Descriptor numbers of this process, found through /proc/self/fd as the server's are. */
final class Descriptors {
    private Descriptors() {}

    /** The lowest descriptor this process has open on {@code file}. */
    static int of(Path file) throws IOException {
        Path real = file.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(link -> {
                try {
                    return Files.readSymbolicLink(link).equals(real);
                } catch (IOException e) {
                    return false;
                }
            }).mapToInt(link -> Integer.parseInt(link.getFileName().toString())).min()
                    .orElseThrow(() -> new IOException("not open: " + file));
        }
    }
}
