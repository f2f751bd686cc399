package org.jclone.it.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Refuses to start what would fill the disk. */
final class DiskSpace {

    private DiskSpace() {
    }

    static long usableBytes(Path dir) {
        try {
            Files.createDirectories(dir);
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails with a clear message unless {@code needed} bytes are free where {@code dir} lives. */
    static void require(Path dir, long needed, String forWhat) {
        long usable = usableBytes(dir);
        if (usable < needed) {
            throw new IllegalStateException(String.format(
                    "not enough disk space for %s: need %.1f GiB free in %s, have %.1f GiB (df: %s). "
                            + "Free some space or run with a smaller -Dbench.sizeGiB.",
                    forWhat, needed / GIB, dir, usable / GIB, Commands.run(30, "df", "-h", dir.toString())
                            .lines().skip(1).findFirst().orElse("?").trim()));
        }
    }

    static final double GIB = 1L << 30;
}
