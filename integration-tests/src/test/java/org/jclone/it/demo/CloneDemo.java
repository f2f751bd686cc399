package org.jclone.it.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jclone.it.harness.MysqlDistribution;
import org.jclone.it.harness.MysqlServer;

/**
 * The main job: starts MySQL 8.0.31 with this plugin, loads sample data, runs
 * CLONE LOCAL DATA DIRECTORY, starts a second server on the clone, compares
 * every table; then CLONE INSTANCE FROM the donor replaces a third server's data
 * (restarted by this program as its supervisor) and compares again. Prints a
 * report; exits non-zero if anything differs.
 */
public final class CloneDemo {
    private static final String SCHEMA = "shop";

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        MysqlDistribution mysql = MysqlDistribution.mysql8();
        boolean same;
        try (MysqlServer donor = MysqlServer.builder(mysql).name("demo-donor").group("CloneDemo")
                .withPlugin(true).option("plugin-load-add", "mysql_clone.so").start()) {
            System.out.printf("donor: MySQL %s on port %d, plugin %s%n", donor.scalar("SELECT VERSION()"),
                    donor.port(), donor.scalar("SELECT PLUGIN_STATUS FROM INFORMATION_SCHEMA.PLUGINS "
                            + "WHERE PLUGIN_NAME = 'clone'"));
            long loadStart = System.nanoTime();
            loadSampleData(donor, rows);
            System.out.printf("loaded %d orders in %.1f s%n", rows, (System.nanoTime() - loadStart) / 1e9);

            Path target = donor.serverDir().resolve("clone");
            long start = System.nanoTime();
            donor.execute("CLONE LOCAL DATA DIRECTORY = '" + target + "'");
            double seconds = (System.nanoTime() - start) / 1e9;
            long bytes = sizeOf(target);
            System.out.printf("CLONE LOCAL DATA DIRECTORY: %.1f MiB in %.2f s = %.1f MiB/s (concurrency up to %s)%n",
                    bytes / 1048576.0, seconds, bytes / 1048576.0 / seconds,
                    donor.scalar("SELECT @@GLOBAL.clone_max_concurrency"));
            System.out.println("performance_schema.clone_progress on the donor:");
            for (List<String> row : donor.query("SELECT STAGE, STATE, THREADS, DATA, "
                    + "TIMESTAMPDIFF(MICROSECOND, BEGIN_TIME, END_TIME) / 1e6 FROM performance_schema.clone_progress")) {
                System.out.printf("  %-10s %-12s threads %s  %12s bytes  %s s%n", row.get(0), row.get(1), row.get(2),
                        row.get(3), row.get(4));
            }

            try (MysqlServer clone = MysqlServer.builder(mysql).name("demo-clone").group("CloneDemo")
                    .withPlugin(true).dataDir(target).start()) {
                same = compare(donor, clone);
            }
            same &= remoteClone(mysql, donor);
            System.out.println("plugin log lines of the donor:");
            donor.errorLogText().lines().filter(line -> line.contains("Plugin clone reported"))
                    .forEach(line -> System.out.println("  " + line));
        }
        System.out.println(same ? "RESULT: clone matches the donor" : "RESULT: clone DIFFERS from the donor");
        System.exit(same ? 0 : 1);
    }

    /**
     * CLONE INSTANCE FROM the donor into a second server, replacing its data: the server exits
     * with code 16 and this program, its supervisor, starts it again on the donor's data.
     */
    private static boolean remoteClone(MysqlDistribution mysql, MysqlServer donor) throws SQLException {
        donor.execute("CREATE USER 'demo_clone'@'%' IDENTIFIED BY 'demo-pass'",
                "GRANT BACKUP_ADMIN ON *.* TO 'demo_clone'@'%'");
        try (MysqlServer recipient = MysqlServer.builder(mysql).name("demo-recipient").group("CloneDemo")
                .withPlugin(true).option("plugin-load-add", "mysql_clone.so").start()) {
            recipient.execute("SET GLOBAL clone_valid_donor_list = '" + donor.peerAddress() + "'");
            long start = System.nanoTime();
            recipient.execute("CLONE INSTANCE FROM 'demo_clone'@'" + donor.peerHost() + "':" + donor.peerPort()
                    + " IDENTIFIED BY 'demo-pass'");
            double cloned = (System.nanoTime() - start) / 1e9;
            recipient.awaitRestart(java.time.Duration.ofSeconds(180));
            System.out.printf("CLONE INSTANCE FROM %s (replacing the recipient's data): %.2f s, then the recipient "
                    + "restarted itself (%d restart)%n", donor.peerAddress(), cloned, recipient.restartCount());
            System.out.println("performance_schema.clone_status on the restarted recipient:");
            for (List<String> row : recipient.query("SELECT STATE, SOURCE, DESTINATION, ERROR_NO, BINLOG_FILE, "
                    + "BINLOG_POSITION FROM performance_schema.clone_status")) {
                System.out.println("  " + String.join("  ", row.stream().map(String::valueOf).toList()));
            }
            return compare(donor, recipient);
        }
    }

    private static void loadSampleData(MysqlServer server, int rows) throws SQLException {
        server.execute(
                "CREATE DATABASE " + SCHEMA,
                "CREATE TABLE shop.customers (id INT PRIMARY KEY, name VARCHAR(64), city VARCHAR(32), KEY (city))",
                "CREATE TABLE shop.orders (id INT PRIMARY KEY AUTO_INCREMENT, customer INT, amount DECIMAL(10,2),"
                        + " note VARCHAR(255), KEY (customer), KEY (amount))",
                "INSERT INTO shop.customers WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                        + " WHERE i < 1000) SELECT i, CONCAT('customer ', i), ELT(1 + i % 4, 'Oslo', 'Lima',"
                        + " 'Pune', 'Kyiv') FROM n",
                "SET SESSION cte_max_recursion_depth = " + Math.max(1000, rows),
                "INSERT INTO shop.orders (customer, amount, note) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
                        + " SELECT i + 1 FROM n WHERE i < " + rows + ") SELECT 1 + i % 1000, (i % 9973) / 7,"
                        + " REPEAT(SHA1(i), 5) FROM n");
    }

    private static boolean compare(MysqlServer donor, MysqlServer clone) throws SQLException {
        boolean same = true;
        for (List<String> table : donor.query("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
                + "WHERE TABLE_SCHEMA = '" + SCHEMA + "' ORDER BY TABLE_NAME")) {
            String name = SCHEMA + "." + table.get(0);
            String count = donor.scalar("SELECT COUNT(*) FROM " + name);
            String checksum = donor.query("CHECKSUM TABLE " + name).get(0).get(1);
            String cloneCount = clone.scalar("SELECT COUNT(*) FROM " + name);
            String cloneChecksum = clone.query("CHECKSUM TABLE " + name).get(0).get(1);
            List<String> check = clone.query("CHECK TABLE " + name).get(0);
            boolean match = count.equals(cloneCount) && checksum.equals(cloneChecksum)
                    && "OK".equals(check.get(3));
            same &= match;
            System.out.printf("  %-16s rows %8s / %8s  checksum %12s / %12s  CHECK TABLE %s  %s%n", name, count,
                    cloneCount, checksum, cloneChecksum, check.get(3), match ? "same" : "DIFFERENT");
        }
        return same;
    }

    private static long sizeOf(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> regular = new ArrayList<>();
            files.filter(Files::isRegularFile).forEach(regular::add);
            long total = 0;
            for (Path file : regular) {
                total += Files.size(file);
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CloneDemo() {}
}
