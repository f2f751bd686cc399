package org.jclone.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jclone.core.engine.CloneCallbacks;
import org.jclone.core.error.CloneException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which path the mover takes for a piece, what it does when one fails, and what it gives back. */
class MoverPathsTest {
    private static final int ZERO_COPY = CloneCallbacks.OS_CACHE | CloneCallbacks.ZERO_COPY;

    @TempDir
    Path dir;

    @Test
    void aRefusedCopyFileRangeIsNotTriedAgainAndTheDataStillArrives() throws Exception {
        Scripted os = new Scripted(-OsCalls.EXDEV);
        byte[] data = bytes(3 * 65536 + 100);
        Path source = Files.write(dir.resolve("a.ibd"), data);
        Path target = dir.resolve("b.ibd");
        try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw");
                DataMover mover = pageCacheMover(65536, os)) {
            int from = Descriptors.of(source);
            int to = Descriptors.of(target);
            mover.fileToFile(from, 0, 65536, ZERO_COPY, to, 0, 0);
            mover.fileToFile(from, 65536, data.length - 65536, 0, to, 65536, 0);
        }
        assertEquals(1, os.copyRangeCalls, "copy_file_range asked again after EXDEV");
        assertArrayEquals(data, Files.readAllBytes(target));
    }

    @Test
    void einvalForAnUnalignedPieceDoesNotTurnCopyFileRangeOffButForAnAlignedOneItDoes() throws Exception {
        Scripted os = new Scripted(-OsCalls.EINVAL);
        byte[] data = bytes(4 * 4096 + 100);
        Path source = Files.write(dir.resolve("e.ibd"), data);
        Path target = dir.resolve("f.ibd");
        try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw");
                DataMover mover = pageCacheMover(4096, os)) {
            int from = Descriptors.of(source);
            int to = Descriptors.of(target);
            mover.fileToFile(from, 4 * 4096, 100, 0, to, 4 * 4096, 0);
            mover.fileToFile(from, 0, 2 * 4096, 0, to, 0, 0);
            mover.fileToFile(from, 2 * 4096, 2 * 4096, 0, to, 2 * 4096, 0);
        }
        assertEquals(2, os.copyRangeCalls, "asked for the unaligned tail and the first aligned piece only");
        assertArrayEquals(data, Files.readAllBytes(target));
    }

    @Test
    void anyOtherCopyFileRangeErrorRedoesThePieceAndNamesTheFailingDestination() throws Exception {
        Scripted os = new Scripted(-5);
        Path source = Files.write(dir.resolve("c.ibd"), bytes(8192));
        try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                RandomAccessFile full = new RandomAccessFile("/dev/full", "rw");
                DataMover mover = pageCacheMover(4096, os)) {
            CloneException error = assertThrows(CloneException.class, () -> mover.fileToFile(
                    Descriptors.of(source), 0, 8192, 0, Descriptors.of(Path.of("/dev/full")), 0, 0));
            assertEquals(1026, error.code());
            assertEquals("Error writing file '/dev/full' (errno: 28 - No space left on device)", error.getMessage());
            // EIO is not a refusal: the next piece tries copy_file_range again.
            assertThrows(CloneException.class, () -> mover.fileToFile(
                    Descriptors.of(source), 0, 4096, 0, Descriptors.of(Path.of("/dev/full")), 0, 0));
            assertEquals(2, os.copyRangeCalls);
        }
    }

    @Test
    void aShortSourceIsNamedAsTheSource() throws Exception {
        Path source = Files.write(dir.resolve("short.ibd"), bytes(100));
        Path target = dir.resolve("t.ibd");
        try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw");
                DataMover mover = pageCacheMover(4096, new Scripted(0))) {
            CloneException error = assertThrows(CloneException.class, () -> mover.fileToFile(
                    Descriptors.of(source), 0, 4096, ZERO_COPY, Descriptors.of(target), 0, 0));
            assertEquals(1024, error.code());
            assertTrue(error.getMessage().startsWith("Error reading file '" + source.toRealPath() + "'"),
                    error.getMessage());
        }
    }

    @Test
    void aClosedDescriptorIsNamedOnItsSide() throws Exception {
        Path target = dir.resolve("t.ibd");
        try (RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw");
                DataMover mover = pageCacheMover(4096, new Scripted(-OsCalls.ENOSYS))) {
            CloneException error = assertThrows(CloneException.class,
                    () -> mover.fileToFile(100_000, 0, 4096, 0, Descriptors.of(target), 0, 0));
            assertEquals(1024, error.code());
            assertTrue(error.getMessage().contains("errno: 9"), error.getMessage());
        }
    }

    @Test
    void theStagingBufferIsTakenOnceAndGivenBackOnceAtClose() throws Exception {
        Scripted os = new Scripted(-OsCalls.ENOSYS);
        Path source = Files.write(dir.resolve("d.ibd"), bytes(3 * 4096));
        DataMover mover = new DataMover(8192, os);
        try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r")) {
            int fd = Descriptors.of(source);
            ByteBuffer first = mover.fileToBuffer(fd, 0, 4096, 0);
            assertEquals(4096, first.capacity());
            mover.fileToBuffer(fd, 4096, 8192, 0);
            assertEquals(List.of(8192), os.allocated);
            // A piece larger than clone_buffer_size grows the buffer; the old one goes back at once.
            mover.fileToBuffer(fd, 0, 3 * 4096, 0);
            assertEquals(List.of(8192, 3 * 4096), os.allocated);
            assertEquals(1, os.released);
        }
        mover.close();
        mover.close();
        assertEquals(2, os.released);
    }

    /** A mover with direct writes off: the paths through copy_file_range, sendfile and the page cache. */
    private static DataMover pageCacheMover(int bufferSize, OsCalls os) {
        return new DataMover(bufferSize, os, WriteBack.CONFIGURED, false);
    }

    private static byte[] bytes(int length) {
        byte[] data = new byte[length];
        new Random(length).nextBytes(data);
        return data;
    }

    /** The Java stand-in, with copy_file_range answering one fixed result and the buffers counted. */
    private static final class Scripted extends StandInOsCalls {
        private final long copyRangeResult;
        int copyRangeCalls;
        final List<Integer> allocated = new ArrayList<>();
        int released;

        Scripted(long copyRangeResult) {
            this.copyRangeResult = copyRangeResult;
        }

        @Override
        public long copyFileRange(int fromFd, long fromOffset, int toFd, long toOffset, long length) {
            copyRangeCalls++;
            return copyRangeResult;
        }

        @Override
        public AlignedBuffer allocate(int size, int alignment) {
            allocated.add(size);
            ByteBuffer memory = ByteBuffer.allocateDirect(size + alignment).alignedSlice(alignment)
                    .limit(size).slice();
            return new AlignedBuffer(memory, gone -> released++);
        }

        @Override
        public int errnoOf(String text) {
            return "No space left on device".equals(text) ? 28 : 0;
        }

        @Override
        public String errorText(int errno) {
            return errno == 9 ? "Bad file descriptor" : "errno " + errno;
        }
    }
}
