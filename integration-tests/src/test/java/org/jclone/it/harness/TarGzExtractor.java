package org.jclone.it.harness;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** Extracts a .tar.gz keeping permission bits and symlinks (mysqld must stay executable). */
final class TarGzExtractor {

    private TarGzExtractor() {
    }

    static void extract(Path archive, Path target) throws IOException {
        List<TarArchiveEntry> symlinks = new ArrayList<>();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(raw))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = resolveInside(target, entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    symlinks.add(entry); // after the files, so targets can be checked
                } else if (entry.isLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createLink(out, resolveInside(target, entry.getLinkName()));
                } else if (entry.isFile()) {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(out, permissions(entry.getMode()));
                    Files.setLastModifiedTime(out, FileTime.from(entry.getModTime().toInstant()));
                }
            }
        }
        for (TarArchiveEntry link : symlinks) {
            createSymlink(target, link);
        }
    }

    /**
     * The 8.0.31 tarball has symlinks pointing at the absolute path of the machine it was packed
     * on; those are re-pointed (relatively) to the file of the same name in lib/private if there
     * is one, and dropped otherwise: mysqld finds its libraries through its rpath anyway.
     */
    private static void createSymlink(Path root, TarArchiveEntry link) throws IOException {
        Path out = resolveInside(root, link.getName());
        Path dest = Path.of(link.getLinkName());
        if (dest.isAbsolute()) {
            Path candidate = root.resolve("lib/private").resolve(dest.getFileName().toString());
            if (!Files.exists(candidate)) {
                return;
            }
            dest = out.getParent().relativize(candidate);
        }
        Files.createDirectories(out.getParent());
        Files.deleteIfExists(out);
        Files.createSymbolicLink(out, dest);
        if (!Files.exists(out)) {
            Files.delete(out); // dangling inside the archive too: leave it out
        }
    }

    private static Path resolveInside(Path root, String name) throws IOException {
        Path p = root.resolve(name).normalize();
        if (!p.startsWith(root)) {
            throw new IOException("archive entry escapes the target directory: " + name);
        }
        return p;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                perms.add(order[bit]);
            }
        }
        perms.add(PosixFilePermission.OWNER_READ); // never extract something we cannot read back
        return perms;
    }
}
