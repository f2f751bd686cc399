package org.jclone.core.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /**
     * Opens {@code file} (which nothing else in this process has open) on descriptor number
     * {@code fd}, as a server reopening a file gets the number it just closed. The kernel gives the
     * lowest free number, and the JVM may have closed a lower one meanwhile (a stream the garbage
     * collector cleaned up): such numbers are taken by /dev/null, added to {@code fillers} for the
     * caller to close.
     */
    static RandomAccessFile openAt(Path file, String mode, int fd, List<Closeable> fillers) throws IOException {
        while (true) {
            RandomAccessFile opened = new RandomAccessFile(file.toFile(), mode);
            int got = of(file);
            if (got == fd) {
                return opened;
            }
            opened.close();
            if (got > fd) {
                throw new IOException("descriptor " + fd + " is not free");
            }
            fillers.add(new RandomAccessFile("/dev/null", "r"));
        }
    }
}
