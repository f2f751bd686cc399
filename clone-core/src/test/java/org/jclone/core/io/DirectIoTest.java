package org.jclone.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Descriptors InnoDB opened with O_DIRECT (here: by this test, on the temporary directory's file
 * system, which must honour O_DIRECT): the mover reads and writes them with O_DIRECT channels
 * of its own where a piece is aligned, and through the page cache for an unaligned tail.
 */
class DirectIoTest {
    @TempDir
    Path dir;

    @Test
    void directDescriptorsAreReadAndWrittenDirectly() throws Exception {
        byte[] data = new byte[5 * 65536 + 1000];
        new Random(7).nextBytes(data);
        Path source = Files.write(dir.resolve("direct-source.ibd"), data);
        Path target = dir.resolve("direct-target.ibd");
        Files.createFile(target);
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
                FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
                // The stand-in has no copy_file_range: the pieces take the staging path.
                DataMover mover = new DataMover(65536, JavaOsCalls.INSTANCE)) {
            int from = Descriptors.of(source);
            int to = Descriptors.of(target);
            assertTrue(JavaOsCallsFlags.direct(from) && JavaOsCallsFlags.direct(to), "the test's descriptors are O_DIRECT");
            mover.fileToFile(from, 0, 3 * 65536, 0, to, 0, 0);
            mover.fileToFile(from, 3 * 65536, data.length - 3 * 65536, 0, to, 3 * 65536, 0);
            assertEquals(2, directDescriptorsOn(source), "the mover reads through an O_DIRECT channel of its own");
            assertEquals(2, directDescriptorsOn(target), "the mover writes through an O_DIRECT channel of its own");
        }
        assertArrayEquals(data, Files.readAllBytes(target));
    }

    /** Descriptors of this process open on {@code file} with O_DIRECT. */
    private static long directDescriptorsOn(Path file) throws IOException {
        Path real = file.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(link -> {
                try {
                    return Files.readSymbolicLink(link).equals(real)
                            && JavaOsCallsFlags.direct(Integer.parseInt(link.getFileName().toString()));
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }

    /** Status flags as the stand-in reads them from /proc/self/fdinfo. */
    private static final class JavaOsCallsFlags {
        static boolean direct(int fd) {
            int flags = JavaOsCalls.INSTANCE.statusFlags(fd);
            return flags >= 0 && (flags & OsCalls.O_DIRECT) != 0;
        }
    }
}
