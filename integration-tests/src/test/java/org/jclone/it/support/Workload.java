package org.jclone.it.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jclone.it.harness.MysqlServer;

/**
 * Concurrent OLTP + DDL load on a donor, each kind on its own JDBC connection and thread. Every
 * thread stops by itself after {@code maxDuration} or {@code maxOps} operations, or at
 * {@link #stop()}. Transient lock conflicts (deadlock, lock wait timeout) are retried; any other
 * SQL error is recorded and reported by {@link #errors()}.
 *
 * <ul>
 *   <li>TRANSFER: moves a random amount between two random accounts in one transaction
 *       (the sum of balances never changes)</li>
 *   <li>INSERT: inserts event rows with ids 1, 2, 3, ... one autocommit statement each, so
 *       any consistent snapshot holds exactly the ids 1..k</li>
 *   <li>REWRITE: replaces a random blob row's ~100 KB payload (payload = REPEAT(seed, 3200))</li>
 *   <li>DDL: CREATE TABLE / INSERT / ALTER TABLE ADD COLUMN (INSTANT, INPLACE, COPY in turn)
 *       / ADD INDEX / DROP TABLE of the previous table, in a loop</li>
 * </ul>
 */
public final class Workload implements AutoCloseable {

    public enum Kind { TRANSFER, INSERT, REWRITE, DDL }

    private static final Set<Integer> TRANSIENT = Set.of(1213, 1205);

    private final MysqlServer server;
    private final String schema;
    private final String blobTable;
    private final int accounts;
    private final int blobRows;
    private final long deadlineNanos;
    private final long maxOps;
    private final Map<Kind, AtomicLong> counters = new EnumMap<>(Kind.class);
    private final AtomicLong lastEventId = new AtomicLong();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    /**
     * @param schema    holds {@code accounts} (ids 1..accounts) and {@code events}; the DDL
     *                  thread creates and drops its churn_N tables there
     * @param blobTable a table made by {@link DataSets#createBlobs} with ids 1..blobRows
     */
    public Workload(MysqlServer server, String schema, String blobTable, int accounts, int blobRows,
                    Duration maxDuration, long maxOps) {
        this.server = server;
        this.schema = schema;
        this.blobTable = blobTable;
        this.accounts = accounts;
        this.blobRows = blobRows;
        this.deadlineNanos = System.nanoTime() + maxDuration.toNanos();
        this.maxOps = maxOps;
        for (Kind k : Kind.values()) {
            counters.put(k, new AtomicLong());
        }
    }

    /** Creates the events table the INSERT thread fills. */
    public static void createEventsTable(MysqlServer server, String schema) throws SQLException {
        server.execute("CREATE TABLE " + schema + ".events (id BIGINT PRIMARY KEY, account INT NOT NULL, "
                + "note VARCHAR(100) NOT NULL, created TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
                + "KEY (account)) ENGINE=InnoDB");
    }

    public Workload start() {
        spawn(Kind.TRANSFER, "transfer-1", this::transfer);
        spawn(Kind.TRANSFER, "transfer-2", this::transfer);
        spawn(Kind.INSERT, "insert", this::insert);
        spawn(Kind.REWRITE, "rewrite", this::rewrite);
        spawn(Kind.DDL, "ddl", new Ddl());
        return this;
    }

    /** Operations completed so far, per kind. */
    public Map<Kind, Long> snapshot() {
        Map<Kind, Long> copy = new EnumMap<>(Kind.class);
        counters.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** Highest event id committed so far (every id up to it is committed too). */
    public long committedEvents() {
        return lastEventId.get();
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** Waits until every kind has done at least {@code ops} operations. */
    public void awaitProgress(long ops, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (counters.values().stream().allMatch(c -> c.get() >= ops)) {
                return;
            }
            if (!errors.isEmpty()) {
                throw new AssertionError("workload failed while warming up: " + errors);
            }
            CloneOps.sleep(50);
        }
        throw new AssertionError("workload did not get going within " + timeout + ": " + snapshot());
    }

    public void stop() {
        stopping = true;
        for (Thread t : threads) {
            try {
                t.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                errors.add(t.getName() + " did not stop within 60 s");
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private boolean goOn(Kind kind) {
        return !stopping && System.nanoTime() < deadlineNanos && counters.get(kind).get() < maxOps;
    }

    private interface Step {
        void run(Connection c) throws SQLException;
    }

    private void spawn(Kind kind, String name, Step step) {
        Thread t = new Thread(() -> {
            try (Connection c = server.connect()) {
                while (goOn(kind)) {
                    try {
                        step.run(c);
                        counters.get(kind).incrementAndGet();
                    } catch (SQLException e) {
                        safeRollback(c);
                        if (!TRANSIENT.contains(e.getErrorCode())) {
                            errors.add(name + ": " + CloneOps.describe(e));
                            return;
                        }
                    }
                }
            } catch (SQLException e) {
                errors.add(name + ": cannot connect: " + CloneOps.describe(e));
            } catch (RuntimeException e) {
                errors.add(name + ": " + e);
            }
        }, "workload-" + name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private static void safeRollback(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
        } catch (SQLException ignored) {
            // the next statement reports a broken connection
        }
    }

    private void transfer(Connection c) throws SQLException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int a = 1 + r.nextInt(accounts);
        int b = 1 + r.nextInt(accounts - 1);
        if (b >= a) {
            b++;
        }
        long amount = 1 + r.nextInt(100);
        c.setAutoCommit(false);
        // Lock in id order: two transfer threads never deadlock.
        int first = Math.min(a, b);
        int second = Math.max(a, b);
        long delta = first == a ? -amount : amount;
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE " + schema + ".accounts SET balance = balance + ?, updated = NOW(6) WHERE id = ?")) {
            p.setLong(1, delta);
            p.setInt(2, first);
            p.executeUpdate();
            p.setLong(1, -delta);
            p.setInt(2, second);
            p.executeUpdate();
        }
        c.commit();
        c.setAutoCommit(true);
    }

    private void insert(Connection c) throws SQLException {
        long id = lastEventId.get() + 1;
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO " + schema + ".events (id, account, note) VALUES (?, ?, ?)")) {
            p.setLong(1, id);
            p.setInt(2, 1 + ThreadLocalRandom.current().nextInt(accounts));
            p.setString(3, "event " + id);
            p.executeUpdate();
        }
        lastEventId.set(id); // autocommit: committed once executeUpdate returned
    }

    private void rewrite(Connection c) throws SQLException {
        String seed = Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(System.nanoTime());
        try (PreparedStatement p = c.prepareStatement("UPDATE " + blobTable + " SET seed = MD5(?), "
                + "payload = REPEAT(MD5(?), " + DataSets.SEED_REPEAT + "), version = version + 1 WHERE id = ?")) {
            p.setString(1, seed);
            p.setString(2, seed);
            p.setInt(3, 1 + ThreadLocalRandom.current().nextInt(blobRows));
            p.executeUpdate();
        }
    }

    private final class Ddl implements Step {
        private int round;

        @Override
        public void run(Connection c) throws SQLException {
            round++;
            String table = schema + ".churn_" + round;
            String[] algorithms = {"INSTANT", "INPLACE", "COPY"};
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, v VARCHAR(64) NOT NULL) ENGINE=InnoDB");
                s.execute("INSERT INTO " + table + " VALUES (1,'a'),(2,'b'),(3,'c'),(4,'d'),(5,'e'),(6,'f'),"
                        + "(7,'g'),(8,'h'),(9,'i'),(10,'j')");
                s.execute("ALTER TABLE " + table + " ADD COLUMN extra INT NOT NULL DEFAULT 7, ALGORITHM="
                        + algorithms[round % algorithms.length]);
                s.execute("ALTER TABLE " + table + " ADD INDEX v_idx (v)");
                if (round > 1) {
                    s.execute("DROP TABLE IF EXISTS " + schema + ".churn_" + (round - 1));
                }
            }
        }
    }
}
