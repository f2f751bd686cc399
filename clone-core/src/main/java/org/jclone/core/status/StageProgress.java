package org.jclone.core.status;

/**
 * One row of performance_schema.clone_progress; times in microseconds since the epoch, 0 if none.
 * After MySQL's columns, ours: {@code resumes}, the times a remote clone resumed in this stage
 * after a network failure, and {@code dataResent}, the bytes of this stage applied again after
 * those resumes ({@link #UNKNOWN} where no exact figure exists).
 */
public record StageProgress(CloneStage stage, CloneState state, int threads, long beginMicros, long endMicros,
        long estimate, long data, long network, long dataSpeed, long networkSpeed, int resumes, long dataResent) {

    /** DATA_RESENT when it cannot be told exactly (shown as NULL). */
    public static final long UNKNOWN = -1;

    /** A row of MySQL's columns only: never resumed. */
    public StageProgress(CloneStage stage, CloneState state, int threads, long beginMicros, long endMicros,
            long estimate, long data, long network, long dataSpeed, long networkSpeed) {
        this(stage, state, threads, beginMicros, endMicros, estimate, data, network, dataSpeed, networkSpeed, 0, 0);
    }

    public static StageProgress notStarted(CloneStage stage) {
        return new StageProgress(stage, CloneState.NOT_STARTED, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    public static StageProgress started(CloneStage stage, int threads, long beginMicros, long estimate) {
        return new StageProgress(stage, CloneState.IN_PROGRESS, threads, beginMicros, 0, estimate, 0, 0, 0, 0);
    }

    public StageProgress withNetwork(long network, long networkSpeed) {
        return new StageProgress(stage, state, threads, beginMicros, endMicros, estimate, data, network, dataSpeed,
                networkSpeed, resumes, dataResent);
    }

    public StageProgress withData(long data, long dataSpeed) {
        return new StageProgress(stage, state, threads, beginMicros, endMicros, estimate, data, network, dataSpeed,
                networkSpeed, resumes, resentAfter(resumes, data));
    }

    public StageProgress withThreads(int threads) {
        return new StageProgress(stage, state, threads, beginMicros, endMicros, estimate, data, network, dataSpeed,
                networkSpeed, resumes, dataResent);
    }

    /** One more resume after a network failure in this stage. */
    public StageProgress resumed() {
        return new StageProgress(stage, state, threads, beginMicros, endMicros, estimate, data, network, dataSpeed,
                networkSpeed, resumes + 1, resentAfter(resumes + 1, data));
    }

    /** The stage over, with its outcome; a stage that has ended shows no speed. */
    public StageProgress ended(CloneState outcome, long endMicros) {
        return new StageProgress(stage, outcome, threads, beginMicros, endMicros, estimate, data, network, 0, 0,
                resumes, dataResent);
    }

    /**
     * FILE COPY's estimate is the size of the files it copies and an uncut copy applies exactly
     * that, so after a resume its DATA beyond the estimate is what InnoDB applied again. PAGE COPY
     * and REDO COPY have no such exact estimate: resumed, their figure is unknown. The other
     * stages copy nothing from the donor.
     */
    private long resentAfter(int resumeCount, long dataNow) {
        if (resumeCount == 0) {
            return 0;
        }
        return switch (stage) {
            case FILE_COPY -> Math.max(0, dataNow - estimate);
            case PAGE_COPY, REDO_COPY -> UNKNOWN;
            default -> 0;
        };
    }
}
