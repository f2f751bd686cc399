package org.jclone.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.jclone.core.engine.CloneCallbacks;
import org.jclone.core.error.CloneException;
import org.jclone.core.error.MysqlError;
import org.jclone.core.io.DescriptorChannels.Descriptor;
import org.jclone.core.io.DescriptorChannels.OsError;

/**
 * Moves one task's pieces: file to file, server buffer to file, and file to a
 * buffer handed to InnoDB. Nothing passes through the Java heap.
 *
 * <p>File to file goes, in order of preference: where source and destination
 * are on XFS or btrfs, copy_file_range(2) between the server's descriptors
 * (extents shared with reflink); the task's aligned staging buffer written
 * with O_DIRECT for an aligned piece ({@link DirectWrites}, also where InnoDB's
 * destination descriptor is buffered); copy_file_range (an in-kernel copy; not
 * for an O_DIRECT source);
 * FileChannel.transferTo where InnoDB reads through the OS cache; the task's
 * aligned staging buffer, read and written with O_DIRECT where InnoDB's
 * descriptor has it. A kernel or file system that
 * refuses copy_file_range turns it off for the mover; any other failure of a
 * zero-copy path retries the rest of the piece through the staging buffer,
 * which tells a failing source from a failing destination.
 *
 * <p>What it writes through the page cache it hands to {@link WriteBack}, which (when turned on)
 * starts the kernel's write-back as the copy goes on; not for O_DIRECT destinations (nothing in
 * the page cache) nor for pieces whose extents copy_file_range shared.
 *
 * <p>One mover per task. Its staging buffer is native memory of
 * clone_buffer_size bytes, taken at the first piece (on transparent huge pages
 * where the kernel gives them) and given back at close.
 */
public final class DataMover implements AutoCloseable {
    /** O_DIRECT needs buffer address, file offset and length aligned to the device block. */
    static final int ALIGNMENT = 4096;
    /**
     * A transparent huge page on x86-64 and aarch64 with 4 KiB pages. A staging buffer of at least
     * this size starts at such a boundary and asks for huge pages: an O_DIRECT request from it pins
     * a few large folios instead of 256 small pages per MiB, and goes to the device whole instead of
     * being split at the queue's segment limit (254 on virtio). Measured here, a 1 GiB O_DIRECT
     * copy in 1 MiB pieces: 1.5 s and 0.14 s of CPU against 2.2 to 2.6 s and 0.27 s.
     */
    static final int HUGE_PAGE = 2 << 20;

    private final OsCalls os;
    private final IoErrors errors;
    private final DescriptorChannels sources;
    private final DescriptorChannels destinations;
    private final int bufferSize;
    private final WriteBack writeBack;
    private final boolean directWrites;
    private AlignedBuffer staging;
    private boolean copyRange = true;

    public DataMover(int bufferSize) {
        this(bufferSize, OsCalls.current());
    }

    /**
     * A mover that writes destinations InnoDB opened without O_DIRECT through the page cache
     * whatever {@link DirectWrites} says: the benchmark's comparison with a buffered native loop.
     */
    public static DataMover throughPageCache(int bufferSize) {
        return new DataMover(bufferSize, OsCalls.current(), WriteBack.CONFIGURED, false);
    }

    DataMover(int bufferSize, OsCalls os) {
        this(bufferSize, os, WriteBack.CONFIGURED, DirectWrites.CONFIGURED);
    }

    DataMover(int bufferSize, OsCalls os, WriteBack.Mode writeBackMode, boolean directWrites) {
        this.os = os;
        this.directWrites = directWrites;
        this.errors = new IoErrors(os);
        this.sources = new DescriptorChannels(DescriptorChannels.read(), os);
        this.destinations = new DescriptorChannels(DescriptorChannels.write(), os);
        this.writeBack = new WriteBack(os, destinations, writeBackMode);
        this.bufferSize = Math.max(ALIGNMENT, bufferSize - bufferSize % ALIGNMENT);
    }

    /** Copies {@code length} bytes between descriptors at the given offsets. */
    public void fileToFile(int fromFd, long fromOffset, int length, int fromFlags,
                           int toFd, long toOffset, int toFlags) throws CloneException {
        staging(0);
        Descriptor from = source(fromFd);
        Descriptor to = destination(toFd);
        // For an O_DIRECT source the kernel's copy (64 KiB direct reads through a pipe) is slower
        // than the staging buffer's large aligned reads; only extent sharing beats it.
        boolean sourceDirect = isDirect(from, fromFlags);
        boolean targetDirect = isDirect(to, toFlags);
        if (!targetDirect && directWrites && aligned(toOffset, length)
                && !(from.onExtentSharingFileSystem() && to.onExtentSharingFileSystem()) && to.opensDirect()) {
            // Nothing of it enters the page cache, so there is nothing to write back.
            staged(from, fromOffset, length, sourceDirect, to, toOffset, true);
            return;
        }
        long copied = copyRange && (!sourceDirect || from.onExtentSharingFileSystem())
                ? copyRange(from, fromOffset, to, toOffset, length) : 0;
        long done = copied;
        boolean zeroCopy = !sourceDirect && (fromFlags & CloneCallbacks.ZERO_COPY) != 0
                && (fromFlags & CloneCallbacks.OS_CACHE) != 0;
        if (done < length && zeroCopy) {
            done += transfer(from, fromOffset + done, length - done, to, toOffset + done);
        }
        if (done < length) {
            staged(from, fromOffset + done, length - done, sourceDirect, to, toOffset + done, targetDirect);
        }
        // Extents shared by copy_file_range leave nothing to write back.
        if (writeBack.enabled() && !targetDirect
                && !(copied == length && to.onExtentSharingFileSystem())) {
            writeBack.written(to, toOffset, length);
        }
    }

    /** Writes a server buffer to a descriptor at {@code toOffset}; returns the bytes written. */
    public int bufferToFile(ByteBuffer data, int toFd, long toOffset, int toFlags) throws CloneException {
        staging(0);
        int length = data.remaining();
        Descriptor to = destination(toFd);
        boolean direct = isDirect(to, toFlags) && aligned(toOffset, length) && isAlignedBuffer(data);
        writeFully(to, direct, data.duplicate(), toOffset);
        if (writeBack.enabled() && !isDirect(to, toFlags)) {
            writeBack.written(to, toOffset, length);
        }
        return length;
    }

    /** Reads a file piece into the mover's buffer, sized exactly to the piece. */
    public ByteBuffer fileToBuffer(int fromFd, long fromOffset, int length, int fromFlags) throws CloneException {
        ByteBuffer target = staging(length).limit(length);
        Descriptor from = source(fromFd);
        readFully(from, isDirect(from, fromFlags) && aligned(fromOffset, length), target, fromOffset);
        return target.flip().slice();
    }

    /** Copies bytes into the mover's aligned buffer, sized exactly to them (InnoDB may write it with O_DIRECT). */
    public ByteBuffer toAlignedBuffer(ByteBuffer data) throws CloneException {
        int length = data.remaining();
        ByteBuffer target = staging(length).limit(length);
        target.put(data.duplicate());
        return target.flip().slice();
    }

    /**
     * Reads a file piece into the mover's buffer at an aligned position, leaving {@code header}
     * bytes in front of it for a message header: the result spans header and data.
     */
    public ByteBuffer fileToMessage(int fromFd, long fromOffset, int length, int fromFlags, int header)
            throws CloneException {
        if (header > ALIGNMENT) {
            throw new IllegalArgumentException("message header larger than the alignment");
        }
        ByteBuffer memory = staging(ALIGNMENT + length);
        ByteBuffer target = memory.duplicate().position(ALIGNMENT).limit(ALIGNMENT + length).slice();
        Descriptor from = source(fromFd);
        readFully(from, isDirect(from, fromFlags) && aligned(fromOffset, length), target, fromOffset);
        return memory.duplicate().position(ALIGNMENT - header).limit(ALIGNMENT + length).slice();
    }

    /** Bytes copied by copy_file_range from the start of the piece; fewer than asked if it cannot go on. */
    private long copyRange(Descriptor from, long fromOffset, Descriptor to, long toOffset, int length) {
        long done = 0;
        while (done < length) {
            long copied = os.copyFileRange(from.fd, fromOffset + done, to.fd, toOffset + done, length - done);
            if (copied <= 0) {
                // EINVAL for an unaligned piece (an O_DIRECT file's tail) says nothing about the next one.
                boolean unaligned = !aligned(fromOffset + done, length - done) || !aligned(toOffset + done, 0);
                if (refusesCopyRange(-copied) && !(copied == -OsCalls.EINVAL && unaligned)) {
                    copyRange = false;
                }
                // 0 is a short source, any other error is named by the path that follows.
                return done;
            }
            done += copied;
        }
        return done;
    }

    /** The kernel or file systems do not do copy_file_range for these files: use the other paths. */
    private static boolean refusesCopyRange(long errno) {
        return errno == OsCalls.ENOSYS || errno == OsCalls.EXDEV || errno == OsCalls.EOPNOTSUPP
                || errno == OsCalls.EINVAL;
    }

    /** Bytes moved by sendfile through FileChannel.transferTo; fewer than asked if it fails. */
    private long transfer(Descriptor from, long fromOffset, long length, Descriptor to, long toOffset) {
        long done = 0;
        try {
            FileChannel target = to.channel(false);
            target.position(toOffset);
            FileChannel source = from.channel(false);
            while (done < length) {
                long moved = source.transferTo(fromOffset + done, length - done, target);
                if (moved <= 0) {
                    return done;
                }
                done += moved;
            }
        } catch (IOException e) {
            // The staging path redoes the rest and names the side that fails.
        }
        return done;
    }

    private void staged(Descriptor from, long fromOffset, long length, boolean directFrom,
                        Descriptor to, long toOffset, boolean directTo) throws CloneException {
        ByteBuffer buffer = staging(0);
        long done = 0;
        while (done < length) {
            int piece = (int) Math.min(buffer.capacity(), length - done);
            ByteBuffer window = buffer.clear().limit(piece);
            readFully(from, directFrom && aligned(fromOffset + done, piece), window, fromOffset + done);
            window.flip();
            writeFully(to, directTo && aligned(toOffset + done, piece), window, toOffset + done);
            done += piece;
        }
    }

    private void readFully(Descriptor from, boolean direct, ByteBuffer target, long offset) throws CloneException {
        try {
            FileChannel channel = from.channel(direct);
            long position = offset;
            while (target.hasRemaining()) {
                int read = channel.read(target, position);
                if (read < 0) {
                    throw errors.shortSource(from.fd, position);
                }
                position += read;
            }
        } catch (IOException e) {
            throw errors.reading(from.fd, e);
        }
    }

    private void writeFully(Descriptor to, boolean direct, ByteBuffer source, long offset) throws CloneException {
        try {
            FileChannel channel = to.channel(direct);
            long position = offset;
            while (source.hasRemaining()) {
                position += channel.write(source, position);
            }
        } catch (IOException e) {
            throw errors.writing(to.fd, e);
        }
    }

    private Descriptor source(int fd) throws CloneException {
        try {
            return sources.describe(fd);
        } catch (OsError e) {
            throw errors.reading(fd, e.errno);
        }
    }

    private Descriptor destination(int fd) throws CloneException {
        try {
            return destinations.describe(fd);
        } catch (OsError e) {
            throw errors.writing(fd, e.errno);
        }
    }

    /**
     * The task's staging buffer, clone_buffer_size bytes taken at the first
     * piece and grown (never shrunk) to hold at least {@code capacity}.
     */
    private ByteBuffer staging(int capacity) throws CloneException {
        if (staging == null || staging.capacity() < capacity) {
            long wanted = Math.max(capacity, bufferSize);
            wanted += (ALIGNMENT - wanted % ALIGNMENT) % ALIGNMENT;
            if (wanted > Integer.MAX_VALUE - ALIGNMENT) {
                throw MysqlError.ER_OUTOFMEMORY.exception(wanted);
            }
            boolean huge = wanted >= HUGE_PAGE;
            AlignedBuffer grown = os.allocate((int) wanted, huge ? HUGE_PAGE : ALIGNMENT);
            if (grown == null) {
                throw MysqlError.ER_OUTOFMEMORY.exception(wanted);
            }
            if (huge) {
                // Before the first touch; where THP is off or refused, the buffer keeps small pages.
                os.adviseHugePages(grown.memory());
            }
            if (staging != null) {
                staging.close();
            }
            staging = grown;
        }
        return staging.memory();
    }

    private static boolean isDirect(Descriptor descriptor, int flags) {
        return descriptor.isDirect() || (flags & CloneCallbacks.DIRECT_IO) != 0;
    }

    private static boolean aligned(long offset, long length) {
        return offset % ALIGNMENT == 0 && length % ALIGNMENT == 0;
    }

    private static boolean isAlignedBuffer(ByteBuffer data) {
        return data.isDirect() && data.alignmentOffset(data.position(), ALIGNMENT) == 0;
    }

    /** Closes the channels and gives the staging buffer back; safe to call more than once. */
    @Override
    public void close() {
        writeBack.finish();
        sources.close();
        destinations.close();
        if (staging != null) {
            staging.close();
            staging = null;
        }
    }
}
