package org.jclone.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The Java stand-in with sync_file_range recorded and answering one fixed result; copy_file_range
 * copies through FileChannels where a file system type is given (standing in for the kernel's
 * extent sharing), else says ENOSYS.
 */
final class RecordingOsCalls extends StandInOsCalls {
    /** One sync_file_range call. */
    record Call(int fd, long offset, long length, int flags) {}

    private final int syncResult;
    final long fileSystem;
    final List<Call> calls = new ArrayList<>();
    int copyRangeCalls;
    boolean copyRangeRefused;

    RecordingOsCalls(int syncResult, long fileSystem) {
        this.syncResult = syncResult;
        this.fileSystem = fileSystem;
    }

    @Override
    public long fileSystemType(int fd) {
        return fileSystem;
    }

    @Override
    public long copyFileRange(int fromFd, long fromOffset, int toFd, long toOffset, long length) {
        copyRangeCalls++;
        if (fileSystem == 0 || copyRangeRefused) {
            return copyRangeRefused ? -EXDEV : -ENOSYS;
        }
        try (FileChannel in = FileChannel.open(Path.of("/proc/self/fd/" + fromFd), StandardOpenOption.READ);
                FileChannel out = FileChannel.open(Path.of("/proc/self/fd/" + toFd), StandardOpenOption.WRITE)) {
            return in.transferTo(fromOffset, length, out.position(toOffset));
        } catch (IOException e) {
            return -5;
        }
    }

    @Override
    public int syncFileRange(int fd, long offset, long length, int flags) {
        calls.add(new Call(fd, offset, length, flags));
        return syncResult;
    }
}
