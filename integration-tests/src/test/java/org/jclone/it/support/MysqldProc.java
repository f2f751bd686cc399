package org.jclone.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.jclone.it.harness.MysqlServer;

/**
 * What /proc shows of a running mysqld: its process id, its threads, their names and nice values,
 * its memory on huge pages.
 */
public final class MysqldProc {
    private MysqldProc() {
    }

    /** The server's process id, from its pid file. */
    public static String pidOf(MysqlServer server) throws Exception {
        return Files.readString(Path.of(server.scalar("SELECT @@pid_file"))).trim();
    }

    /** The ids of the process's threads now. */
    public static Set<String> threadIds(String pid) throws IOException {
        Set<String> ids = new LinkedHashSet<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", pid, "task"))) {
            tasks.forEach(task -> ids.add(task.getFileName().toString()));
        }
        return ids;
    }

    /** A thread's name (comm), or "(ended)" if it has ended. */
    public static String threadName(String pid, String id) {
        try {
            return Files.readString(Path.of("/proc", pid, "task", id, "comm")).trim();
        } catch (IOException e) {
            return "(ended)";
        }
    }

    /** Anonymous memory of the process on transparent huge pages, in KiB (AnonHugePages of smaps_rollup). */
    public static long anonHugePagesKib(String pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", pid, "smaps_rollup"))) {
            if (line.startsWith("AnonHugePages:")) {
                return Long.parseLong(line.substring("AnonHugePages:".length()).replace("kB", "").trim());
            }
        }
        throw new IOException("no AnonHugePages in /proc/" + pid + "/smaps_rollup");
    }

    /** The kernel's transparent huge page mode: always, madvise or never. */
    public static String transparentHugePageMode() throws IOException {
        String modes = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
        return modes.substring(modes.indexOf('[') + 1, modes.indexOf(']'));
    }

    /** A thread's nice value: field 19 of /proc/[pid]/task/[tid]/stat, counted after the name's ')'. */
    public static int niceOf(String pid, String id) throws IOException {
        String stat = Files.readString(Path.of("/proc", pid, "task", id, "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }
}
