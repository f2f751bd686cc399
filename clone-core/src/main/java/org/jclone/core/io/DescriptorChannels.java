package org.jclone.core.io;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * What the mover knows about the server's open descriptors on one side of the
 * copy: the file each names (device and inode), its status flags, and
 * FileChannels reopened on it through /proc/self/fd. Descriptor numbers are
 * reused as soon as InnoDB closes a file (TRUNCATE, a rebuild, DROP and CREATE
 * of one name all give a new file the same number at the same path), so every
 * piece checks the descriptor's identity first: one fstat instead of the
 * readlink, fcntl and stat a piece used to cost. The old file is held open by
 * its channel until then, so its inode number cannot be given to the new file.
 * A channel has its own file offset: all I/O through it is positional.
 */
final class DescriptorChannels implements AutoCloseable {
    /** f_type of the file systems where copy_file_range shares extents (reflink): XFS, btrfs. */
    private static final long XFS = 0x58465342L;
    private static final long BTRFS = 0x9123683EL;

    /** One open file as seen through one descriptor. */
    static final class Descriptor {
        final int fd;
        final long device;
        final long inode;
        final int statusFlags;
        private final OpenOption access;
        private final OsCalls os;
        private FileChannel buffered;
        private FileChannel direct;
        private Boolean sharesExtents;
        private Boolean opensDirect;

        private Descriptor(int fd, long device, long inode, int statusFlags, OpenOption access, OsCalls os) {
            this.fd = fd;
            this.os = os;
            this.device = device;
            this.inode = inode;
            this.statusFlags = statusFlags;
            this.access = access;
        }

        /** InnoDB opened this file with O_DIRECT. */
        boolean isDirect() {
            return (statusFlags & OsCalls.O_DIRECT) != 0;
        }

        /** The file lives on a file system where copy_file_range can share extents (asked once per file). */
        boolean onExtentSharingFileSystem() {
            if (sharesExtents == null) {
                long type = os.fileSystemType(fd);
                sharesExtents = type == XFS || type == BTRFS;
            }
            return sharesExtents;
        }

        /**
         * Whether an O_DIRECT channel on the file opens (asked once per file): not on a file
         * system without direct I/O, nor when the open fails for any other reason.
         */
        boolean opensDirect() {
            if (opensDirect == null) {
                try {
                    channel(true);
                    opensDirect = true;
                } catch (IOException e) {
                    opensDirect = false;
                }
            }
            return opensDirect;
        }

        /** Our channel on the file, opened at first use; O_DIRECT if {@code directIo}. */
        FileChannel channel(boolean directIo) throws IOException {
            if (directIo) {
                if (direct == null) {
                    direct = FileChannel.open(procPath(fd), access, ExtendedOpenOption.DIRECT);
                }
                return direct;
            }
            if (buffered == null) {
                buffered = FileChannel.open(procPath(fd), access);
            }
            return buffered;
        }

        private boolean names(long[] identity) {
            return device == identity[0] && inode == identity[1];
        }

        private void close() {
            for (FileChannel channel : new FileChannel[] {buffered, direct}) {
                try {
                    if (channel != null) {
                        channel.close();
                    }
                } catch (IOException ignored) {
                    // Only our own reopened description closes; the server's descriptor stays open.
                }
            }
            buffered = null;
            direct = null;
        }
    }

    private final OpenOption access;
    private final OsCalls os;
    private final Map<Integer, Descriptor> known = new HashMap<>();
    private final long[] identity = new long[2];

    DescriptorChannels(OpenOption access, OsCalls os) {
        this.access = access;
        this.os = os;
    }

    /**
     * The file {@code fd} names now, reusing what is known about it only if it
     * is still the same file.
     */
    Descriptor describe(int fd) throws OsError {
        int errno = os.identify(fd, identity);
        if (errno != 0) {
            throw new OsError(errno);
        }
        Descriptor current = known.get(fd);
        if (current != null && current.names(identity)) {
            return current;
        }
        if (current != null) {
            current.close();
            known.remove(fd);
        }
        int flags = os.statusFlags(fd);
        if (flags < 0) {
            throw new OsError(-flags);
        }
        Descriptor fresh = new Descriptor(fd, identity[0], identity[1], flags, access, os);
        known.put(fd, fresh);
        return fresh;
    }

    /** Whether the descriptor still names the file it named when described (one fstat). */
    boolean stillNames(Descriptor descriptor) {
        return os.identify(descriptor.fd, identity) == 0 && descriptor.names(identity);
    }

    /** The file a descriptor names, for error messages only. */
    static String target(int fd) {
        try {
            return Files.readSymbolicLink(procPath(fd)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "descriptor " + fd;
        }
    }

    private static Path procPath(int fd) {
        return Path.of("/proc/self/fd/" + fd);
    }

    @Override
    public void close() {
        for (Descriptor descriptor : known.values()) {
            descriptor.close();
        }
        known.clear();
    }

    static OpenOption read() {
        return StandardOpenOption.READ;
    }

    static OpenOption write() {
        return StandardOpenOption.WRITE;
    }

    /** A failed system call with its errno. */
    static final class OsError extends Exception {
        final int errno;

        OsError(int errno) {
            super("errno " + errno, null, false, false);
            this.errno = errno;
        }
    }
}
