package org.jclone.jni;

/** What performance_schema.clone_status and clone_progress show, handed to mysql_clone.so. */
final class StatusTableNatives {
    private StatusTableNatives() {}

    static native void publishStatus(int id, int pid, String state, long beginMicros, long endMicros,
            String source, String destination, int errorNo, String errorMessage, String binlogFile,
            long binlogPosition, String gtidExecuted);

    /**
     * One entry of {@code stages} and {@code states} per stage, and ten numbers per stage
     * in {@code numbers}: threads, begin, end, estimate, data, network, data speed, network speed,
     * resumes, data resent (negative: not known, NULL).
     */
    static native void publishProgress(int id, String[] stages, String[] states, long[] numbers);
}
