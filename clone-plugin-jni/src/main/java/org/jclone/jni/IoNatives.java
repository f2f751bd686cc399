package org.jclone.jni;

import java.nio.ByteBuffer;

/** Single system calls for the data mover, implemented in mysql_clone.so (io_natives.cc). */
final class IoNatives {
    private IoNatives() {}

    /** fstat: device and inode into the array; 0 or errno. */
    static native int identify(int fd, long[] deviceAndInode);

    /** fcntl F_GETFL: the flags or -errno. */
    static native int statusFlags(int fd);

    /** fstatfs: the file system's f_type, or -errno. */
    static native long fileSystemType(int fd);

    /** copy_file_range at explicit offsets: bytes copied, 0 at the end of the source, or -errno. */
    static native long copyFileRange(int fromFd, long fromOffset, int toFd, long toOffset, long length);

    /** sync_file_range: 0 or -errno. */
    static native int syncFileRange(int fd, long offset, long length, int flags);

    /** nice(2) on the calling thread: 0 or -errno. */
    static native int raiseThreadNice(int increment);

    /** Aligned memory accounted as memory/clone/data; null if none. Give it back with {@link #release}. */
    static native ByteBuffer allocate(long size, int alignment);

    static native void release(ByteBuffer memory);

    /** madvise(MADV_HUGEPAGE) over the buffer's memory: 0 or -errno. */
    static native int adviseHugePages(ByteBuffer memory);

    /** The errno whose strerror text this is, or 0. */
    static native int errnoOf(String text);

    static native String errorText(int errno);
}
