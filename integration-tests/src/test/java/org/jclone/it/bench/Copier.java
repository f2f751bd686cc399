package org.jclone.it.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jclone.it.harness.FileTrees;
import org.jclone.it.support.CloneOps;

/**
 * Makes one copy of the donor's data directory, by CLONE LOCAL DATA DIRECTORY or by cp -r, into a
 * fresh directory under {@code copiesDir}, measures it, checks it is complete, and removes it.
 */
final class Copier {

    private static final Pattern BASH_TIMES = Pattern.compile("(\\d+)m([0-9.]+)s\\s+(\\d+)m([0-9.]+)s");

    private final Donor donor;
    private final Path copiesDir;
    private int count;

    Copier(Donor donor, Path copiesDir) {
        this.donor = donor;
        this.copiesDir = copiesDir;
    }

    Path nextTarget(String label) {
        return copiesDir.resolve(String.format("%03d-%s", ++count, label.replaceAll("[^A-Za-z0-9]+", "-")));
    }

    /** CLONE LOCAL with the clone variables as they are set now. Does not remove the target. */
    CopyMeasurement clone(Path target) throws SQLException {
        return clone(target, () -> { });
    }

    /** As {@link #clone(Path)}, calling {@code whenReturned} as soon as the statement returns (before the sync). */
    CopyMeasurement clone(Path target, Runnable whenReturned) throws SQLException {
        long expected = donor.innodbFileBytes();
        DiskSpace.require(copiesDir, (long) (expected * 1.3) + (1L << 30), "a clone of the data set");
        long logOffset = donor.errorLogSize();
        double cpu0 = donor.cpuSeconds();
        long t0 = System.nanoTime();
        donor.server().execute(CloneOps.cloneSql(target));
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = donor.cpuSeconds() - cpu0;
        whenReturned.run();
        double sync = Commands.syncFileSystem(copiesDir);
        long bytes = CloneOps.treeBytes(target);
        // A clone holds every tablespace the donor had when it began (files only grow meanwhile).
        if (bytes < expected * 0.98) {
            throw new IllegalStateException(String.format("the clone in %s holds %,d bytes, less than the %,d bytes "
                    + "of the donor's tablespaces: it is incomplete", target, bytes, expected));
        }
        CloneLog log = CloneLog.parse(donor.errorLogFrom(logOffset));
        if (log.bytes() < 0) {
            BenchLog.info("WARNING: no \"Clone ends\" note in the donor's error log for %s: stage figures will be 0", target);
        }
        return new CopyMeasurement(seconds, sync, bytes, cpu, log);
    }

    /** cp -r of the donor's data directory (the physical limit). Does not remove the target. */
    CopyMeasurement copy(Path target) {
        return copy(target, "-r");
    }

    /**
     * cp with {@code options} (for example {@code -r --reflink=never}, a byte copy even where cp
     * would share extents) of the donor's data directory. Does not remove the target.
     */
    CopyMeasurement copy(Path target, String options) {
        Path source = donor.server().dataDir();
        long expected = CloneOps.treeBytes(source);
        DiskSpace.require(copiesDir, (long) (expected * 1.1) + (1L << 30), "a cp -r of the data set");
        long t0 = System.nanoTime();
        // bash's `times` prints the CPU time of its children: cp's.
        String out = Commands.run(3600, "bash", "-c", "cp " + options + " \"$1\" \"$2\" && times", "cp",
                source.toString(), target.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        double sync = Commands.syncFileSystem(copiesDir);
        long bytes = CloneOps.treeBytes(target);
        if (bytes < expected * 0.99) {
            throw new IllegalStateException(String.format("cp -r into %s copied %,d bytes of %,d", target, bytes,
                    expected));
        }
        return new CopyMeasurement(seconds, sync, bytes, childCpuSeconds(out), null);
    }

    void remove(Path target) {
        FileTrees.deleteTree(target);
    }

    void removeAll() {
        FileTrees.deleteTree(copiesDir);
        try {
            Files.createDirectories(copiesDir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The second line of bash's `times` output: user and system time of the children. */
    private static double childCpuSeconds(String timesOutput) {
        Matcher m = BASH_TIMES.matcher(timesOutput);
        double cpu = -1;
        int line = 0;
        while (m.find()) {
            if (++line == 2) {
                cpu = Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2))
                        + Integer.parseInt(m.group(3)) * 60 + Double.parseDouble(m.group(4));
            }
        }
        return cpu;
    }
}
