package org.jclone.it.bench;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the embedded JVM costs mysqld: the time of the first INSTALL PLUGIN of a server process
 * (it starts the JVM), and mysqld's resident memory before and after it, and after the first
 * clone. Each repetition restarts mysqld so the JVM starts anew.
 */
final class JvmFootprint {

    /**
     * @param installSeconds wall time of INSTALL PLUGIN clone in a fresh mysqld
     * @param rssBefore      VmRSS of mysqld before it, bytes
     * @param rssAfter       VmRSS right after it
     * @param threadsBefore  mysqld's threads before it
     * @param threadsAfter   and right after it
     */
    record Install(double installSeconds, long rssBefore, long rssAfter, long threadsBefore, long threadsAfter) {
    }

    private final List<Install> installs = new ArrayList<>();
    private double reinstallSeconds = -1;
    private long rssBeforeFirstClone = -1;
    private long rssAfterFirstClone = -1;

    /** Measures {@code repetitions} first installs, then one re-install (the JVM is reused), leaving the plugin active. */
    void measure(Donor donor, int repetitions) throws SQLException, InterruptedException {
        for (int rep = 0; rep < repetitions; rep++) {
            if (rep > 0 || donor.pluginActive()) {
                // mysql.plugin loads it at start: uninstall, then a new process without a JVM.
                donor.uninstallPluginIfActive();
                donor.restart();
            }
            Thread.sleep(2000); // let start-up work settle before reading the resident size
            long before = donor.residentBytes();
            long threadsBefore = donor.threads();
            double seconds = donor.installPlugin();
            long after = donor.residentBytes();
            long threadsAfter = donor.threads();
            installs.add(new Install(seconds, before, after, threadsBefore, threadsAfter));
            BenchLog.info("INSTALL PLUGIN in a fresh mysqld: %.3f s, VmRSS %,d -> %,d KiB, threads %d -> %d", seconds,
                    before / 1024, after / 1024, threadsBefore, threadsAfter);
        }
        donor.uninstallPluginIfActive();
        reinstallSeconds = donor.installPlugin();
        BenchLog.info("re-INSTALL PLUGIN (JVM already running): %.3f s", reinstallSeconds);
    }

    /** Called before the first clone, the plugin active. */
    void beforeClones(Donor donor) {
        rssBeforeFirstClone = donor.residentBytes();
    }

    /** Called after every clone; keeps mysqld's resident size after the first one. */
    void afterClone(Donor donor) {
        if (rssAfterFirstClone < 0 && rssBeforeFirstClone >= 0) {
            rssAfterFirstClone = donor.residentBytes();
        }
    }

    boolean measured() {
        return !installs.isEmpty();
    }

    List<Install> installs() {
        return List.copyOf(installs);
    }

    double reinstallSeconds() {
        return reinstallSeconds;
    }

    long rssBeforeFirstClone() {
        return rssBeforeFirstClone;
    }

    long rssAfterFirstClone() {
        return rssAfterFirstClone;
    }
}
