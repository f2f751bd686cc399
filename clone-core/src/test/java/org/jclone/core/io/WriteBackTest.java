package org.jclone.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jclone.core.engine.CloneCallbacks;
import org.jclone.core.io.RecordingOsCalls.Call;
import org.jclone.core.io.WriteBack.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the mover asks the kernel to start (and wait for) write-back of what it wrote, and when it does not. */
class WriteBackTest {
    private static final int MIB = 1 << 20;
    private static final long WINDOW = WriteBack.WINDOW;
    private static final int START = OsCalls.SYNC_FILE_RANGE_WRITE;
    private static final int WAIT = OsCalls.SYNC_FILE_RANGE_WAIT_BEFORE | OsCalls.SYNC_FILE_RANGE_WRITE
            | OsCalls.SYNC_FILE_RANGE_WAIT_AFTER;

    @TempDir
    Path dir;

    @Test
    void aFileWrittenInPiecesIsStartedEveryWindowWaitedForTwoWindowsBackAndItsTailStartedAtClose()
            throws Exception {
        RecordingOsCalls os = new RecordingOsCalls(0, 0);
        int pieces = (int) (4 * WINDOW / MIB) + 3;
        byte[] data = bytes(pieces * MIB);
        Path source = Files.write(dir.resolve("a.ibd"), data);
        Path target = dir.resolve("b.ibd");
        int to;
        try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw");
                DataMover mover = new DataMover(MIB, os, Mode.BOUNDED, false)) {
            int from = Descriptors.of(source);
            to = Descriptors.of(target);
            for (int i = 0; i < pieces; i++) {
                mover.fileToFile(from, (long) i * MIB, MIB, 0, to, (long) i * MIB, 0);
            }
            assertEquals(List.of(
                    new Call(to, 0, WINDOW, START),
                    new Call(to, WINDOW, WINDOW, START),
                    new Call(to, 2 * WINDOW, WINDOW, START),
                    new Call(to, 0, WINDOW, WAIT),
                    new Call(to, 3 * WINDOW, WINDOW, START),
                    new Call(to, WINDOW, WINDOW, WAIT)), os.calls);
            os.calls.clear();
        }
        assertEquals(List.of(new Call(to, 4 * WINDOW, 3L * MIB, START)), os.calls, "the tail, once, at close");
        assertArrayEquals(data, Files.readAllBytes(target));
    }

    @Test
    void startModeStartsTheSameWindowsAndNeverWaits() throws Exception {
        RecordingOsCalls os = new RecordingOsCalls(0, 0);
        int pieces = (int) (4 * WINDOW / MIB) + 3;
        Path source = Files.write(dir.resolve("a.ibd"), bytes(pieces * MIB));
        Path target = dir.resolve("b.ibd");
        int to;
        try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw");
                DataMover mover = new DataMover(MIB, os, Mode.START, false)) {
            int from = Descriptors.of(source);
            to = Descriptors.of(target);
            for (int i = 0; i < pieces; i++) {
                mover.fileToFile(from, (long) i * MIB, MIB, 0, to, (long) i * MIB, 0);
            }
        }
        assertEquals(List.of(
                new Call(to, 0, WINDOW, START),
                new Call(to, WINDOW, WINDOW, START),
                new Call(to, 2 * WINDOW, WINDOW, START),
                new Call(to, 3 * WINDOW, WINDOW, START),
                new Call(to, 4 * WINDOW, 3L * MIB, START)), os.calls);
    }

    @Test
    void boundedByDefaultAndTheModeComesFromThePropertysValue() throws Exception {
        assertEquals(Mode.BOUNDED, WriteBack.DEFAULT);
        assertEquals(WriteBack.DEFAULT, Mode.of(null));
        assertEquals(WriteBack.DEFAULT, Mode.of("nonsense"));
        assertEquals(Mode.START, Mode.of(" start"));
        assertEquals(Mode.BOUNDED, Mode.of("Bounded"));
        assertEquals(Mode.OFF, Mode.of("off"));
        RecordingOsCalls os = new RecordingOsCalls(0, 0);
        Path source = Files.write(dir.resolve("m.ibd"), bytes(MIB));
        Path target = dir.resolve("n.ibd");
        try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw");
                DataMover mover = new DataMover(MIB, os, Mode.OFF, false)) {
            int from = Descriptors.of(source);
            int to = Descriptors.of(target);
            for (long offset = 0; offset < 2 * WINDOW; offset += MIB) {
                mover.fileToFile(from, 0, MIB, 0, to, offset, 0);
            }
        }
        assertEquals(List.of(), os.calls);
    }

    @Test
    void leavingAFileStartsItsRestAndAPieceBehindOrFarAheadStartsANewRun() throws Exception {
        RecordingOsCalls os = new RecordingOsCalls(0, 0);
        Path source = Files.write(dir.resolve("s.ibd"), bytes(4 * MIB));
        Path first = dir.resolve("first.ibd");
        Path second = dir.resolve("second.ibd");
        try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                RandomAccessFile out1 = new RandomAccessFile(first.toFile(), "rw");
                RandomAccessFile out2 = new RandomAccessFile(second.toFile(), "rw");
                DataMover mover = new DataMover(MIB, os, Mode.BOUNDED, false)) {
            int from = Descriptors.of(source);
            int a = Descriptors.of(first);
            int b = Descriptors.of(second);
            mover.fileToFile(from, 0, MIB, 0, a, 0, 0);
            // Another task's piece lies in the gap: still one run.
            mover.fileToFile(from, MIB, MIB, 0, a, 2L * MIB, 0);
            assertEquals(List.of(), os.calls, "nothing per piece below a window");
            mover.fileToFile(from, 0, MIB, 0, b, 0, 0);
            assertEquals(List.of(new Call(a, 0, 3L * MIB, START)), os.calls);
            mover.fileToFile(from, 0, MIB, 0, b, WINDOW + 2L * MIB, 0);
            mover.fileToFile(from, 0, MIB, 0, b, 5L * MIB, 0);
            assertEquals(List.of(new Call(a, 0, 3L * MIB, START), new Call(b, 0, MIB, START),
                    new Call(b, WINDOW + 2L * MIB, MIB, START)), os.calls);
        }
    }

    @Test
    void afterEnosysItStopsAskingAndTheDataStillArrives() throws Exception {
        RecordingOsCalls os = new RecordingOsCalls(-OsCalls.ENOSYS, 0);
        int pieces = (int) (3 * WINDOW / MIB);
        byte[] data = bytes(pieces * MIB);
        Path source = Files.write(dir.resolve("c.ibd"), data);
        Path target = dir.resolve("d.ibd");
        try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw");
                DataMover mover = new DataMover(MIB, os, Mode.BOUNDED, false)) {
            int from = Descriptors.of(source);
            int to = Descriptors.of(target);
            for (int i = 0; i < pieces; i++) {
                mover.fileToFile(from, (long) i * MIB, MIB, 0, to, (long) i * MIB, 0);
            }
        }
        assertEquals(1, os.calls.size(), "asked again after ENOSYS: " + os.calls);
        assertArrayEquals(data, Files.readAllBytes(target));
    }

    @Test
    void anotherErrorIsIgnoredAndDoesNotTurnItOff() throws Exception {
        RecordingOsCalls os = new RecordingOsCalls(-5, 0);
        Path source = Files.write(dir.resolve("e.ibd"), bytes(MIB));
        Path target = dir.resolve("f.ibd");
        try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw");
                DataMover mover = new DataMover(MIB, os, Mode.BOUNDED, false)) {
            int from = Descriptors.of(source);
            int to = Descriptors.of(target);
            for (long offset = 0; offset < 2 * WINDOW; offset += MIB) {
                mover.fileToFile(from, 0, MIB, 0, to, offset, 0);
            }
        }
        // Two windows started (both failed, so nothing is waited for), nothing left at close.
        assertEquals(2, os.calls.size(), os.calls.toString());
        assertTrue(os.calls.stream().allMatch(c -> c.flags() == START), os.calls.toString());
    }

    @Test
    void oDirectDestinationsAreSkipped() throws Exception {
        RecordingOsCalls os = new RecordingOsCalls(0, 0);
        Path source = Files.write(dir.resolve("g.ibd"), bytes(MIB));
        Path target = dir.resolve("h.ibd");
        ByteBuffer page = ByteBuffer.allocateDirect(2 * 4096).alignedSlice(4096).limit(4096);
        try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw");
                DataMover mover = new DataMover(MIB, os, Mode.BOUNDED, false)) {
            int from = Descriptors.of(source);
            int to = Descriptors.of(target);
            for (long offset = 0; offset < 2 * WINDOW; offset += MIB) {
                mover.fileToFile(from, 0, MIB, 0, to, offset, CloneCallbacks.DIRECT_IO);
            }
            mover.bufferToFile(page, to, 2 * WINDOW, CloneCallbacks.DIRECT_IO);
        }
        assertEquals(List.of(), os.calls);
    }

    @Test
    void piecesWhoseExtentsCopyFileRangeSharedAreSkippedButCopiedOnesAreNot() throws Exception {
        long xfs = 0x58465342L;
        RecordingOsCalls shared = new RecordingOsCalls(0, xfs);
        RecordingOsCalls copied = new RecordingOsCalls(0, 0);
        // On XFS too, but copy_file_range refused: the pieces go through sendfile and are written.
        RecordingOsCalls refused = new RecordingOsCalls(0, xfs);
        refused.copyRangeRefused = true;
        Path source = Files.write(dir.resolve("i.ibd"), bytes(MIB));
        int index = 0;
        for (RecordingOsCalls os : List.of(shared, copied, refused)) {
            Path target = dir.resolve("j" + index++ + ".ibd");
            try (RandomAccessFile in = new RandomAccessFile(source.toFile(), "r");
                    RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw");
                    DataMover mover = new DataMover(MIB, os, Mode.BOUNDED, false)) {
                int from = Descriptors.of(source);
                int to = Descriptors.of(target);
                for (long offset = 0; offset < WINDOW; offset += MIB) {
                    mover.fileToFile(from, 0, MIB, CloneCallbacks.OS_CACHE | CloneCallbacks.ZERO_COPY, to, offset, 0);
                }
            }
            assertArrayEquals(Files.readAllBytes(source), Arrays.copyOf(Files.readAllBytes(target), MIB));
            assertTrue(os.copyRangeCalls > 0);
        }
        assertEquals(List.of(), shared.calls);
        assertEquals(1, copied.calls.size(), copied.calls.toString());
        assertEquals(1, refused.calls.size(), refused.calls.toString());
    }

    @Test
    void buffersWrittenThroughTheCacheAreCounted() throws Exception {
        RecordingOsCalls os = new RecordingOsCalls(0, 0);
        Path target = dir.resolve("k.ibd");
        ByteBuffer piece = ByteBuffer.allocateDirect(MIB);
        try (RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw");
                DataMover mover = new DataMover(MIB, os, Mode.BOUNDED, false)) {
            int to = Descriptors.of(target);
            for (long offset = 0; offset < WINDOW; offset += MIB) {
                mover.bufferToFile(piece, to, offset, 0);
            }
            assertEquals(List.of(new Call(to, 0, WINDOW, START)), os.calls);
        }
        assertFalse(os.calls.size() > 1, "nothing left at close: " + os.calls);
    }

    private static byte[] bytes(int length) {
        byte[] data = new byte[length];
        new Random(length).nextBytes(data);
        return data;
    }
}
