package org.jclone.core.status;

import java.util.ArrayList;
import java.util.List;

/** All rows of performance_schema.clone_progress: one per stage, in order; id 0 means none. */
public record CloneProgress(int id, List<StageProgress> stages) {

    public CloneProgress {
        stages = List.copyOf(stages);
        if (stages.size() != CloneStage.COUNT) {
            throw new IllegalArgumentException("one row per stage expected, got " + stages.size());
        }
    }

    public static CloneProgress none() {
        List<StageProgress> rows = new ArrayList<>();
        for (CloneStage stage : CloneStage.values()) {
            rows.add(StageProgress.notStarted(stage));
        }
        return new CloneProgress(0, rows);
    }

    public StageProgress stage(CloneStage stage) {
        return stages.get(stage.ordinal());
    }
}
