package org.jclone.it.harness;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every mysqld this JVM started; a shutdown hook kills the ones still alive so an aborted test
 * run (Ctrl-C, surefire timeout) does not leave servers holding ports and files.
 */
final class LiveProcesses {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : LIVE) {
                p.destroyForcibly();
            }
        }, "jclone-kill-leftover-mysqld"));
    }

    private LiveProcesses() {
    }

    static void add(Process process) {
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
    }
}
