package org.jclone.it.conformance;

import static org.jclone.it.conformance.SuiteSteps.PROGRESS;
import static org.jclone.it.conformance.SuiteSteps.PROGRESS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.STATUS;
import static org.jclone.it.conformance.SuiteSteps.STATUS_COMPLETED;
import static org.jclone.it.conformance.SuiteSteps.exec;
import static org.jclone.it.conformance.SuiteSteps.rows;
import static org.jclone.it.conformance.SuiteSteps.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jclone.it.harness.MysqlServer;
import org.jclone.it.harness.MysqlServerExtension;
import org.jclone.it.harness.ServerFactory;
import org.jclone.it.support.CloneOps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MySQL's monitor_progress: a clone seen through performance_schema's instruments, stage and
 * statement events. The suite stops the clone at debug sync points to look inside it; here a
 * low clone_max_data_bandwidth keeps FILE COPY running while a second connection polls.
 */
@ExtendWith(MysqlServerExtension.class)
class MonitorProgressConformanceTest {

    private static final String STATEMENT_EVENTS = "SELECT EVENT_NAME, TIMER_START > 0, TIMER_END > 0,"
            + " TIMER_WAIT > 0, SQL_TEXT, CURRENT_SCHEMA FROM performance_schema.%s"
            + " WHERE event_name LIKE 'statement/clone/%%' ORDER BY EVENT_NAME";
    private static final String STAGE_HISTORY = "SELECT EVENT_NAME, TIMER_START > 0, TIMER_END > 0,"
            + " WORK_COMPLETED = WORK_ESTIMATED FROM performance_schema.events_stages_history_long"
            + " WHERE event_name LIKE '%stage/innodb/clone%' ORDER BY EVENT_NAME";
    private static final String FILE_COPY_CURRENT = "SELECT EVENT_NAME, WORK_COMPLETED <= WORK_ESTIMATED"
            + " FROM performance_schema.events_stages_current WHERE event_name LIKE '%file copy%'";
    private static final String CLONE_THREADS = "SELECT NAME FROM performance_schema.threads"
            + " WHERE NAME LIKE 'thread/clone/%' ORDER BY NAME";

    static MysqlServer server;
    static Path firstTarget;
    static String firstCloneSql;
    static List<List<String>> statusAfterFirst;
    static List<List<String>> progressAfterFirst;
    static List<List<String>> statementsAfterFirst;
    static List<List<String>> stagesAfterFirst;

    static Path secondTarget;
    static String throttledCloneSql;
    static List<List<String>> statementsDuringFileCopy;
    static List<List<String>> fileCopyStageCurrent;
    static List<List<String>> threadsDuringFileCopy;
    /** What the watcher saw, for the failure message when it never saw FILE COPY with 7 tasks. */
    static String lastSeen;
    static final String NEVER_SAW = "the watcher never saw FILE COPY with its tasks running; it saw: ";

    @BeforeAll
    static void cloneTwiceWhileWatching(ServerFactory servers) throws Exception {
        // Static state is shared with the remote subclass: nothing of an earlier class may remain.
        statementsDuringFileCopy = null;
        fileCopyStageCurrent = null;
        threadsDuringFileCopy = null;
        lastSeen = "nothing";
        server = servers.mysql8("monitor-server").withPlugin(true).start();
        try (Connection c = server.connect()) {
            exec(c, "CREATE DATABASE test", "USE test", "INSTALL PLUGIN clone SONAME 'mysql_clone.so'",
                    "CALL sys.ps_setup_enable_instrument('%stage/innodb/clone%')",
                    "CALL sys.ps_setup_enable_instrument('statement/clone/%')",
                    "CALL sys.ps_setup_enable_consumer('events_statements%')",
                    "CALL sys.ps_setup_enable_consumer('events_stages%')");
            truncateHistory(c);

            Path first = CloneOps.newTarget(server, "monitor_progress");
            firstTarget = first;
            firstCloneSql = CloneOps.cloneSql(first);
            SuiteSteps.cloneLocal(c, first);
            statusAfterFirst = rows(c, STATUS);
            progressAfterFirst = rows(c, PROGRESS);
            statementsAfterFirst = rows(c, String.format(STATEMENT_EVENTS, "events_statements_history_long"));
            stagesAfterFirst = rows(c, STAGE_HISTORY);
            truncateHistory(c);

            // The debug sync point "clone_file_copy" becomes a bandwidth limit the watcher can outpace.
            Path second = CloneOps.newTarget(server, "monitor_progress_throttled");
            secondTarget = second;
            throttledCloneSql = CloneOps.cloneSql(second);
            exec(c, "SET GLOBAL clone_max_data_bandwidth = 16");
            CompletableFuture<Void> clone = CompletableFuture.runAsync(() -> {
                try {
                    SuiteSteps.cloneLocal(c, second);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (Connection watcher = server.connect()) {
                watchFileCopy(watcher, clone);
            }
            clone.join();
            exec(c, "SET GLOBAL clone_max_data_bandwidth = 0");
        }
    }

    /** Polls until FILE COPY runs with every task started, then records what the tables show. */
    private static void watchFileCopy(Connection watcher, CompletableFuture<Void> clone) throws Exception {
        while (!clone.isDone()) {
            List<List<String>> stage = rows(watcher, FILE_COPY_CURRENT);
            List<List<String>> threads = rows(watcher, CLONE_THREADS);
            String seen = "stage " + stage + ", " + threads.size() + " threads " + threads.stream().distinct().toList();
            if (!lastSeen.endsWith(seen) && lastSeen.length() < 4000) {
                lastSeen += "; " + seen;
            }
            // Local: the stage and all 7 workers. Remote: the donor's and the recipient's stage (what
            // threads then shows is the remote subclass's test).
            boolean seenAll = SuiteSteps.remote() ? stage.size() == 2 : stage.size() == 1 && threads.size() == 7;
            if (seenAll) {
                statementsDuringFileCopy = rows(watcher, String.format(STATEMENT_EVENTS, "events_statements_current"));
                fileCopyStageCurrent = stage;
                threadsDuringFileCopy = threads;
                return;
            }
            Thread.sleep(50);
        }
    }

    private static void truncateHistory(Connection c) throws Exception {
        exec(c, "TRUNCATE TABLE performance_schema.events_stages_history",
                "TRUNCATE TABLE performance_schema.events_stages_history_long",
                "TRUNCATE TABLE performance_schema.events_statements_history",
                "TRUNCATE TABLE performance_schema.events_statements_history_long");
    }

    @Test
    @DisplayName("monitor_progress: setup_instruments lists the clone stages, statements and clone file")
    void instrumentsAreRegistered() throws Exception {
        // The suite selects *; 8.0.31's table has a FLAGS column more, which is the server's.
        try (Connection c = server.connect()) {
            assertEquals(table(
                "stage/innodb/clone (file copy)\tYES\tYES\tprogress\t0\tNULL",
                "stage/innodb/clone (page copy)\tYES\tYES\tprogress\t0\tNULL",
                "stage/innodb/clone (redo copy)\tYES\tYES\tprogress\t0\tNULL",
                "statement/clone/client\tYES\tYES\t\t0\tNULL",
                "statement/clone/local\tYES\tYES\t\t0\tNULL",
                "statement/clone/server\tYES\tYES\t\t0\tNULL",
                "wait/io/file/innodb/innodb_clone_file\tYES\tYES\t\t0\tNULL"),
                rows(c, "SELECT NAME, ENABLED, TIMED, PROPERTIES, VOLATILITY, DOCUMENTATION"
                        + " FROM performance_schema.setup_instruments"
                        + " WHERE name LIKE '%stage/innodb/clone%' OR name LIKE 'statement/clone/%'"
                        + " OR name LIKE 'wait/io/file/innodb/innodb_clone_file' ORDER BY NAME"));
        }
    }

    @Test
    @DisplayName("instruments: setup_threads lists thread/clone/client-task and thread/clone/local-task")
    void threadInstrumentsAreRegistered() throws Exception {
        assertEquals(table("thread/clone/client-task\tYES", "thread/clone/local-task\tYES"),
                server.query("SELECT NAME, ENABLED FROM performance_schema.setup_threads"
                        + " WHERE NAME LIKE 'thread/clone/%' ORDER BY NAME"));
    }

    @Test
    @DisplayName("monitor_progress: case 1, a normal clone ends as clone 1 Completed")
    void normalCloneStatus() {
        assertEquals(STATUS_COMPLETED, statusAfterFirst);
        assertEquals(PROGRESS_COMPLETED, progressAfterFirst);
    }

    @Test
    @DisplayName("monitor_progress: case 1, statement history shows statement/clone/local with its text and schema")
    void normalCloneStatementHistory() {
        assertEquals(List.of(List.of("statement/clone/local", "1", "1", "1", firstCloneSql, "test")),
                statementsAfterFirst);
    }

    @Test
    @DisplayName("monitor_progress: case 1, stage history shows file, page and redo copy, each with all its work done")
    void normalCloneStageHistory() {
        assertEquals(table("stage/innodb/clone (file copy)\t1\t1\t1",
                "stage/innodb/clone (page copy)\t1\t1\t1",
                "stage/innodb/clone (redo copy)\t1\t1\t1"), stagesAfterFirst);
    }

    @Test
    @DisplayName("monitor_progress: case 2, a running clone is statement/clone/local in events_statements_current")
    void runningCloneStatement() {
        assertNotNull(statementsDuringFileCopy, NEVER_SAW + lastSeen);
        assertEquals(List.of(List.of("statement/clone/local", "1", "1", "1", throttledCloneSql, "test")),
                statementsDuringFileCopy);
    }

    @Test
    @DisplayName("monitor_progress: case 3, in the middle of file copy its stage has done no more than estimated")
    void fileCopyStageInTheMiddle() {
        assertNotNull(fileCopyStageCurrent, NEVER_SAW + lastSeen);
        assertEquals(table("stage/innodb/clone (file copy)\t1"), fileCopyStageCurrent);
    }

    @Test
    @DisplayName("instruments: threads shows the 7 worker tasks of clone_max_concurrency = 8 as thread/clone/local-task")
    void workerThreadsDuringFileCopy() {
        assertNotNull(threadsDuringFileCopy, NEVER_SAW + lastSeen);
        assertEquals(List.of("thread/clone/local-task"), threadsDuringFileCopy.stream().map(r -> r.get(0)).distinct().toList());
        assertEquals(7, threadsDuringFileCopy.size());
    }
}
