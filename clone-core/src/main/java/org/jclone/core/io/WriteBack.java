package org.jclone.core.io;

import java.util.Locale;
import org.jclone.core.io.DescriptorChannels.Descriptor;

/**
 * Starts the kernel's write-back of what one mover wrote through the page cache while the copy
 * goes on, so that InnoDB's fsync of the files at FILE SYNC finds less left to write.
 * {@link Mode#BOUNDED} by default
 * ({@link #DEFAULT}); the {@link #PROPERTY} system property chooses another mode.
 *
 * <p>The mover reports each piece it wrote. Pieces of one file that move forward (a task's
 * pieces of a file may have gaps, where another task's pieces go) form a run; every
 * {@link #WINDOW} bytes of a run get one sync_file_range(SYNC_FILE_RANGE_WRITE), which starts
 * the write-back and returns; in {@link Mode#BOUNDED} the range started {@link #LAG} windows
 * earlier then gets a sync_file_range(WAIT_BEFORE | WRITE | WAIT_AFTER), which waits for it, so
 * that no more than a few windows per task are dirty at a time. A run ends when a piece goes
 * backwards, jumps more than a window ahead, or goes to another file; its rest is started then,
 * and at {@link #finish}.
 *
 * <p>Write-back is only a head start: an error is ignored (the fsync at FILE SYNC reports what
 * matters), and ENOSYS, EINVAL or ESPIPE turn it off for the mover. Per piece it costs a few
 * comparisons; a system call every window, and one fstat when a run's file is left (to check
 * that the descriptor still names that file before starting the rest of it).
 */
final class WriteBack {
    /** The JVM system property that chooses the {@link Mode} (clone_java_options=-Djclone.writeBack=...). */
    static final String PROPERTY = "jclone.writeBack";

    /** What the mover does about write-back. */
    enum Mode {
        /** Nothing: the kernel writes back when it decides to, InnoDB's fsync at FILE SYNC the rest. */
        OFF,
        /** Starts the write-back of each window, never waits. */
        START,
        /** Starts each window and waits for the one {@link #LAG} windows back. */
        BOUNDED;

        /** The mode {@link #PROPERTY} names (off, start, bounded; any other value or none: the default). */
        static Mode of(String value) {
            if (value != null) {
                for (Mode mode : values()) {
                    if (mode.name().equals(value.trim().toUpperCase(Locale.ROOT))) {
                        return mode;
                    }
                }
            }
            return DEFAULT;
        }
    }

    /**
     * Measured on ext4 (docs/clone-local.md): an idle donor's clone about a quarter faster until on
     * disk; under an OLTP load no consistent effect either way.
     */
    static final Mode DEFAULT = Mode.BOUNDED;
    /** Read once, when the first mover of the JVM is made. */
    static final Mode CONFIGURED = Mode.of(System.getProperty(PROPERTY));
    /** Bytes of a run per start of write-back. */
    static final long WINDOW = 8L << 20;
    /** Windows between the one started and the one waited on. */
    static final int LAG = 2;

    private static final int WAIT = OsCalls.SYNC_FILE_RANGE_WAIT_BEFORE | OsCalls.SYNC_FILE_RANGE_WRITE
            | OsCalls.SYNC_FILE_RANGE_WAIT_AFTER;

    private final OsCalls os;
    private final DescriptorChannels destinations;
    private final boolean waits;
    private boolean enabled;
    /** The run's file, or null. */
    private Descriptor file;
    /** Write-back was waited on up to here, started up to {@code started}; pieces written up to {@code end}. */
    private long waited;
    private long started;
    private long end;

    WriteBack(OsCalls os, DescriptorChannels destinations, Mode mode) {
        this.os = os;
        this.destinations = destinations;
        this.enabled = mode != Mode.OFF;
        this.waits = mode == Mode.BOUNDED;
    }

    /** The mover wrote {@code length} bytes at {@code offset} of {@code to} through the page cache. */
    void written(Descriptor to, long offset, long length) {
        if (!enabled || length <= 0) {
            return;
        }
        if (to != file || offset < started || offset > end + WINDOW) {
            endRun(to == file);
            file = to;
            waited = offset;
            started = offset;
            end = offset;
        }
        end = Math.max(end, offset + length);
        if (end - started >= WINDOW) {
            boolean begun = sync(started, end - started, OsCalls.SYNC_FILE_RANGE_WRITE);
            started = end;
            long waitTo = started - LAG * WINDOW;
            if (!begun || !waits) {
                waited = started; // nothing to wait for (that this mover started)
            } else if (waitTo > waited) {
                sync(waited, waitTo - waited, WAIT);
                waited = waitTo;
            }
        }
    }

    /** Starts the write-back of the rest of the run; the mover is done. */
    void finish() {
        if (enabled) {
            endRun(false);
        }
        file = null;
    }

    /** Whether it is on for this mover: not off by its mode, nor turned off by a refusal since. */
    boolean enabled() {
        return enabled;
    }

    private void endRun(boolean sameDescriptor) {
        if (file == null || end <= started) {
            return;
        }
        // A descriptor just described for the next piece names its file; another one may have been
        // closed (and its number reused) since the run's last piece.
        if (sameDescriptor || destinations.stillNames(file)) {
            sync(started, end - started, OsCalls.SYNC_FILE_RANGE_WRITE);
        }
    }

    /** False if the call failed; after ENOSYS, EINVAL or ESPIPE the mover stops asking. */
    private boolean sync(long offset, long length, int flags) {
        int result = os.syncFileRange(file.fd, offset, length, flags);
        if (result == 0) {
            return true;
        }
        if (result == -OsCalls.ENOSYS || result == -OsCalls.EINVAL || result == -OsCalls.ESPIPE) {
            enabled = false;
        }
        return false;
    }
}
