package org.jclone.core.io;

import java.nio.ByteBuffer;

/**
 * The Java stand-in for the plugin's natives, for tests to extend: each call does what
 * {@link JavaOsCalls} does unless the test overrides it.
 */
class StandInOsCalls implements OsCalls {
    private final OsCalls java = JavaOsCalls.INSTANCE;

    @Override
    public int identify(int fd, long[] deviceAndInode) {
        return java.identify(fd, deviceAndInode);
    }

    @Override
    public int statusFlags(int fd) {
        return java.statusFlags(fd);
    }

    @Override
    public long fileSystemType(int fd) {
        return java.fileSystemType(fd);
    }

    @Override
    public long copyFileRange(int fromFd, long fromOffset, int toFd, long toOffset, long length) {
        return java.copyFileRange(fromFd, fromOffset, toFd, toOffset, length);
    }

    @Override
    public int syncFileRange(int fd, long offset, long length, int flags) {
        return java.syncFileRange(fd, offset, length, flags);
    }

    @Override
    public int raiseThreadNice(int increment) {
        return java.raiseThreadNice(increment);
    }

    @Override
    public AlignedBuffer allocate(int size, int alignment) {
        return java.allocate(size, alignment);
    }

    @Override
    public int adviseHugePages(ByteBuffer memory) {
        return java.adviseHugePages(memory);
    }

    @Override
    public int errnoOf(String text) {
        return java.errnoOf(text);
    }

    @Override
    public String errorText(int errno) {
        return java.errorText(errno);
    }
}
