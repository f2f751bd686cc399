package org.jclone.core.io;

import java.io.IOException;
import java.nio.file.FileSystemException;
import org.jclone.core.error.CloneException;
import org.jclone.core.error.MysqlError;

/**
 * Turns an I/O failure into MySQL's file error, as MySQL's plugin reports it:
 * a failing source is ER_ERROR_ON_READ naming the source file, a failing
 * destination ER_ERROR_ON_WRITE naming the destination, each with the errno.
 */
final class IoErrors {
    private final OsCalls os;

    IoErrors(OsCalls os) {
        this.os = os;
    }

    CloneException reading(int fd, int errno) {
        return describe(MysqlError.ER_ERROR_ON_READ, fd, errno, os.errorText(errno), null);
    }

    CloneException writing(int fd, int errno) {
        return describe(MysqlError.ER_ERROR_ON_WRITE, fd, errno, os.errorText(errno), null);
    }

    CloneException reading(int fd, IOException e) {
        return describe(MysqlError.ER_ERROR_ON_READ, fd, e);
    }

    CloneException writing(int fd, IOException e) {
        return describe(MysqlError.ER_ERROR_ON_WRITE, fd, e);
    }

    /** The source ended before the piece InnoDB announced. */
    CloneException shortSource(int fd, long offset) {
        return describe(MysqlError.ER_ERROR_ON_READ, fd, 0,
                "unexpected end of file at offset " + offset, null);
    }

    private CloneException describe(MysqlError error, int fd, IOException e) {
        // The JDK reports only the system's text for the failed call; the same
        // system's table turns it back into the errno.
        String reason = e instanceof FileSystemException failed && failed.getReason() != null
                ? failed.getReason() : e.getMessage();
        if (reason == null) {
            reason = e.getClass().getSimpleName();
        }
        return describe(error, fd, os.errnoOf(reason), reason, e);
    }

    private static CloneException describe(MysqlError error, int fd, int errno, String reason, Throwable cause) {
        return new CloneException(error.code(), error.message(DescriptorChannels.target(fd), errno, reason), cause);
    }
}
