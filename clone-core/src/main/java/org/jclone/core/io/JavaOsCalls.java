package org.jclone.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The stand-in for the plugin's natives outside mysqld: identity and flags from
 * /proc, no copy_file_range (the mover falls back), no sync_file_range (the mover
 * leaves write-back to the kernel), heap-external memory from
 * the JVM's direct-buffer pool (no huge pages: no madvise).
 */
final class JavaOsCalls implements OsCalls {
    static final JavaOsCalls INSTANCE = new JavaOsCalls();

    private JavaOsCalls() {}

    @Override
    public int identify(int fd, long[] deviceAndInode) {
        try {
            // stat of the /proc link follows it to the open file, deleted or not.
            Map<String, Object> attributes = Files.readAttributes(procFd(fd), "unix:dev,ino");
            deviceAndInode[0] = (Long) attributes.get("dev");
            deviceAndInode[1] = (Long) attributes.get("ino");
            return 0;
        } catch (IOException | UnsupportedOperationException e) {
            return 9; // EBADF: nothing open there
        }
    }

    @Override
    public int statusFlags(int fd) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
                if (line.startsWith("flags:")) {
                    return Integer.parseInt(line.substring("flags:".length()).trim(), 8);
                }
            }
            return -9;
        } catch (IOException | NumberFormatException e) {
            return -9;
        }
    }

    @Override
    public long fileSystemType(int fd) {
        return 0;
    }

    @Override
    public long copyFileRange(int fromFd, long fromOffset, int toFd, long toOffset, long length) {
        return -ENOSYS;
    }

    @Override
    public int syncFileRange(int fd, long offset, long length, int flags) {
        return -ENOSYS;
    }

    @Override
    public int raiseThreadNice(int increment) {
        return -ENOSYS;
    }

    @Override
    public AlignedBuffer allocate(int size, int alignment) {
        // Not alignedSlice: it also rounds the capacity down to a multiple of the alignment.
        ByteBuffer raw = ByteBuffer.allocateDirect(size + alignment);
        int skip = (alignment - raw.alignmentOffset(0, alignment)) % alignment;
        ByteBuffer memory = raw.position(skip).limit(skip + size).slice();
        return new AlignedBuffer(memory, released -> { });
    }

    /** Java cannot madvise: the direct buffer stays on the pages malloc gave it. */
    @Override
    public int adviseHugePages(ByteBuffer memory) {
        return -ENOSYS;
    }

    @Override
    public int errnoOf(String text) {
        return 0;
    }

    @Override
    public String errorText(int errno) {
        return "OS error " + errno;
    }

    private static Path procFd(int fd) {
        return Path.of("/proc/self/fd/" + fd);
    }
}
