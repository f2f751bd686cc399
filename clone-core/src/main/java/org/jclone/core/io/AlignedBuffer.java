package org.jclone.core.io;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Memory outside the Java heap and outside the JVM's direct-memory limit,
 * aligned for O_DIRECT, given back when closed. Close is idempotent; the
 * buffer must not be used after it.
 */
public final class AlignedBuffer implements AutoCloseable {
    private final ByteBuffer memory;
    private final Consumer<ByteBuffer> release;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** {@code release} gives {@code memory} back; it runs once, at the first close. */
    public AlignedBuffer(ByteBuffer memory, Consumer<ByteBuffer> release) {
        this.memory = memory;
        this.release = release;
    }

    /** The whole buffer, position 0 and limit at its capacity. */
    public ByteBuffer memory() {
        if (closed.get()) {
            throw new IllegalStateException("buffer already released");
        }
        return memory.clear();
    }

    public int capacity() {
        return memory.capacity();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release.accept(memory);
        }
    }
}
