package org.jclone.it.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jclone.it.harness.FileTrees;

/**
 * Part 5: where the file system decides the cost. An O_DIRECT donor (innodb_flush_method=O_DIRECT)
 * cloned against cp -r on the usual disk; and the donor on XFS with reflink (a loop-mounted image
 * made with {@code mkfs.xfs -m reflink=1}, root only), cloned against a byte copy
 * ({@code cp -r --reflink=never}) and cp's own extent sharing ({@code cp -r --reflink=always}),
 * with the space each clone took right after it.
 */
final class FileSystemCases {

    /** The O_DIRECT donor's clones (defaults) and cp -r runs, each after the same page-cache preparation. */
    record ODirect(List<CopyMeasurement> clones, List<CopyMeasurement> cps) {
    }

    /**
     * The XFS case, or why it was skipped.
     *
     * @param cloneSpaceBytes file-system space used right after each clone (df), before its removal
     */
    record Reflink(String skipped, List<CopyMeasurement> clones, List<CopyMeasurement> byteCopies,
            List<CopyMeasurement> reflinkCopies, List<Long> cloneSpaceBytes, long dataDirBytes) {
        static Reflink skipped(String why) {
            return new Reflink(why, List.of(), List.of(), List.of(), List.of(), 0);
        }
    }

    record Results(ODirect oDirect, Reflink reflink) {
    }

    private FileSystemCases() {
    }

    /** Runs both cases on copies of {@code dataDir}, which no server may be running on. */
    static Results run(Path dataDir, PageCache cache, BenchmarkSettings settings) throws Exception {
        BenchLog.info("part 5a: an O_DIRECT donor against cp -r");
        ODirect oDirect = oDirect(dataDir, cache, settings);
        BenchLog.info("part 5b: XFS with reflink on a loop-mounted image");
        String why = reflinkUnavailable();
        Reflink reflink;
        if (why != null) {
            BenchLog.info("part 5b skipped: %s", why);
            reflink = Reflink.skipped(why);
        } else {
            reflink = reflink(dataDir, cache, settings);
        }
        return new Results(oDirect, reflink);
    }

    private static ODirect oDirect(Path dataDir, PageCache cache, BenchmarkSettings settings) throws SQLException {
        List<CopyMeasurement> clones = new ArrayList<>();
        List<CopyMeasurement> cps = new ArrayList<>();
        Path copies = settings.workDir().resolve("copies-odirect");
        try (Donor donor = Donor.start(dataDir, settings, List.of("innodb_flush_method=O_DIRECT"))) {
            donor.ensurePlugin();
            Copier copier = new Copier(donor, copies);
            copier.removeAll();
            try {
                for (int rep = 0; rep < settings.repetitions(); rep++) {
                    for (boolean cloneFirst : new boolean[] {rep % 2 == 0, rep % 2 != 0}) {
                        Path target = copier.nextTarget(cloneFirst ? "odirect-clone" : "odirect-cp");
                        cache.prepare(settings.workDir(), List.of(dataDir));
                        CopyMeasurement m;
                        if (cloneFirst) {
                            donor.resetCloneSettings();
                            m = copier.clone(target);
                            clones.add(m);
                        } else {
                            m = copier.copy(target);
                            cps.add(m);
                        }
                        copier.remove(target);
                        BenchLog.info("rep %d, O_DIRECT donor, %-8s %7.2f s + sync %5.2f s", rep + 1,
                                cloneFirst ? "clone" : "cp -r", m.seconds(), m.syncSeconds());
                    }
                }
            } finally {
                FileTrees.deleteTree(copies);
            }
        }
        return new ODirect(clones, cps);
    }

    private static Reflink reflink(Path dataDir, PageCache cache, BenchmarkSettings settings) throws Exception {
        long dataBytes = org.jclone.it.support.CloneOps.treeBytes(dataDir);
        // The image is sparse: it takes what the donor's copy and one byte copy at a time write.
        DiskSpace.require(settings.workDir(), dataBytes * 2 + (2L << 30), "the XFS image (donor copy and a byte copy)");
        long imageMiB = (dataBytes * 4 + (2L << 30)) >> 20;
        List<CopyMeasurement> clones = new ArrayList<>();
        List<CopyMeasurement> byteCopies = new ArrayList<>();
        List<CopyMeasurement> reflinkCopies = new ArrayList<>();
        List<Long> space = new ArrayList<>();
        Path image = settings.workDir().resolve("xfs-reflink.img");
        Path mount = settings.workDir().resolve("xfs-reflink");
        Files.deleteIfExists(image);
        Files.createDirectories(mount);
        Commands.run(60, "truncate", "-s", imageMiB + "M", image.toString());
        Commands.run(300, "mkfs.xfs", "-q", "-m", "reflink=1", image.toString());
        Commands.run(60, "mount", "-o", "loop", image.toString(), mount.toString());
        try {
            Path donorData = mount.resolve("donor-data");
            Commands.run(3600, "cp", "-a", "--reflink=never", dataDir.toString(), donorData.toString());
            try (Donor donor = Donor.start(donorData, settings, List.of())) {
                donor.ensurePlugin();
                donor.resetCloneSettings();
                Copier copier = new Copier(donor, mount.resolve("copies"));
                copier.removeAll();
                String[] kinds = {"clone", "cp -r --reflink=never", "cp -r --reflink=always"};
                for (int rep = 0; rep < settings.repetitions(); rep++) {
                    for (int i = 0; i < kinds.length; i++) {
                        String kind = kinds[(i + rep) % kinds.length];
                        Path target = copier.nextTarget(kind);
                        cache.prepare(mount, List.of(donorData));
                        long usedBefore = usedBytes(mount);
                        CopyMeasurement m;
                        if (kind.equals("clone")) {
                            m = copier.clone(target);
                            clones.add(m);
                            space.add(usedBytes(mount) - usedBefore);
                        } else if (kind.contains("never")) {
                            m = copier.copy(target, "-r --reflink=never");
                            byteCopies.add(m);
                        } else {
                            m = copier.copy(target, "-r --reflink=always");
                            reflinkCopies.add(m);
                        }
                        copier.remove(target);
                        BenchLog.info("rep %d, XFS reflink, %-24s %7.2f s + sync %5.2f s", rep + 1, kind, m.seconds(),
                                m.syncSeconds());
                    }
                }
            }
        } finally {
            Commands.run(120, "umount", mount.toString());
            Files.deleteIfExists(image);
        }
        return new Reflink(null, clones, byteCopies, reflinkCopies, space, dataBytes);
    }

    /** Why the XFS case cannot run here, or null if it can. */
    static String reflinkUnavailable() {
        if (!"0".equals(Commands.run(10, "id", "-u").trim())) {
            return "not root: mounting a loop image needs root";
        }
        for (String tool : new String[] {"/usr/sbin/mkfs.xfs", "/sbin/mkfs.xfs"}) {
            if (Files.isExecutable(Path.of(tool))) {
                return null;
            }
        }
        return "mkfs.xfs not found: install xfsprogs (scripts/prerequisites.sh does as root)";
    }

    private static long usedBytes(Path mount) {
        Commands.syncFileSystem(mount);
        String[] lines = Commands.run(30, "df", "--output=used", "-B1", mount.toString()).trim().split("\n");
        return Long.parseLong(lines[lines.length - 1].trim());
    }
}
