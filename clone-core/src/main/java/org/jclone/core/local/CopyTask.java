package org.jclone.core.local;

import java.nio.ByteBuffer;
import org.jclone.core.engine.CloneCallbacks;
import org.jclone.core.error.CloneException;
import org.jclone.core.error.MysqlError;
import org.jclone.core.io.DataMover;

/**
 * One task's side of InnoDB's copy loop: every piece the donor offers is
 * applied at once to the recipient, on the same thread, through this task's
 * own data mover. Errors are recorded in the clone and returned as codes.
 */
final class CopyTask implements CloneCallbacks, AutoCloseable {
    private final LocalClone clone;
    private final long thd;
    private final int applyTask;
    private final boolean master;
    private final DataMover mover;

    // The piece waiting to be applied: a file range or a server buffer.
    private int pendingFd = -1;
    private long pendingOffset;
    private int pendingLength;
    private int pendingFlags;
    private ByteBuffer pendingBuffer;
    private boolean applying;

    CopyTask(LocalClone clone, long thd, int applyTask, boolean master, int bufferSize) {
        this.clone = clone;
        this.thd = thd;
        this.applyTask = applyTask;
        this.master = master;
        this.mover = new DataMover(bufferSize);
    }

    @Override
    public int onFileData(long callback, int fd, long offset, int length, int flags) {
        try {
            pendingFd = fd;
            pendingOffset = offset;
            pendingLength = length;
            pendingFlags = flags;
            return applyPending(callback);
        } catch (Throwable t) {
            return clone.failure().record(t);
        }
    }

    @Override
    public int onBufferData(long callback, ByteBuffer data, boolean stateChange, long estimate) {
        try {
            if (applying) {
                // Inside an apply, a buffer callback asks for an acknowledgement.
                if (stateChange) {
                    clone.stageChanged(estimate);
                    return 0;
                }
                return clone.acknowledge(callback);
            }
            pendingBuffer = data;
            pendingLength = data == null ? 0 : data.remaining();
            return applyPending(callback);
        } catch (Throwable t) {
            return clone.failure().record(t);
        }
    }

    @Override
    public long onApplyFile(long callback, int fd, long offset, int flags) {
        try {
            int length = pendingLength;
            if (pendingBuffer != null) {
                mover.bufferToFile(pendingBuffer, fd, offset, flags);
            } else if (pendingFd >= 0) {
                mover.fileToFile(pendingFd, pendingOffset, length, pendingFlags, fd, offset, flags);
            } else {
                throw noPendingData();
            }
            int stop = clone.moved(length, thd, master);
            return stop != 0 ? -stop : length;
        } catch (CloneException e) {
            return -clone.failure().record(e);
        } catch (Throwable t) {
            return -clone.failure().record(t);
        }
    }

    @Override
    public ByteBuffer onApplyBuffer(long callback) {
        try {
            ByteBuffer handed;
            if (pendingBuffer != null) {
                handed = pendingBuffer;
            } else if (pendingFd >= 0) {
                handed = mover.fileToBuffer(pendingFd, pendingOffset, pendingLength, pendingFlags);
            } else {
                throw noPendingData();
            }
            return clone.moved(handed.capacity(), thd, master) != 0 ? null : handed;
        } catch (Throwable t) {
            clone.failure().record(t);
            return null;
        }
    }

    // InnoDB asked to apply while no piece was offered: applying nothing would leave a hole in the clone.
    private static CloneException noPendingData() {
        return MysqlError.ER_INTERNAL_ERROR.exception(
                "clone apply was asked for data, but the donor offered none to this task");
    }

    private int applyPending(long callback) {
        try {
            int stop = clone.stopCode(thd, master);
            if (stop != 0) {
                return stop;
            }
            applying = true;
            int rc = clone.apply(thd, applyTask, callback);
            return rc == 0 ? 0 : clone.engineError(thd, rc, "apply");
        } finally {
            applying = false;
            pendingFd = -1;
            pendingBuffer = null;
            pendingLength = 0;
        }
    }

    @Override
    public void close() {
        mover.close();
    }
}
