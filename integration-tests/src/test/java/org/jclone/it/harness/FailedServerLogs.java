package org.jclone.it.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the diagnostics of the servers of a failed test in
 * {@code target/failed-server-logs/<TestClass>/<testMethod>/}: {@code <name>.err} (error log),
 * {@code <name>.cnf} (my.cnf) and {@code <name>.out} (mysqld's stdout/stderr, where a JVM
 * inside the plugin prints), and echoes the end of each error log to stderr.
 */
public final class FailedServerLogs {

    static final int TAIL_LINES = 50;

    private FailedServerLogs() {
    }

    /** Directory for one test's kept logs. */
    public static Path directoryFor(String group, String test) {
        return HarnessConfig.failedLogsRoot().resolve(group).resolve(test);
    }

    /** Copies each server's diagnostics into {@code target} and prints its error-log tail to {@code err}. */
    public static void retain(List<MysqlServer> servers, Path target, PrintStream err) {
        Map<String, Integer> seen = new HashMap<>();
        for (MysqlServer s : servers) {
            seen.merge(s.name(), 1, Integer::sum);
        }
        try {
            Files.createDirectories(target);
            for (MysqlServer server : servers) {
                // Two servers with one name in a test: fall back to the unique directory name.
                String base = seen.get(server.name()) > 1 ? server.serverDir().getFileName().toString() : server.name();
                for (Path file : server.diagnosticFiles()) {
                    if (Files.isRegularFile(file)) {
                        Files.copy(file, target.resolve(base + extensionFor(file)), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                err.println("----- [jclone-it] last " + TAIL_LINES + " lines of " + server.name()
                        + " error log (kept in " + target.resolve(base + ".err") + ") -----");
                List<String> errors = FileTrees.errorLines(FileTrees.readIfExists(server.errorLog()), 20);
                if (!errors.isEmpty()) {
                    err.println("[ERROR] lines:\n" + String.join("\n", errors) + "\n-----");
                }
                err.println(FileTrees.tail(server.errorLog(), TAIL_LINES));
                err.println("----- [jclone-it] end of " + server.name() + " error log -----");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("keeping server logs in " + target, e);
        }
    }

    private static String extensionFor(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".cnf")) {
            return ".cnf";
        }
        if (name.endsWith(".out")) {
            return ".out";
        }
        return ".err";
    }
}
