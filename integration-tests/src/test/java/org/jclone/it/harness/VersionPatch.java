package org.jclone.it.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Makes an installation whose mysqld reports another version: bin/mysqld is copied with the
 * text "MySQL &lt;version&gt;" (where the linker keeps the server's version string) replaced by
 * one of the same length; every other entry is a symbolic link to the original.
 */
final class VersionPatch {
    private VersionPatch() {
    }

    static void copy(Path built, Path dir, String version, String reported) throws IOException {
        try (Stream<Path> entries = Files.list(built)) {
            for (Path entry : entries.toList()) {
                if (!entry.getFileName().toString().equals("bin")) {
                    Files.createSymbolicLink(dir.resolve(entry.getFileName()), entry);
                }
            }
        }
        Path bin = Files.createDirectories(dir.resolve("bin"));
        try (Stream<Path> entries = Files.list(built.resolve("bin"))) {
            for (Path entry : entries.toList()) {
                if (!entry.getFileName().toString().equals("mysqld")) {
                    Files.createSymbolicLink(bin.resolve(entry.getFileName()), entry);
                }
            }
        }
        byte[] mysqld = Files.readAllBytes(built.resolve("bin/mysqld"));
        byte[] from = ("MySQL " + version + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] to = ("MySQL " + reported + "\0").getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(mysqld, from);
        if (at < 0 || indexOf(mysqld, from, at + 1) >= 0) {
            throw new IllegalStateException("bin/mysqld does not hold \"MySQL " + version + "\" exactly once");
        }
        System.arraycopy(to, 0, mysqld, at, to.length);
        Path patched = bin.resolve("mysqld");
        Files.write(patched, mysqld);
        patched.toFile().setExecutable(true);
    }

    private static int indexOf(byte[] data, byte[] needle) {
        return indexOf(data, needle, 0);
    }

    private static int indexOf(byte[] data, byte[] needle, int from) {
        outer:
        for (int i = from; i <= data.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
