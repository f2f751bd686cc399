package org.jclone.it.harness;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The report a hung server leaves behind, taken of a process that sleeps (no server needed). */
class HungProcessReportTest {

    @Test
    void namesEachThreadWithItsStateAndWaitChannel() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Thread.sleep(200); // let it reach its sleep

            String report = HungProcessReport.of(sleeper.pid());

            assertTrue(report.contains("threads of pid " + sleeper.pid()), report);
            assertTrue(report.contains(" sleep state=S wchan="), report);
            // With gdb present its backtraces follow; without it the report says so.
            assertTrue(report.contains("gdb backtraces:") || report.contains("gdb is not installed"), report);
            assertTrue(sleeper.isAlive(), "the report leaves the process running");
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }
}
