package org.jclone.core.status;

/** One row of performance_schema.clone_progress; times in microseconds since the epoch, 0 if none. */
public record StageProgress(CloneStage stage, CloneState state, int threads, long beginMicros, long endMicros,
        long estimate, long data, long network, long dataSpeed, long networkSpeed) {

    public static StageProgress notStarted(CloneStage stage) {
        return new StageProgress(stage, CloneState.NOT_STARTED, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    public static StageProgress started(CloneStage stage, int threads, long beginMicros, long estimate) {
        return new StageProgress(stage, CloneState.IN_PROGRESS, threads, beginMicros, 0, estimate, 0, 0, 0, 0);
    }

    public StageProgress withNetwork(long network, long networkSpeed) {
        return new StageProgress(stage, state, threads, beginMicros, endMicros, estimate, data, network, dataSpeed,
                networkSpeed);
    }

    public StageProgress withData(long data, long dataSpeed) {
        return new StageProgress(stage, state, threads, beginMicros, endMicros, estimate, data, network, dataSpeed,
                networkSpeed);
    }

    public StageProgress withThreads(int threads) {
        return new StageProgress(stage, state, threads, beginMicros, endMicros, estimate, data, network, dataSpeed,
                networkSpeed);
    }

    /** The stage over, with its outcome; a stage that has ended shows no speed. */
    public StageProgress ended(CloneState outcome, long endMicros) {
        return new StageProgress(stage, outcome, threads, beginMicros, endMicros, estimate, data, network, 0, 0);
    }
}
