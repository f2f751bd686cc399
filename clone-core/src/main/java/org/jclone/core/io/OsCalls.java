package org.jclone.core.io;

import java.nio.ByteBuffer;

/**
 * The few operating-system calls the core needs that Java 17 does not offer: identity and status
 * flags of a descriptor, copy_file_range(2), sync_file_range(2), aligned native memory on huge
 * pages (madvise(2)), the errno
 * behind an OS error text, and the nice value of a clone's own worker threads. Inside mysqld
 * the plugin's natives implement them ({@link #install}); elsewhere (unit
 * tests, the benchmark's JVM) a pure-Java stand-in reads /proc.
 */
public interface OsCalls {
    /** The O_DIRECT bit of Linux's open flags on x86-64 and aarch64. */
    int O_DIRECT = 040000;

    /** errno values the mover decides on. */
    int ENOSYS = 38;
    int EXDEV = 18;
    int EINVAL = 22;
    int EOPNOTSUPP = 95;
    int ESPIPE = 29;

    /** sync_file_range(2) flags (Linux's values). */
    int SYNC_FILE_RANGE_WAIT_BEFORE = 1;
    int SYNC_FILE_RANGE_WRITE = 2;
    int SYNC_FILE_RANGE_WAIT_AFTER = 4;

    /** Writes the device and inode of the file {@code fd} names into {@code deviceAndInode}; 0 or errno. */
    int identify(int fd, long[] deviceAndInode);

    /** The descriptor's status flags (fcntl F_GETFL), or -errno. */
    int statusFlags(int fd);

    /** The f_type of the file system holding {@code fd} (fstatfs), 0 if unknown, or -errno. */
    long fileSystemType(int fd);

    /**
     * copy_file_range(2) between two descriptors at explicit offsets (their file
     * offsets do not move): bytes copied, 0 at the end of the source, or -errno.
     */
    long copyFileRange(int fromFd, long fromOffset, int toFd, long toOffset, long length);

    /**
     * sync_file_range(2) on {@code length} bytes of the file {@code fd} names from {@code offset}:
     * with {@link #SYNC_FILE_RANGE_WRITE} alone it starts the write-back of the range's dirty
     * pages and returns; 0 or -errno.
     */
    int syncFileRange(int fd, long offset, long length, int flags);

    /**
     * Adds {@code increment} (positive: less CPU under contention) to the calling thread's nice
     * value, which the kernel caps at 19; on Linux the nice value is a per-thread attribute, so the
     * process's other threads keep theirs. 0 or -errno.
     */
    int raiseThreadNice(int increment);

    /** {@code size} bytes of memory aligned to {@code alignment}, owned by the result; null if none. */
    AlignedBuffer allocate(int size, int alignment);

    /**
     * madvise(MADV_HUGEPAGE) over {@code memory} (page-aligned, not yet touched): the kernel backs
     * its whole 2 MiB-aligned stretches with transparent huge pages where THP is in its "madvise"
     * or "always" mode. 0 or -errno; nothing else changes if it fails.
     */
    int adviseHugePages(ByteBuffer memory);

    /** The errno whose system text is {@code text}, or 0 if none is. */
    int errnoOf(String text);

    /** The system text of {@code errno}. */
    String errorText(int errno);

    /** The calls the mover uses from now on (the plugin's natives once they are bound). */
    static void install(OsCalls calls) {
        Installed.current = calls == null ? JavaOsCalls.INSTANCE : calls;
    }

    static OsCalls current() {
        return Installed.current;
    }

    /** Holder of the installed implementation. */
    final class Installed {
        private static volatile OsCalls current = JavaOsCalls.INSTANCE;

        private Installed() {}
    }
}
