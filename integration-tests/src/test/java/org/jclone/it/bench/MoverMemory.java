package org.jclone.it.bench;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.jclone.core.io.AlignedBuffer;
import org.jclone.core.io.OsCalls;

/**
 * The OS calls the Java mover gets in the benchmark's JVM: the core's Java stand-in for
 * everything but memory, which comes from a small JNI library (bench/mover_memory.c, compiled at
 * run time) as the plugin's natives give it inside mysqld: mapped outside the JVM, untouched until
 * used, on transparent huge pages where the mover asks for them. With the stand-in's own memory
 * (direct buffers, zeroed at allocation and so already on small pages) the mover's direct path
 * would pay per 4 KiB page what it does not pay in mysqld.
 */
final class MoverMemory implements OsCalls {
    private final OsCalls standIn;

    private MoverMemory(OsCalls standIn) {
        this.standIn = standIn;
    }

    /** Compiles and loads the library into the work directory; the calls to install around the mover. */
    static OsCalls load(Path workDir, OsCalls standIn) {
        Path source = MoverVsNative.sourceInWorkDir(workDir, "mover_memory.c");
        Path library = workDir.resolve("libmover_memory.so");
        Path jdk = Path.of(System.getProperty("java.home"));
        Commands.run(120, "gcc", "-O2", "-Wall", "-shared", "-fPIC", "-I" + jdk.resolve("include"),
                "-I" + jdk.resolve("include").resolve("linux"), "-o", library.toString(), source.toString());
        System.load(library.toString());
        return new MoverMemory(standIn);
    }

    private static native ByteBuffer allocate0(long size, int alignment);

    private static native void release0(ByteBuffer memory);

    private static native int adviseHugePages0(ByteBuffer memory);

    @Override
    public AlignedBuffer allocate(int size, int alignment) {
        ByteBuffer memory = allocate0(size, alignment);
        return memory == null ? null : new AlignedBuffer(memory, MoverMemory::release0);
    }

    @Override
    public int adviseHugePages(ByteBuffer memory) {
        return adviseHugePages0(memory);
    }

    @Override
    public int identify(int fd, long[] deviceAndInode) {
        return standIn.identify(fd, deviceAndInode);
    }

    @Override
    public int statusFlags(int fd) {
        return standIn.statusFlags(fd);
    }

    @Override
    public long fileSystemType(int fd) {
        return standIn.fileSystemType(fd);
    }

    @Override
    public long copyFileRange(int fromFd, long fromOffset, int toFd, long toOffset, long length) {
        return standIn.copyFileRange(fromFd, fromOffset, toFd, toOffset, length);
    }

    @Override
    public int syncFileRange(int fd, long offset, long length, int flags) {
        return standIn.syncFileRange(fd, offset, length, flags);
    }

    @Override
    public int raiseThreadNice(int increment) {
        return standIn.raiseThreadNice(increment);
    }

    @Override
    public int errnoOf(String text) {
        return standIn.errnoOf(text);
    }

    @Override
    public String errorText(int errno) {
        return standIn.errorText(errno);
    }
}
