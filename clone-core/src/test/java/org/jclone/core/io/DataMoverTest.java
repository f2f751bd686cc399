package org.jclone.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.jclone.core.engine.CloneCallbacks;
import org.jclone.core.error.CloneException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mover on real descriptors of this process, found through /proc/self/fd as the server's are. */
class DataMoverTest {
    @TempDir
    Path dir;

    @Test
    void copiesFileToFileWithZeroCopyAndThroughTheBuffer() throws Exception {
        byte[] data = random(3 * 1024 * 1024 + 123);
        Path source = Files.write(dir.resolve("source.ibd"), data);
        for (int flags : new int[] {CloneCallbacks.OS_CACHE | CloneCallbacks.ZERO_COPY, 0}) {
            Path target = dir.resolve("target-" + flags + ".ibd");
            try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                    RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw");
                    DataMover mover = new DataMover(1024 * 1024)) {
                int half = data.length / 2;
                mover.fileToFile(fd(source), 0, half, flags, fd(target), 0, 0);
                mover.fileToFile(fd(source), half, data.length - half, flags, fd(target), half, 0);
            }
            assertArrayEquals(data, Files.readAllBytes(target), "flags " + flags);
        }
    }

    @Test
    void writesBuffersAndReadsFilesIntoBuffers() throws Exception {
        byte[] data = random(64 * 1024);
        Path target = dir.resolve("redo");
        Path source = Files.write(dir.resolve("page"), data);
        try (RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw");
                RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                DataMover mover = new DataMover(16 * 1024)) {
            ByteBuffer server = ByteBuffer.allocateDirect(data.length).put(data).flip();
            assertEquals(data.length, mover.bufferToFile(server, fd(target), 4096, 0));
            ByteBuffer read = mover.fileToBuffer(fd(source), 0, data.length, 0);
            assertEquals(data.length, read.capacity());
            byte[] back = new byte[data.length];
            read.get(back);
            assertArrayEquals(data, back);
        }
        byte[] written = Files.readAllBytes(target);
        assertEquals(4096 + data.length, written.length);
        assertArrayEquals(data, java.util.Arrays.copyOfRange(written, 4096, written.length));
    }

    @Test
    void aShortSourceNamesTheFile() throws Exception {
        Path source = Files.write(dir.resolve("short.ibd"), random(100));
        Path target = dir.resolve("t.ibd");
        try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw");
                DataMover mover = new DataMover(1024 * 1024)) {
            CloneException error = assertThrows(CloneException.class,
                    () -> mover.fileToFile(fd(source), 0, 4096, 0, fd(target), 0, 0));
            assertEquals(1024, error.code());
            assertTrue(error.getMessage().contains("short.ibd"), error.getMessage());
        }
    }

    @Test
    void aStagingBufferOfAHugePageOrMoreStartsAtAHugePageBoundaryAndAsksForHugePages() throws Exception {
        Path source = Files.write(dir.resolve("page"), random(64 * 1024));
        for (int bufferSize : new int[] {4 << 20, 3 << 20, 2 << 20, (2 << 20) - 4096, 1 << 20}) {
            List<String> calls = new ArrayList<>();
            StandInOsCalls os = new StandInOsCalls() {
                @Override
                public AlignedBuffer allocate(int size, int alignment) {
                    calls.add("allocate " + size + " at " + alignment);
                    return super.allocate(size, alignment);
                }

                @Override
                public int adviseHugePages(ByteBuffer memory) {
                    calls.add("huge pages over " + memory.capacity()
                            + (memory.alignmentOffset(0, DataMover.HUGE_PAGE) == 0 ? " aligned" : " unaligned"));
                    return super.adviseHugePages(memory);
                }
            };
            try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                    DataMover mover = new DataMover(bufferSize, os)) {
                mover.fileToBuffer(fd(source), 0, 64 * 1024, 0);
            }
            List<String> expected = bufferSize >= DataMover.HUGE_PAGE
                    ? List.of("allocate " + bufferSize + " at " + DataMover.HUGE_PAGE,
                            "huge pages over " + bufferSize + " aligned")
                    : List.of("allocate " + bufferSize + " at " + DataMover.ALIGNMENT);
            assertEquals(expected, calls, "clone_buffer_size " + bufferSize);
        }
    }

    /** The descriptor number this process has open on {@code file}. */
    private static int fd(Path file) throws IOException {
        Path real = file.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(link -> {
                try {
                    return Files.readSymbolicLink(link).equals(real);
                } catch (IOException e) {
                    return false;
                }
            }).mapToInt(link -> Integer.parseInt(link.getFileName().toString())).findFirst()
                    .orElseThrow(() -> new IOException("not open: " + file));
        }
    }

    private static byte[] random(int length) {
        byte[] data = new byte[length];
        new Random(length).nextBytes(data);
        return data;
    }
}
