package org.jclone.it.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a process that will not stop is doing, written before the harness kills it: each
 * thread's name, state, kernel wait channel and kernel stack from /proc, then every thread's
 * backtrace from gdb when gdb is installed. A hang found in CI is otherwise gone with the kill.
 */
final class HungProcessReport {
    private static final long GDB_TIMEOUT_SECONDS = 60;

    private HungProcessReport() {
    }

    static String of(long pid) {
        StringBuilder out = new StringBuilder("threads of pid ").append(pid).append(" (/proc):\n");
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (Stream<Path> list = Files.list(tasks)) {
            list.sorted().forEach(task -> out.append(thread(task)));
        } catch (IOException e) {
            out.append("  cannot list ").append(tasks).append(": ").append(e).append('\n');
        }
        out.append(gdbBacktraces(pid));
        return out.toString();
    }

    private static String thread(Path task) {
        String stat = read(task.resolve("stat"));
        // stat is "tid (comm) state ..."; comm may hold spaces, so split at the last ')'.
        int close = stat.lastIndexOf(')');
        String state = close > 0 && close + 2 < stat.length() ? stat.substring(close + 2, close + 3) : "?";
        StringBuilder s = new StringBuilder("  ").append(task.getFileName())
                .append(' ').append(read(task.resolve("comm")).strip())
                .append(" state=").append(state)
                .append(" wchan=").append(read(task.resolve("wchan")).strip()).append('\n');
        for (String frame : read(task.resolve("stack")).split("\n")) {
            if (!frame.isBlank()) {
                s.append("      ").append(frame.strip()).append('\n');
            }
        }
        return s.toString();
    }

    private static String gdbBacktraces(long pid) {
        Path gdb = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(dir -> Path.of(dir, "gdb")).filter(Files::isExecutable).findFirst().orElse(null);
        if (gdb == null) {
            return "gdb is not installed: no user-space backtraces\n";
        }
        try {
            // Output goes to a file so that a gdb that itself hangs cannot block the harness.
            Path out = Files.createTempFile("gdb-" + pid + "-", ".txt");
            try {
                Process p = new ProcessBuilder(gdb.toString(), "-p", Long.toString(pid), "-batch", "-nx",
                        "-ex", "set pagination off", "-ex", "thread apply all bt")
                        .redirectErrorStream(true).redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
                if (!p.waitFor(GDB_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
                return "gdb backtraces:\n" + Files.readString(out, StandardCharsets.ISO_8859_1);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return "gdb failed: " + e + "\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while gdb ran\n";
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "(" + e.getClass().getSimpleName() + ")";
        }
    }
}
