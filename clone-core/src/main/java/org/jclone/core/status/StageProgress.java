package org.jclone.core.status;

/** One row of performance_schema.clone_progress; times in microseconds since the epoch, 0 if none. */
public record StageProgress(CloneStage stage, CloneState state, int threads, long beginMicros, long endMicros,
        long estimate, long data, long network, long dataSpeed, long networkSpeed) {

    public static StageProgress notStarted(CloneStage stage) {
        return new StageProgress(stage, CloneState.NOT_STARTED, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
