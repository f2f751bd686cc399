package org.jclone.core.status;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jclone.core.error.MysqlError;

/**
 * The files under a data directory's #clone folder that keep a clone's status
 * across restarts. #view_status and #view_progress use the layout of MySQL's
 * own plugin, so either plugin reads what the other wrote; #status_recovery is
 * written by InnoDB when a cloned directory first starts. #view_destination is
 * ours: MySQL's files have no line for it.
 */
public final class StatusFiles {
    public static final String FOLDER = "#clone";
    static final String STATUS = "#view_status";
    static final String PROGRESS = "#view_progress";
    static final String RECOVERY = "#status_recovery";
    static final String DESTINATION = "#view_destination";
    /** InnoDB's list of files a cloned directory replaces; the server removes it last thing in its first start. */
    static final String REPLACE_FILES = "#replace_files";

    /** Makes written bytes and renames durable; tests pass one that also records. */
    interface Sync {
        void file(FileChannel written, Path path) throws IOException;

        void directory(Path directory) throws IOException;
    }

    static final Sync FSYNC = new Sync() {
        @Override
        public void file(FileChannel written, Path path) throws IOException {
            written.force(true);
        }

        @Override
        public void directory(Path directory) throws IOException {
            try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
                channel.force(true);
            }
        }
    };

    private final Path folder;
    private final Sync sync;

    private StatusFiles(Path folder, Sync sync) {
        this.folder = folder;
        this.sync = sync;
    }

    public static StatusFiles in(Path dataDir) {
        return in(dataDir, FSYNC);
    }

    static StatusFiles in(Path dataDir, Sync sync) {
        return new StatusFiles(dataDir.resolve(FOLDER), sync);
    }

    public Path folder() {
        return folder;
    }

    // ---- writing -----------------------------------------------------------------

    /**
     * Writes the status row. While the clone runs the error recorded is the
     * interruption MySQL's plugin records, so a crash leaves a truthful file.
     */
    public void writeStatus(CloneStatus status) throws IOException {
        boolean running = status.state() == CloneState.IN_PROGRESS;
        int errorNo = running ? MysqlError.ER_QUERY_INTERRUPTED.code() : status.errorNo();
        String errorMessage = running ? MysqlError.ER_QUERY_INTERRUPTED.message() : status.errorMessage();
        String text = status.state().code() + " " + status.id() + "\n"
                + status.beginMicros() + " " + status.endMicros() + "\n"
                + oneLine(status.source()) + "\n"
                + errorNo + "\n"
                + oneLine(errorMessage) + "\n"
                + oneLine(status.binlogFile()) + "\n"
                + status.binlogPosition() + "\n"
                + status.gtidExecuted() + "\n";
        write(STATUS, text);
    }

    /**
     * Writes the progress rows; a stage still running is written as failed, as MySQL's plugin does.
     * Each stage's line has MySQL's seven numbers, then ours (resumes, bytes resent): MySQL's plugin
     * reads a line's first seven and ignores the rest.
     */
    public void writeProgress(CloneProgress progress) throws IOException {
        StringBuilder text = new StringBuilder().append(progress.id()).append('\n');
        for (StageProgress stage : progress.stages()) {
            CloneState state = stage.state() == CloneState.IN_PROGRESS ? CloneState.FAILED : stage.state();
            text.append(state.code()).append(' ').append(stage.threads()).append(' ')
                    .append(stage.beginMicros()).append(' ').append(stage.endMicros()).append(' ')
                    .append(stage.estimate()).append(' ').append(stage.data()).append(' ')
                    .append(stage.network()).append(' ')
                    .append(stage.resumes()).append(' ').append(stage.dataResent()).append('\n');
        }
        write(PROGRESS, text.toString());
    }

    public void writeDestination(String destination) throws IOException {
        write(DESTINATION, oneLine(destination) + "\n");
    }

    // Whole files or nothing: a crash must not leave half a status behind. The bytes reach the disk
    // before the rename, and the rename itself before the write returns (fsync of the folder).
    private void write(String name, String text) throws IOException {
        Files.createDirectories(folder);
        Path temporary = folder.resolve(name + ".jclone-tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(text);
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            sync.file(channel, temporary);
        }
        Files.move(temporary, folder.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        sync.directory(folder);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replace('\n', ' ');
    }

    // ---- reading -----------------------------------------------------------------

    /** The status as written, with PID 0 and destination unknown (the caller fills those in). */
    public Optional<CloneStatus> readStatus() throws IOException {
        List<String> lines = lines(STATUS);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        long[] head = numbers(lines.get(0), 2);
        long[] times = numbers(line(lines, 1), 2);
        return Optional.of(new CloneStatus((int) head[1], 0, CloneState.ofCode(head[0]), times[0], times[1],
                line(lines, 2), "", (int) numbers(line(lines, 3), 1)[0], line(lines, 4), line(lines, 5),
                numbers(line(lines, 6), 1)[0], linesFrom(lines, 7)));
    }

    public Optional<CloneProgress> readProgress() throws IOException {
        List<String> lines = lines(PROGRESS);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        int id = (int) numbers(lines.get(0), 1)[0];
        List<StageProgress> stages = new ArrayList<>();
        for (CloneStage stage : CloneStage.values()) {
            // Files written by MySQL's plugin, or by ours before RESUMES and DATA_RESENT, end after
            // NETWORK: those read as 0.
            long[] n = numbers(line(lines, 1 + stage.ordinal()), 9);
            stages.add(new StageProgress(stage, CloneState.ofCode(n[0]), (int) n[1], n[2], n[3], n[4], n[5], n[6],
                    0, 0, (int) n[7], n[8]));
        }
        return Optional.of(new CloneProgress(id, stages));
    }

    public Optional<String> readDestination() throws IOException {
        List<String> lines = lines(DESTINATION);
        return lines.isEmpty() || lines.get(0).isEmpty() ? Optional.empty() : Optional.of(lines.get(0));
    }

    /** What InnoDB recorded when this directory, made by a clone, first started. */
    public Optional<Recovery> readRecovery() throws IOException {
        List<String> lines = lines(RECOVERY);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Recovery(numbers(lines.get(0), 1)[0], numbers(line(lines, 1), 1)[0],
                line(lines, 2), numbers(line(lines, 3), 1)[0], linesFrom(lines, 4)));
    }

    /** True once the server has finished the first start of a cloned directory (GTIDs written). */
    public boolean serverRecoveryDone() {
        return !Files.exists(folder.resolve(REPLACE_FILES));
    }

    /** MySQL's plugin consumes the recovery file once it has folded it into the view files. */
    public void deleteRecovery() throws IOException {
        Files.deleteIfExists(folder.resolve(RECOVERY));
    }

    private List<String> lines(String name) throws IOException {
        Path file = folder.resolve(name);
        return Files.isRegularFile(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    private static String line(List<String> lines, int index) {
        return index < lines.size() ? lines.get(index) : "";
    }

    /** A GTID set spans lines from {@code first} to the end; blank lines are not part of it. */
    private static String linesFrom(List<String> lines, int first) {
        StringBuilder text = new StringBuilder(line(lines, first));
        for (int i = first + 1; i < lines.size(); i++) {
            if (!lines.get(i).isEmpty()) {
                text.append('\n').append(lines.get(i));
            }
        }
        return text.toString();
    }

    // Missing or malformed numbers read as 0, as a C++ stream extraction leaves them.
    private static long[] numbers(String line, int count) {
        long[] values = new long[count];
        String[] words = line.trim().split("\\s+");
        for (int i = 0; i < count && i < words.length; i++) {
            try {
                values[i] = Long.parseLong(words[i]);
            } catch (NumberFormatException e) {
                values[i] = 0;
            }
        }
        return values;
    }

    /** Line by line, #status_recovery: recovery start and end, and the binary log position cloned. */
    public record Recovery(long beginMicros, long endMicros, String binlogFile, long binlogPosition,
            String gtidExecuted) {}
}
