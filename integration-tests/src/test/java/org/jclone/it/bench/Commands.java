package org.jclone.it.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external commands (cp, sync, gcc, the native copy loop) and returns their output. */
final class Commands {

    private Commands() {
    }

    /** Output (stdout and stderr) of a command that must exit with 0 within {@code timeoutSeconds}. */
    static String run(long timeoutSeconds, String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            // Read before waiting: a full pipe would block the child.
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out after " + timeoutSeconds + " s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit code "
                        + p.exitValue() + ": " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("running " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Writes back all dirty pages of the file system holding {@code path}; returns the seconds it took. */
    static double syncFileSystem(java.nio.file.Path path) {
        long t0 = System.nanoTime();
        run(3600, "sync", "-f", path.toString());
        return (System.nanoTime() - t0) / 1e9;
    }
}
