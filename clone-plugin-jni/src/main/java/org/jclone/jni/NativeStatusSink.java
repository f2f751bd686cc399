package org.jclone.jni;

import java.util.List;
import org.jclone.core.status.CloneProgress;
import org.jclone.core.status.CloneStatus;
import org.jclone.core.status.StageProgress;
import org.jclone.core.status.StatusSink;

/** Publishes the status board's rows to the plugin's performance_schema tables. */
final class NativeStatusSink implements StatusSink {
    private static final int NUMBERS_PER_STAGE = 10;

    @Override
    public void publish(CloneStatus status) {
        StatusTableNatives.publishStatus(status.id(), (int) status.pid(), status.state().label(),
                status.beginMicros(), status.endMicros(), status.source(), status.destination(), status.errorNo(),
                status.errorMessage(), status.binlogFileName(), status.binlogPosition(), status.gtidExecuted());
    }

    @Override
    public void publish(CloneProgress progress) {
        List<StageProgress> rows = progress.stages();
        String[] stages = new String[rows.size()];
        String[] states = new String[rows.size()];
        long[] numbers = new long[rows.size() * NUMBERS_PER_STAGE];
        for (int i = 0; i < rows.size(); i++) {
            StageProgress row = rows.get(i);
            stages[i] = row.stage().label();
            states[i] = row.state().label();
            int at = i * NUMBERS_PER_STAGE;
            numbers[at] = row.threads();
            numbers[at + 1] = row.beginMicros();
            numbers[at + 2] = row.endMicros();
            numbers[at + 3] = row.estimate();
            numbers[at + 4] = row.data();
            numbers[at + 5] = row.network();
            numbers[at + 6] = row.dataSpeed();
            numbers[at + 7] = row.networkSpeed();
            numbers[at + 8] = row.resumes();
            numbers[at + 9] = row.dataResent();
        }
        StatusTableNatives.publishProgress(progress.id(), stages, states, numbers);
    }
}
