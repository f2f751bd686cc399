package org.jclone.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jclone.it.harness.MysqlServer;

/**
 * The raw material for attributing mysqld's resident memory (issue 16): /proc/[pid]/smaps (per
 * mapping Rss), performance_schema's memory instruments in use and the threads' names, written to
 * one directory per moment; {@code python3 scripts/guest-memory.py DIR...} sums them by category.
 */
final class MemorySnapshot {

    private MemorySnapshot() {
    }

    static void write(Donor donor, Path dir) {
        try {
            Files.createDirectories(dir);
            long pid = donor.pid();
            Files.copy(Path.of("/proc/" + pid + "/smaps"), dir.resolve("smaps"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            List<String> threads = new ArrayList<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        threads.add(task.getFileName() + " " + Files.readString(task.resolve("comm")).trim());
                    } catch (IOException gone) {
                        // The thread ended meanwhile.
                    }
                }
            }
            Files.write(dir.resolve("threads"), threads);
            Files.write(dir.resolve("pfs-memory"), instruments(donor.server()));
        } catch (IOException | SQLException | RuntimeException e) {
            BenchLog.info("memory snapshot %s failed: %s", dir, e);
        }
    }

    private static List<String> instruments(MysqlServer server) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = server.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT EVENT_NAME, CURRENT_NUMBER_OF_BYTES_USED"
                     + " FROM performance_schema.memory_summary_global_by_event_name"
                     + " WHERE CURRENT_NUMBER_OF_BYTES_USED <> 0 ORDER BY EVENT_NAME")) {
            while (r.next()) {
                rows.add(r.getString(1) + " " + r.getLong(2));
            }
        }
        return rows;
    }
}
