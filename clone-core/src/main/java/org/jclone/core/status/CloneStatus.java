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

    /** The binary log file as the table shows it: without its directory, as MySQL does. */
    public String binlogFileName() {
        int slash = binlogFile.lastIndexOf('/');
        return slash < 0 ? binlogFile : binlogFile.substring(slash + 1);
    }
}
