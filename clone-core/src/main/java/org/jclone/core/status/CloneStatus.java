package org.jclone.core.status;

/**
 * One row of performance_schema.clone_status. Times are microseconds since the
 * epoch, 0 when unknown (shown as NULL); id 0 means no clone has run.
 */
public record CloneStatus(int id, long pid, CloneState state, long beginMicros, long endMicros, String source,
        String destination, int errorNo, String errorMessage, String binlogFile, long binlogPosition,
        String gtidExecuted) {

    public static final String LOCAL_INSTANCE = "LOCAL INSTANCE";

    public static final CloneStatus NONE =
            new CloneStatus(0, 0, CloneState.NOT_STARTED, 0, 0, "", "", 0, "", "", 0, "");

    /** This row with the clone's outcome. */
    public CloneStatus ended(CloneState outcome, long endMicros, int errorNo, String errorMessage) {
        return new CloneStatus(id, pid, outcome, beginMicros, endMicros, source, destination, errorNo, errorMessage,
                binlogFile, binlogPosition, gtidExecuted);
    }

    /** This row with the binary log position and GTIDs the clone is consistent with. */
    public CloneStatus withBinlog(String file, long position, String gtids) {
        return new CloneStatus(id, pid, state, beginMicros, endMicros, source, destination, errorNo, errorMessage,
                file, position, gtids);
    }

    /** As read back after a restart: no session, and a clone the file calls running was cut short. */
    public CloneStatus afterRestart(String savedDestination) {
        CloneState outcome = state == CloneState.IN_PROGRESS ? CloneState.FAILED : state;
        return new CloneStatus(id, 0, outcome, beginMicros, endMicros, source, savedDestination, errorNo, errorMessage,
                binlogFile, binlogPosition, gtidExecuted);
    }

    /** The binary log file as the table shows it: without its directory, as MySQL does. */
    public String binlogFileName() {
        int slash = binlogFile.lastIndexOf('/');
        return slash < 0 ? binlogFile : binlogFile.substring(slash + 1);
    }
}
