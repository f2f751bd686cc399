package org.jclone.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathBytesTest {
    private static final String NAME = "klon-\u00c5\u00d8-\u65e5\u672c";

    @Test
    void textIsTheUtf8OfTheBytes() {
        assertEquals(NAME, PathBytes.text(NAME.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void bytesThatAreNotUtf8AreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PathBytes.text(new byte[] {'a', (byte) 0xff}));
    }

    @Test
    void aPathFromTheBytesNamesTheSameFileAsTheBytes(@TempDir Path dir) throws Exception {
        byte[] bytes = dir.resolve(NAME).toString().getBytes(StandardCharsets.UTF_8);

        Path fromBytes = PathBytes.fromBytes(bytes);
        Files.createDirectories(fromBytes.resolve("sub"));

        // Listing yields the names as the kernel stores them: exactly the UTF-8 bytes.
        try (var names = Files.list(dir)) {
            assertEquals(NAME, names.findFirst().orElseThrow().getFileName().toString());
        }
        assertTrue(Files.isDirectory(PathBytes.of(bytes).resolve("sub")));
        assertArrayEquals(bytes, PathBytes.of(bytes).toString().getBytes(StandardCharsets.UTF_8));
    }
}
