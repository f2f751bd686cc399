package org.jclone.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jclone.core.engine.CloneCallbacks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * InnoDB closes a file and a new file of the same name gets the same descriptor
 * number (TRUNCATE, a rebuild, DROP and CREATE): the mover must move the new
 * file's bytes, never the old one's it still has a channel on.
 */
class ReusedDescriptorTest {
    private static final int ZERO_COPY = CloneCallbacks.OS_CACHE | CloneCallbacks.ZERO_COPY;

    @TempDir
    Path dir;

    @Test
    void aSourceRecreatedUnderTheSameDescriptorIsReadAfresh() throws Exception {
        for (int flags : new int[] {ZERO_COPY, 0}) {
            Path source = dir.resolve("t1.ibd");
            byte[] before = bytes(256 * 1024, 1);
            byte[] after = bytes(256 * 1024, 2);
            Files.write(source, before);
            Path first = dir.resolve("first-" + flags);
            Path second = dir.resolve("second-" + flags);
            try (DataMover mover = new DataMover(64 * 1024)) {
                int reused;
                try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                        RandomAccessFile out = new RandomAccessFile(first.toFile(), "rw")) {
                    reused = Descriptors.of(source);
                    mover.fileToFile(reused, 0, before.length, flags, Descriptors.of(first), 0, 0);
                }
                Files.delete(source);
                Files.write(source, after);
                List<Closeable> fillers = new ArrayList<>();
                try (RandomAccessFile in = Descriptors.openAt(source, "r", reused, fillers);
                        RandomAccessFile out = new RandomAccessFile(second.toFile(), "rw")) {
                    assertEquals(reused, Descriptors.of(source), "the new file did not get the old descriptor");
                    mover.fileToFile(reused, 0, after.length, flags, Descriptors.of(second), 0, 0);
                } finally {
                    closeAll(fillers);
                }
            }
            assertArrayEquals(before, Files.readAllBytes(first), "flags " + flags);
            assertArrayEquals(after, Files.readAllBytes(second), "flags " + flags);
            Files.delete(source);
        }
    }

    @Test
    void aDestinationRecreatedUnderTheSameDescriptorIsWrittenAfresh() throws Exception {
        Path source = Files.write(dir.resolve("source.ibd"), bytes(128 * 1024, 3));
        Path target = dir.resolve("t2.ibd");
        try (DataMover mover = new DataMover(64 * 1024);
                RandomAccessFile in = new RandomAccessFile(source.toFile(), "r")) {
            int from = Descriptors.of(source);
            int reused;
            try (RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw")) {
                reused = Descriptors.of(target);
                mover.fileToFile(from, 0, 4096, 0, reused, 0, 0);
            }
            Files.delete(target);
            List<Closeable> fillers = new ArrayList<>();
            try (RandomAccessFile out = Descriptors.openAt(target, "rw", reused, fillers)) {
                assertEquals(reused, Descriptors.of(target), "the new file did not get the old descriptor");
                mover.fileToFile(from, 4096, 8192, 0, reused, 0, 0);
            } finally {
                closeAll(fillers);
            }
        }
        byte[] expected = Arrays.copyOfRange(Files.readAllBytes(source), 4096, 4096 + 8192);
        assertArrayEquals(expected, Files.readAllBytes(target));
    }

    private static void closeAll(List<Closeable> fillers) throws IOException {
        for (Closeable filler : fillers) {
            filler.close();
        }
    }

    private static byte[] bytes(int length, int seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }
}
