package org.jclone.it.conformance;

import static org.jclone.it.conformance.SuiteSteps.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MySQL's remote_monitor_progress: monitor_progress's cases with CLONE INSTANCE FROM the server
 * itself. Where the remote outcome differs from the local one the tests below replace the
 * inherited ones: the recipient's statement is statement/clone/client (its text with the
 * password as the server rewrites it), the donor's session statement/clone/server, each InnoDB
 * clone stage shows twice (the donor's and the recipient's). Under the bandwidth limit that
 * keeps FILE COPY running the recipient starts no worker (64 MiB/s of a limit per worker, as
 * MySQL's recipient), so no thread/clone/client-task shows.
 */
@ExtendWith(RemoteMode.class)
@DisplayName("remote_monitor_progress (MonitorProgressConformanceTest's cases, remote clone)")
class RemoteMonitorProgressConformanceTest extends MonitorProgressConformanceTest {

    /**
     * The text performance_schema shows for the suite's clone command: the server's rewrite
     * (Sql_cmd_clone quotes user and host), the password hidden.
     */
    private static String rewritten(Path target) {
        return "CLONE INSTANCE FROM 'root'@'127.0.0.1':" + server.port() + " IDENTIFIED BY <secret> DATA DIRECTORY = '"
                + target + "'";
    }

    @Test
    @Override
    @DisplayName("remote_monitor_progress: case 1, statement history shows statement/clone/client with its text, and statement/clone/server")
    void normalCloneStatementHistory() {
        assertEquals(List.of(List.of("statement/clone/client", "1", "1", "1", rewritten(firstTarget), "test"),
                List.of("statement/clone/server", "1", "1", "1", "NULL", "NULL")), statementsAfterFirst);
    }

    @Test
    @Override
    @DisplayName("remote_monitor_progress: case 1, stage history shows file, page and redo copy twice (donor and recipient), all work done")
    void normalCloneStageHistory() {
        assertEquals(table("stage/innodb/clone (file copy)\t1\t1\t1", "stage/innodb/clone (file copy)\t1\t1\t1",
                "stage/innodb/clone (page copy)\t1\t1\t1", "stage/innodb/clone (page copy)\t1\t1\t1",
                "stage/innodb/clone (redo copy)\t1\t1\t1", "stage/innodb/clone (redo copy)\t1\t1\t1"),
                stagesAfterFirst);
    }

    @Test
    @Override
    @DisplayName("remote_monitor_progress: case 2, a running clone is statement/clone/client and statement/clone/server in events_statements_current")
    void runningCloneStatement() {
        assertNotNull(statementsDuringFileCopy, NEVER_SAW + lastSeen);
        assertEquals(List.of(List.of("statement/clone/client", "1", "1", "1", rewritten(secondTarget), "test"),
                List.of("statement/clone/server", "1", "1", "1", "NULL", "NULL")), statementsDuringFileCopy);
    }

    @Test
    @Override
    @DisplayName("remote_monitor_progress: case 3, in the middle of file copy both file copy stages have done no more than estimated")
    void fileCopyStageInTheMiddle() {
        assertNotNull(fileCopyStageCurrent, NEVER_SAW + lastSeen);
        assertEquals(table("stage/innodb/clone (file copy)\t1", "stage/innodb/clone (file copy)\t1"),
                fileCopyStageCurrent);
    }

    @Test
    @Override
    @DisplayName("instruments: at 16 MiB/s the recipient copies on the statement's thread alone: no thread/clone/client-task")
    void workerThreadsDuringFileCopy() {
        assertNotNull(threadsDuringFileCopy, NEVER_SAW + lastSeen);
        assertEquals(List.of(), threadsDuringFileCopy);
    }
}
