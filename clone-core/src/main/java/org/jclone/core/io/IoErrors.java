package org.jclone.core.io;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import org.jclone.core.error.CloneException;
import org.jclone.core.error.MysqlError;

/** Turns an I/O failure into MySQL's file error, naming the file and the OS error. */
final class IoErrors {
    // Java reports strerror() text; MySQL's messages also show the errno.
    private static final Map<String, Integer> ERRNO = Map.of(
            "no space left on device", 28,
            "permission denied", 13,
            "read-only file system", 30,
            "disk quota exceeded", 122,
            "input/output error", 5,
            "file too large", 27,
            "invalid argument", 22,
            "no such file or directory", 2,
            "bad file descriptor", 9);

    private IoErrors() {}

    static CloneException writing(int fd, IOException e) {
        return describe(MysqlError.ER_ERROR_ON_WRITE, fd, e);
    }

    static CloneException reading(int fd, IOException e) {
        return describe(MysqlError.ER_ERROR_ON_READ, fd, e);
    }

    private static CloneException describe(MysqlError error, int fd, IOException e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int errno = ERRNO.getOrDefault(reason.toLowerCase(Locale.ROOT), 0);
        CloneException result = new CloneException(error.code(),
                error.message(DescriptorChannels.target(fd), errno, reason), e);
        return result;
    }
}
