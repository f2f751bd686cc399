package org.jclone.it.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jclone.it.harness.MysqlServer;

/**
 * An OLTP-style load on the donor over a HikariCP pool: each thread borrows a connection for
 * one autocommit statement at a time — 70% point selects by primary key, 10% updates of an
 * indexed column, 10% updates of a non-indexed column, 10% inserts — on a random table and row
 * of the data set. Counts completed statements and samples them once a second.
 */
final class OltpWorkload implements AutoCloseable {

    /** One second of the timeline: seconds since the workload started, and statements per second. */
    record Sample(double atSeconds, double opsPerSecond) {
    }

    private static final int MAX_ERRORS_KEPT = 20;

    private final HikariDataSource pool;
    private final List<String> tables;
    private final Map<String, Long> maxIds;
    private final int threads;
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final List<Sample> samples = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> workers = new ArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "workload-sampler");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopping;
    private long startNanos;

    OltpWorkload(MysqlServer donor, List<String> tables, Map<String, Long> maxIds, int threads) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(donor.jdbcUrl() + "&useServerPrepStmts=true&cachePrepStmts=true");
        config.setUsername("root");
        config.setPassword("");
        config.setMaximumPoolSize(threads);
        config.setMinimumIdle(threads);
        config.setPoolName("donor-workload");
        config.setConnectionTimeout(30_000);
        this.pool = new HikariDataSource(config);
        this.tables = List.copyOf(tables);
        this.maxIds = Map.copyOf(maxIds);
        this.threads = threads;
    }

    OltpWorkload start() {
        startNanos = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::loop, "workload-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        long[] last = {0};
        sampler.scheduleAtFixedRate(() -> {
            long now = completed.sum();
            samples.add(new Sample(secondsSinceStart(), now - last[0]));
            last[0] = now;
        }, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    /** Statements completed so far. */
    long completedOps() {
        return completed.sum();
    }

    double secondsSinceStart() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    long failedOps() {
        return failed.sum();
    }

    List<String> errors() {
        return List.copyOf(errors);
    }

    private void loop() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stopping) {
            String table = tables.get(random.nextInt(tables.size()));
            long id = 1 + random.nextLong(maxIds.get(table));
            int dice = random.nextInt(100);
            try (Connection c = pool.getConnection()) {
                if (dice < 70) {
                    try (PreparedStatement p = c.prepareStatement("SELECT c FROM " + table + " WHERE id = ?")) {
                        p.setLong(1, id);
                        try (ResultSet rs = p.executeQuery()) {
                            rs.next();
                        }
                    }
                } else if (dice < 80) {
                    try (PreparedStatement p = c.prepareStatement("UPDATE " + table + " SET k = k + 1 WHERE id = ?")) {
                        p.setLong(1, id);
                        p.executeUpdate();
                    }
                } else if (dice < 90) {
                    try (PreparedStatement p = c.prepareStatement("UPDATE " + table + " SET c = ? WHERE id = ?")) {
                        p.setString(1, randomHex(random, 120));
                        p.setLong(2, id);
                        p.executeUpdate();
                    }
                } else {
                    try (PreparedStatement p = c.prepareStatement(
                            "INSERT INTO " + table + " (k, c, pad, payload) VALUES (?, ?, ?, ?)")) {
                        byte[] payload = new byte[300];
                        random.nextBytes(payload);
                        p.setLong(1, random.nextLong(1_000_000_000L));
                        p.setString(2, randomHex(random, 120));
                        p.setString(3, randomHex(random, 60));
                        p.setBytes(4, payload);
                        p.executeUpdate();
                    }
                }
                completed.increment();
            } catch (SQLException e) {
                failed.increment();
                if (errors.size() < MAX_ERRORS_KEPT) {
                    errors.add(e.getErrorCode() + ": " + e.getMessage());
                }
                if (stopping) {
                    return;
                }
            }
        }
    }

    private static String randomHex(ThreadLocalRandom random, int length) {
        StringBuilder s = new StringBuilder(length);
        while (s.length() < length) {
            s.append(Long.toHexString(random.nextLong() | Long.MIN_VALUE));
        }
        s.setLength(length);
        return s.toString();
    }

    void stop() {
        stopping = true;
        sampler.shutdownNow();
        for (Thread t : workers) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        pool.close();
    }

    @Override
    public void close() {
        if (!stopping) {
            stop();
        }
    }
}
