package org.jclone.jni;

import java.nio.ByteBuffer;
import org.jclone.core.io.AlignedBuffer;
import org.jclone.core.io.OsCalls;

/** The data mover's system calls, made by mysql_clone.so inside mysqld. */
final class NativeOsCalls implements OsCalls {
    static final NativeOsCalls INSTANCE = new NativeOsCalls();

    private NativeOsCalls() {}

    @Override
    public int identify(int fd, long[] deviceAndInode) {
        return IoNatives.identify(fd, deviceAndInode);
    }

    @Override
    public int statusFlags(int fd) {
        return IoNatives.statusFlags(fd);
    }

    @Override
    public long fileSystemType(int fd) {
        return IoNatives.fileSystemType(fd);
    }

    @Override
    public long copyFileRange(int fromFd, long fromOffset, int toFd, long toOffset, long length) {
        return IoNatives.copyFileRange(fromFd, fromOffset, toFd, toOffset, length);
    }

    @Override
    public int syncFileRange(int fd, long offset, long length, int flags) {
        return IoNatives.syncFileRange(fd, offset, length, flags);
    }

    @Override
    public int raiseThreadNice(int increment) {
        return IoNatives.raiseThreadNice(increment);
    }

    @Override
    public AlignedBuffer allocate(int size, int alignment) {
        ByteBuffer memory = IoNatives.allocate(size, alignment);
        return memory == null ? null : new AlignedBuffer(memory, IoNatives::release);
    }

    @Override
    public int adviseHugePages(ByteBuffer memory) {
        return IoNatives.adviseHugePages(memory);
    }

    @Override
    public int errnoOf(String text) {
        return IoNatives.errnoOf(text);
    }

    @Override
    public String errorText(int errno) {
        String text = IoNatives.errorText(errno);
        return text == null ? "errno " + errno : text;
    }
}
