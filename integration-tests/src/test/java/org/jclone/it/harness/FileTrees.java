package org.jclone.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/** Small file-system helpers: recursive copy (cp -a like), recursive delete, log tails. */
public final class FileTrees {

    private FileTrees() {
    }

    /** Copies {@code source} into {@code target} (created), keeping permissions, times and symlinks. */
    public static void copyTree(Path source, Path target) {
        copyTree(source, target, null);
    }

    /**
     * As {@link #copyTree(Path, Path)}, but regular files under {@code linkedSubtree} (relative to
     * the source; null for none) are hard links to the source's where the file system allows:
     * read-only trees too large to copy for every server (the plugin's bundled Java runtime).
     */
    public static void copyTree(Path source, Path target, Path linkedSubtree) {
        try {
            Files.createDirectories(target);
            try (Stream<Path> walk = Files.walk(source)) {
                for (Path from : (Iterable<Path>) walk::iterator) {
                    Path to = target.resolve(source.relativize(from).toString());
                    if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createDirectories(to);
                    } else if (!(linkedSubtree != null && source.relativize(from).startsWith(linkedSubtree)
                            && linked(from, to))) {
                        Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES,
                                StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
                    }
                }
            }
            // Directory permissions are copied last so read-only dirs do not block the copy.
            try (Stream<Path> walk = Files.walk(source)) {
                for (Path from : (Iterable<Path>) walk::iterator) {
                    if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
                        Path to = target.resolve(source.relativize(from).toString());
                        Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("copying " + source + " to " + target, e);
        }
    }

    /** True if {@code to} is now a hard link to the regular file {@code from}. */
    private static boolean linked(Path from, Path to) {
        if (!Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            Files.deleteIfExists(to);
            Files.createLink(to, from);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false; // another file system: copy instead
        }
    }

    /** Deletes a file or directory tree; missing paths are fine. Does not follow symlinks. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (exc instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // e.g. a socket removed by a dying mysqld
                    }
                    throw exc;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + root, e);
        }
    }

    /** Whole file as text (bad UTF-8 replaced), or "" if it does not exist yet. */
    public static String readIfExists(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Text from byte {@code offset} on ("" if missing or shorter). */
    public static String readFrom(Path file, long offset) {
        try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(file)) {
            long size = ch.size();
            if (offset >= size) {
                return "";
            }
            ch.position(offset);
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) (size - offset));
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // keep reading
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines containing "[ERROR]", at most {@code max} of them. */
    public static List<String> errorLines(String logText, int max) {
        return logText.lines().filter(l -> l.contains("[ERROR]")).limit(max).toList();
    }

    /** Last {@code lines} lines of a text file ("" if missing). */
    public static String tail(Path file, int lines) {
        String text = readIfExists(file);
        Deque<String> last = new ArrayDeque<>(lines);
        for (String line : text.stripTrailing().split("\n", -1)) {
            if (last.size() == lines) {
                last.removeFirst();
            }
            last.addLast(line);
        }
        return String.join("\n", List.copyOf(last)).stripTrailing();
    }
}
