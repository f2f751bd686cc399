package org.jclone.it.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Puts the page cache into the same state before every copy, so the clone, cp and the copy loops
 * start equal: cold (dirty pages written back, then the whole cache dropped) where
 * /proc/sys/vm/drop_caches may be written, else warm (every source file read once).
 */
final class PageCache {

    enum State { COLD, WARM }

    private static final Path DROP_CACHES = Path.of("/proc/sys/vm/drop_caches");

    private final State state;
    private final String how;

    private PageCache(State state, String how) {
        this.state = state;
        this.how = how;
    }

    static PageCache choose(BenchmarkSettings.CacheMode mode, Path anyPathOnDisk) {
        if (mode == BenchmarkSettings.CacheMode.WARM) {
            return new PageCache(State.WARM, "warm, as asked (-Dbench.cache=warm): every source file read once before each copy");
        }
        String probe = probeDrop(anyPathOnDisk);
        if (probe == null) {
            if (mode == BenchmarkSettings.CacheMode.COLD) {
                throw new IllegalStateException("-Dbench.cache=cold needs a writable " + DROP_CACHES + " (run as root)");
            }
            return new PageCache(State.WARM, "warm: " + DROP_CACHES + " cannot be written here, so every source "
                    + "file is read once before each copy");
        }
        return new PageCache(State.COLD, "cold: `sync`, then `echo 3 > " + DROP_CACHES + "` before each copy ("
                + probe + ")");
    }

    State state() {
        return state;
    }

    /** One line for the report. */
    String description() {
        return how;
    }

    /** Writes back dirty pages, then drops the cache (cold) or reads every file under {@code sources} (warm). */
    void prepare(Path fileSystem, List<Path> sources) {
        prepare(state, fileSystem, sources);
    }

    static void prepare(State wanted, Path fileSystem, List<Path> sources) {
        Commands.syncFileSystem(fileSystem);
        if (wanted == State.COLD) {
            drop();
        } else {
            for (Path source : sources) {
                readAll(source);
            }
        }
    }

    /** Null if dropping does not work; otherwise what it did to the cache, for the report. */
    private static String probeDrop(Path anyPathOnDisk) {
        try {
            Commands.syncFileSystem(anyPathOnDisk);
            long before = cachedKiB();
            Files.writeString(DROP_CACHES, "3\n");
            long after = cachedKiB();
            return String.format("checked at start: page cache went from %,d MiB to %,d MiB", before / 1024, after / 1024);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void drop() {
        try {
            Files.writeString(DROP_CACHES, "3\n");
        } catch (IOException e) {
            throw new UncheckedIOException("dropping the page cache", e);
        }
    }

    private static long cachedKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("Cached:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static void readAll(Path root) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : (Iterable<Path>) walk::iterator) {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || !Files.isReadable(file)) {
                    continue;
                }
                try (FileChannel in = FileChannel.open(file)) {
                    while (in.read(buffer.clear()) > 0) {
                        // only the reading matters
                    }
                } catch (IOException vanished) {
                    // a temporary file of the running server: not part of any copy
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + root + " into the page cache", e);
        }
    }
}
