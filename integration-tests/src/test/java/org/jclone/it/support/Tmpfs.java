package org.jclone.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jclone.it.harness.FileTrees;
import org.jclone.it.harness.HarnessConfig;

/**
 * A small tmpfs mounted for one test (the tests run as root, locally and in CI), unmounted and
 * removed by {@link #close()}. Mount points live in {@code target/mounts/}, outside every
 * server directory, so the harness never walks into a mount.
 */
public final class Tmpfs implements AutoCloseable {

    private final Path mountPoint;
    private boolean mounted;

    private Tmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code sizeMiB}; {@code readOnly} makes every write fail with EROFS. */
    public static Tmpfs mount(String name, int sizeMiB, boolean readOnly) {
        return mountWithOptions(name, "size=" + sizeMiB + "m" + (readOnly ? ",ro" : ""));
    }

    /** Mounts a tmpfs with these mount options (e.g. {@code size=100m,nr_inodes=8}). */
    public static Tmpfs mountWithOptions(String name, String options) {
        Path dir = HarnessConfig.workDir().resolve("mounts").resolve(name + "-" + ProcessHandle.current().pid())
                .toAbsolutePath().normalize();
        unmountQuietly(dir); // left over by a killed run
        FileTrees.deleteTree(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Tmpfs fs = new Tmpfs(dir);
        run(List.of("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString()));
        fs.mounted = true;
        return fs;
    }

    public Path path() {
        return mountPoint;
    }

    @Override
    public void close() {
        if (mounted) {
            run(List.of("umount", mountPoint.toString()));
            mounted = false;
        }
        try {
            Files.deleteIfExists(mountPoint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    /** Runs a command, failing with its output when it does not exit with 0. */
    public static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command + " failed with exit code " + p.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
