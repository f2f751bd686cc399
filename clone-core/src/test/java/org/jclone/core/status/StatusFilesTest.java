package org.jclone.core.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Status files reach the disk before they replace the old ones, and the replacement before the write returns. */
class StatusFilesTest {
    @TempDir
    Path dataDir;

    private final List<String> events = new ArrayList<>();

    private final StatusFiles.Sync recording = new StatusFiles.Sync() {
        @Override
        public void file(FileChannel written, Path path) throws IOException {
            StatusFiles.FSYNC.file(written, path);
            Path finalName = path.resolveSibling(path.getFileName().toString().replace(".jclone-tmp", ""));
            events.add("file " + path.getFileName() + " size " + written.size()
                    + (Files.exists(finalName) ? " replacing" : " new"));
        }

        @Override
        public void directory(Path directory) throws IOException {
            StatusFiles.FSYNC.directory(directory);
            try (var names = Files.list(directory)) {
                events.add("directory " + directory.getFileName() + " holding "
                        + names.map(p -> p.getFileName().toString()).sorted().toList());
            }
        }
    };

    @Test
    void eachFileIsSyncedThenRenamedThenItsFolderSynced() throws IOException {
        StatusFiles files = StatusFiles.in(dataDir, recording);

        files.writeDestination("/clones/one");
        files.writeDestination("/clones/two");

        assertEquals(List.of(
                "file #view_destination.jclone-tmp size 12 new",
                "directory #clone holding [#view_destination]",
                "file #view_destination.jclone-tmp size 12 replacing",
                "directory #clone holding [#view_destination]"), events);
        assertEquals("/clones/two", files.readDestination().orElseThrow());
    }

    @Test
    void theRealSyncWorksOnARealFolder() throws IOException {
        StatusFiles files = StatusFiles.in(dataDir);

        files.writeStatus(CloneStatus.NONE);

        assertTrue(files.readStatus().isPresent());
        try (var names = Files.list(files.folder())) {
            assertFalse(names.anyMatch(p -> p.toString().endsWith(".jclone-tmp")), "a temporary file was left");
        }
    }
}
