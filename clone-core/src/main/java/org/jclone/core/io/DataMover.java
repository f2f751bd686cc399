package org.jclone.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.jclone.core.engine.CloneCallbacks;
import org.jclone.core.error.CloneException;

/**
 * Moves one task's pieces: file to file (zero-copy where InnoDB reads through
 * the OS cache, an aligned direct buffer where it uses O_DIRECT), server buffer
 * to file, and file to a buffer handed to InnoDB. Nothing passes through the
 * Java heap. One mover per task; its channels and buffer are reused.
 */
public final class DataMover implements AutoCloseable {
    /** O_DIRECT needs buffer address, file offset and length aligned to the device block. */
    static final int ALIGNMENT = 4096;

    private final DescriptorChannels sources = new DescriptorChannels(DescriptorChannels.read());
    private final DescriptorChannels destinations = new DescriptorChannels(DescriptorChannels.write());
    private final int bufferSize;
    private ByteBuffer buffer;

    public DataMover(int bufferSize) {
        this.bufferSize = Math.max(ALIGNMENT, bufferSize - bufferSize % ALIGNMENT);
    }

    /** Copies {@code length} bytes between descriptors at the given offsets. */
    public void fileToFile(int fromFd, long fromOffset, int length, int fromFlags,
                           int toFd, long toOffset, int toFlags) throws CloneException {
        boolean directSource = isDirect(fromFlags) && aligned(fromOffset, length);
        boolean zeroCopy = !directSource && (fromFlags & CloneCallbacks.ZERO_COPY) != 0
                && (fromFlags & CloneCallbacks.OS_CACHE) != 0;
        FileChannel from = channel(sources, fromFd, directSource, false);
        FileChannel to = channel(destinations, toFd, false, true);
        if (zeroCopy) {
            transfer(from, fromFd, fromOffset, length, to, toFd, toOffset);
        } else {
            ByteBuffer staging = buffer(Math.min(length, bufferSize));
            long done = 0;
            while (done < length) {
                int piece = (int) Math.min(staging.capacity(), length - done);
                ByteBuffer window = staging.clear().limit(piece);
                readFully(from, fromFd, window, fromOffset + done);
                window.flip();
                writeFully(to, toFd, window, toOffset + done);
                done += piece;
            }
        }
    }

    /** Writes a server buffer to a descriptor at {@code toOffset}; returns the bytes written. */
    public int bufferToFile(ByteBuffer data, int toFd, long toOffset, int toFlags) throws CloneException {
        int length = data.remaining();
        boolean direct = isDirect(toFlags) && aligned(toOffset, length) && isAlignedBuffer(data);
        FileChannel to = channel(destinations, toFd, direct, true);
        writeFully(to, toFd, data.duplicate(), toOffset);
        return length;
    }

    /** Reads a file piece into the mover's buffer, sized exactly to the piece. */
    public ByteBuffer fileToBuffer(int fromFd, long fromOffset, int length, int fromFlags) throws CloneException {
        boolean direct = isDirect(fromFlags) && aligned(fromOffset, length);
        FileChannel from = channel(sources, fromFd, direct, false);
        ByteBuffer target = buffer(length).clear().limit(length);
        readFully(from, fromFd, target, fromOffset);
        return target.flip().slice();
    }

    private void transfer(FileChannel from, int fromFd, long fromOffset, int length,
                          FileChannel to, int toFd, long toOffset) throws CloneException {
        long done = 0;
        try {
            to.position(toOffset);
            while (done < length) {
                long moved = from.transferTo(fromOffset + done, length - done, to);
                if (moved <= 0) {
                    throw new IOException("unexpected end of file after " + done + " of " + length + " bytes");
                }
                done += moved;
            }
        } catch (IOException e) {
            // A short source or a failed destination: name whichever side failed.
            throw done < length && to.isOpen() && isWriteFailure(e)
                    ? IoErrors.writing(toFd, e) : IoErrors.reading(fromFd, e);
        }
    }

    private static boolean isWriteFailure(IOException e) {
        return e.getMessage() == null || !e.getMessage().startsWith("unexpected end of file");
    }

    private static void readFully(FileChannel from, int fd, ByteBuffer target, long offset) throws CloneException {
        try {
            long position = offset;
            while (target.hasRemaining()) {
                int read = from.read(target, position);
                if (read < 0) {
                    throw new IOException("unexpected end of file at offset " + position);
                }
                position += read;
            }
        } catch (IOException e) {
            throw IoErrors.reading(fd, e);
        }
    }

    private static void writeFully(FileChannel to, int fd, ByteBuffer source, long offset) throws CloneException {
        try {
            long position = offset;
            while (source.hasRemaining()) {
                position += to.write(source, position);
            }
        } catch (IOException e) {
            throw IoErrors.writing(fd, e);
        }
    }

    private static FileChannel channel(DescriptorChannels cache, int fd, boolean direct, boolean writing)
            throws CloneException {
        try {
            return cache.channel(fd, direct);
        } catch (IOException e) {
            throw writing ? IoErrors.writing(fd, e) : IoErrors.reading(fd, e);
        }
    }

    /** The reusable aligned buffer, grown (never shrunk) to at least {@code capacity}. */
    private ByteBuffer buffer(int capacity) {
        if (buffer == null || buffer.capacity() < capacity) {
            int size = Math.max(capacity, bufferSize);
            size += (ALIGNMENT - size % ALIGNMENT) % ALIGNMENT;
            buffer = ByteBuffer.allocateDirect(size + ALIGNMENT).alignedSlice(ALIGNMENT);
        }
        return buffer;
    }

    private static boolean isDirect(int flags) {
        return (flags & CloneCallbacks.DIRECT_IO) != 0;
    }

    private static boolean aligned(long offset, int length) {
        return offset % ALIGNMENT == 0 && length % ALIGNMENT == 0;
    }

    private static boolean isAlignedBuffer(ByteBuffer data) {
        return data.isDirect() && data.alignmentOffset(data.position(), ALIGNMENT) == 0;
    }

    @Override
    public void close() {
        sources.close();
        destinations.close();
        buffer = null;
    }
}
