package org.jclone.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Produces a directory at most once per build, even with several test JVMs (or threads) asking
 * at the same time: a sibling {@code .lock} file is locked while working, and a sibling
 * {@code .done} marker, written last, says the directory is complete. A directory without its
 * marker is a leftover of an interrupted attempt and is rebuilt from scratch.
 */
final class BuildOnce {

    /** What fills the (empty, existing) target directory. */
    @FunctionalInterface
    interface Producer {
        void produce(Path target) throws Exception;
    }

    // FileChannel.lock is per JVM, so threads of one JVM serialize on this first.
    private static final Map<Path, Object> JVM_LOCKS = new ConcurrentHashMap<>();

    private BuildOnce() {
    }

    static Path ensure(Path target, Producer producer) {
        Path marker = target.resolveSibling(target.getFileName() + ".done");
        if (Files.exists(marker) && Files.isDirectory(target)) {
            return target;
        }
        Path lockFile = target.resolveSibling(target.getFileName() + ".lock");
        synchronized (JVM_LOCKS.computeIfAbsent(target, t -> new Object())) {
            try {
                Files.createDirectories(target.getParent());
                try (FileChannel channel = FileChannel.open(lockFile,
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = channel.lock()) {
                    if (Files.exists(marker) && Files.isDirectory(target)) {
                        return target; // another JVM finished it while we waited
                    }
                    Files.deleteIfExists(marker);
                    FileTrees.deleteTree(target);
                    Files.createDirectories(target);
                    producer.produce(target);
                    Files.writeString(marker, "done\n");
                    return target;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("preparing " + target, e);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("preparing " + target + " failed", e);
            }
        }
    }
}
