package org.jclone.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jclone.it.harness.FileTrees;
import org.jclone.it.harness.HarnessConfig;

/**
 * A file system of another kind for one test: a sparse image file, formatted and loop-mounted
 * (root is needed, as for {@link Tmpfs}), unmounted and removed by {@link #close()}. The image
 * and mount point live in {@code target/mounts/}, outside every server directory.
 */
public final class LoopImage implements AutoCloseable {
    private final Path image;
    private final Path mountPoint;
    private boolean mounted;

    private LoopImage(Path image, Path mountPoint) {
        this.image = image;
        this.mountPoint = mountPoint;
    }

    /** XFS with reflink (mkfs.xfs -m reflink=1, from xfsprogs): copy_file_range shares extents there. */
    public static LoopImage xfsWithReflink(String name, int sizeMiB) {
        return mount(name, sizeMiB, List.of("mkfs.xfs", "-q", "-m", "reflink=1"));
    }

    private static LoopImage mount(String name, int sizeMiB, List<String> mkfs) {
        Path dir = HarnessConfig.workDir().resolve("mounts").toAbsolutePath().normalize();
        String base = name + "-" + ProcessHandle.current().pid();
        LoopImage fs = new LoopImage(dir.resolve(base + ".img"), dir.resolve(base));
        unmountQuietly(fs.mountPoint); // left over by a killed run
        FileTrees.deleteTree(fs.mountPoint);
        try {
            Files.createDirectories(fs.mountPoint);
            Files.deleteIfExists(fs.image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Tmpfs.run(List.of("truncate", "-s", sizeMiB + "M", fs.image.toString()));
        Tmpfs.run(concat(mkfs, fs.image.toString()));
        Tmpfs.run(List.of("mount", "-o", "loop", fs.image.toString(), fs.mountPoint.toString()));
        fs.mounted = true;
        return fs;
    }

    public Path path() {
        return mountPoint;
    }

    /** Bytes in use on the file system (df), which shared extents do not add to. */
    public long usedBytes() {
        String out = Tmpfs.run(List.of("df", "--output=used", "-B1", mountPoint.toString()));
        String[] lines = out.trim().split("\n");
        return Long.parseLong(lines[lines.length - 1].trim());
    }

    @Override
    public void close() {
        if (mounted) {
            Tmpfs.run(List.of("umount", mountPoint.toString()));
            mounted = false;
        }
        try {
            Files.deleteIfExists(mountPoint);
            Files.deleteIfExists(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> concat(List<String> command, String last) {
        List<String> all = new java.util.ArrayList<>(command);
        all.add(last);
        return all;
    }

    private static void unmountQuietly(Path dir) {
        if (Files.isDirectory(dir)) {
            try {
                new ProcessBuilder("umount", dir.toString()).redirectErrorStream(true).start()
                        .waitFor(30, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException ignored) {
                // not mounted
            }
        }
    }
}
