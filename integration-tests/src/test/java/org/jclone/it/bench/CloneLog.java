package org.jclone.it.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jclone.it.support.CloneOps;

/**
 * What the plugin's Java core logged about one clone into the donor's error log (Notes at
 * log_error_verbosity=3): the bytes it moved, its own elapsed time, and each stage.
 *
 * @param bytes   bytes the core moved (-1 if the log does not say)
 * @param seconds the core's elapsed time
 * @param stages  stage name (FILE COPY, PAGE COPY, REDO COPY) to bytes and seconds
 * @param tasks   most concurrent tasks InnoDB reported ("Clone State Change : Number of tasks = N"), 0 if none
 */
record CloneLog(long bytes, double seconds, Map<String, Stage> stages, int tasks) {

    record Stage(long bytes, double seconds) {
        double mibPerSecond() {
            return seconds <= 0 ? 0 : bytes / 1048576.0 / seconds;
        }
    }

    private static final Pattern END = Pattern.compile("Clone ends: (\\d+) bytes in ([0-9.,]+) s");
    private static final Pattern STAGE = Pattern.compile("Clone stage ([A-Z ]+?) ends: (\\d+) bytes in ([0-9.,]+) s");

    /** Parses the error-log text written during one clone. */
    static CloneLog parse(String logText) {
        Map<String, Stage> stages = new LinkedHashMap<>();
        Matcher s = STAGE.matcher(logText);
        while (s.find()) {
            stages.put(s.group(1), new Stage(Long.parseLong(s.group(2)), seconds(s.group(3))));
        }
        Matcher e = END.matcher(logText);
        long bytes = -1;
        double seconds = 0;
        while (e.find()) {
            bytes = Long.parseLong(e.group(1));
            seconds = seconds(e.group(2));
        }
        return new CloneLog(bytes, seconds, stages, CloneOps.maxCloneTasks(logText));
    }

    /** mysqld's JVM formats with its default locale: "0.36" or "0,36". */
    private static double seconds(String text) {
        return Double.parseDouble(text.replace(',', '.'));
    }

    Stage stage(String name) {
        return stages.getOrDefault(name, new Stage(0, 0));
    }

    double stageSeconds() {
        return stages.values().stream().mapToDouble(Stage::seconds).sum();
    }
}
