package org.jclone.core.io;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A failed clone into a directory it created leaves nothing behind, as MySQL's plugin does. */
public final class IncompleteClone {
    private static final Logger LOG = LoggerFactory.getLogger(IncompleteClone.class);

    private IncompleteClone() {
    }

    /** Deletes {@code root} and everything under it; a failure is logged, not thrown. */
    public static void remove(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
            LOG.info("Removed the incomplete clone at {}", root);
        } catch (IOException e) {
            LOG.warn("Could not remove the incomplete clone at {}: {}", root, e.toString());
        }
    }
}
