package org.jclone.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.jclone.core.io.RecordingOsCalls.Call;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Descriptors InnoDB opened with O_DIRECT (here: by this test, on the temporary directory's file
 * system, which must honour O_DIRECT): the mover reads and writes them with O_DIRECT channels
 * of its own where a piece is aligned, and through the page cache for an unaligned tail.
 */
class DirectIoTest {
    private static final int MIB = 1 << 20;
    /** f_type of XFS, where copy_file_range can share extents. */
    private static final long XFS = 0x58465342L;

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

    @Test
    void aBufferedDestinationsAlignedPiecesAreWrittenDirectlyNeitherCopiedByTheKernelNorWrittenBack()
            throws Exception {
        byte[] data = bytes(3 * MIB + 1000);
        Path source = Files.write(dir.resolve("a.ibd"), data);
        Path target = dir.resolve("b.ibd");
        RecordingOsCalls os = new RecordingOsCalls(0, 0);
        int to;
        try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw");
                DataMover mover = new DataMover(MIB, os, WriteBack.Mode.BOUNDED, true)) {
            int from = Descriptors.of(source);
            to = Descriptors.of(target);
            for (int i = 0; i < 3; i++) {
                mover.fileToFile(from, (long) i * MIB, MIB, 0, to, (long) i * MIB, 0);
            }
            assertEquals(0, os.copyRangeCalls, "aligned pieces are not handed to copy_file_range");
            assertEquals(1, directDescriptorsOn(target), "the mover writes through an O_DIRECT channel of its own");
            assertEquals(0, directDescriptorsOn(source), "and reads the buffered source through the page cache");
            assertEquals(List.of(), os.calls, "nothing in the page cache to write back");
            // The unaligned tail cannot go direct: the page-cache path, and its write-back.
            mover.fileToFile(from, 3L * MIB, 1000, 0, to, 3L * MIB, 0);
            assertEquals(1, os.copyRangeCalls);
        }
        assertEquals(List.of(new Call(to, 3L * MIB, 1000, OsCalls.SYNC_FILE_RANGE_WRITE)), os.calls);
        assertArrayEquals(data, Files.readAllBytes(target));
    }

    @Test
    void turnedOffOrWhereExtentsCanBeSharedTheAlignedPiecesGoThroughCopyFileRange() throws Exception {
        byte[] data = bytes(2 * MIB);
        Path source = Files.write(dir.resolve("c.ibd"), data);
        for (boolean xfs : new boolean[] {false, true}) {
            Path target = dir.resolve(xfs ? "on-xfs.ibd" : "off.ibd");
            // The stand-in copies where a file system type is given, and says ENOSYS where not.
            RecordingOsCalls os = new RecordingOsCalls(0, xfs ? XFS : 0);
            try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                    RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw");
                    DataMover mover = new DataMover(MIB, os, WriteBack.Mode.OFF, xfs)) {
                int from = Descriptors.of(source);
                int to = Descriptors.of(target);
                mover.fileToFile(from, 0, MIB, 0, to, 0, 0);
                mover.fileToFile(from, MIB, MIB, 0, to, MIB, 0);
                assertEquals(xfs ? 2 : 1, os.copyRangeCalls, xfs ? "on XFS, direct writes on" : "direct writes off");
                assertEquals(0, directDescriptorsOn(target));
            }
            assertArrayEquals(data, Files.readAllBytes(target));
        }
    }

    @Test
    void onByDefaultAndTheSwitchComesFromThePropertysValue() {
        assertTrue(DirectWrites.DEFAULT);
        assertEquals(DirectWrites.DEFAULT, DirectWrites.of(null));
        assertEquals(DirectWrites.DEFAULT, DirectWrites.of("sometimes"));
        assertEquals(false, DirectWrites.of(" Off"));
        assertEquals(true, DirectWrites.of("on"));
    }

    private static byte[] bytes(int length) {
        byte[] data = new byte[length];
        new Random(length).nextBytes(data);
        return data;
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
