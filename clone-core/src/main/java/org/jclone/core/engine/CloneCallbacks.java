package org.jclone.core.engine;

import java.nio.ByteBuffer;

/**
 * What InnoDB calls while it copies and applies, one method per callback of
 * the server's clone callback object. {@code callback} is that native object,
 * to hand back to {@link InnoDbClone#apply} and {@link InnoDbClone#ack}.
 * Implementations never throw: they return a MySQL error code (0 for success).
 */
public interface CloneCallbacks {
    /** Set in {@code flags}: InnoDB reads the file through the OS cache. */
    int OS_CACHE = 0x1;
    /** Set in {@code flags}: InnoDB allows a zero-copy transfer. */
    int ZERO_COPY = 0x2;
    /**
     * Set in {@code flags} by a caller that knows the descriptor was opened with O_DIRECT. The
     * server's callback leaves it clear: the data mover reads each descriptor's status flags
     * itself, once per file.
     */
    int DIRECT_IO = 0x4;

    /** Data waits in file descriptor {@code fd} at {@code offset}, {@code length} bytes. */
    int onFileData(long callback, int fd, long offset, int length, int flags);

    /**
     * Data waits in a server buffer, or (during an apply) an acknowledgement is asked for;
     * {@code stateChange} with {@code estimate} announces a new stage.
     */
    int onBufferData(long callback, ByteBuffer data, boolean stateChange, long estimate);

    /** Write the pending data to {@code fd} at {@code offset}; bytes written, or -error. */
    long onApplyFile(long callback, int fd, long offset, int flags);

    /** Hand the pending data over as a direct buffer whose capacity is its length; null on failure. */
    ByteBuffer onApplyBuffer(long callback);
}
