package org.jclone.it.bench;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jclone.core.engine.CloneCallbacks;
import org.jclone.core.io.DataMover;
import org.jclone.core.io.OsCalls;
import org.jclone.it.harness.FileTrees;

/**
 * The Java core's data mover against a plain native read()/write() loop, over the data set's
 * .ibd files (the donor is stopped), in the same cache state, with the piece size InnoDB hands a
 * clone (1 MiB blocks of 16 KiB pages) and the mover's default buffer (clone_buffer_size, 4 MiB).
 * This measures the JVM's data path; the one JNI call per piece exists only inside mysqld and
 * shows in the clone's own figures. The mover's staging memory comes from {@link MoverMemory}, as
 * the plugin's natives give it in mysqld (on huge pages where the mover asks); the native loop
 * keeps the plain posix_memalign buffer a C program would use. The target (issue 12) compares the mover's direct path with a
 * native loop over files opened O_DIRECT; the paths through the page cache are information.
 *
 * <p>Per cache state, one unmeasured copy (the buffered native loop) comes first: on a VM the first
 * writes into guest memory the page cache has not used yet can be slow, and would otherwise fall on
 * whichever method the rotation puts first. Medians are taken over the measured repetitions.
 */
final class MoverVsNative {

    /** InnoDB's clone block: 64 pages of 16 KiB; one file callback per block. */
    static final int PIECE = 1 << 20;
    /** The mover's buffer: clone_buffer_size's default. */
    static final int MOVER_BUFFER = 4 << 20;

    enum Method {
        NATIVE_DIRECT("native read()/write() loop, O_DIRECT on both sides (C, 1 MiB buffer)", true, null),
        JAVA_DIRECT("Java DataMover, source and target opened O_DIRECT as InnoDB opens them with "
                + "innodb_flush_method=O_DIRECT (its aligned staging buffer, on huge pages as in mysqld; O_DIRECT "
                + "channels of its own)", true, NATIVE_DIRECT),
        NATIVE("native read()/write() loop through the page cache (C, 1 MiB buffer)", false, null),
        JAVA_ZERO_COPY("Java DataMover, zero-copy FileChannel.transferTo (files InnoDB reads through the OS cache, "
                + "where copy_file_range is refused)", false, NATIVE),
        JAVA_STAGED("Java DataMover through its aligned staging buffer, files without O_DIRECT (neither OS-cache "
                + "nor zero-copy flag)", false, NATIVE);

        final String description;
        /** Source and target are opened with O_DIRECT. */
        final boolean direct;
        private final Method baseline;

        Method(String description, boolean direct, Method baseline) {
            this.description = description;
            this.direct = direct;
            this.baseline = baseline;
        }

        /** The native loop over files opened the same way: what this method is compared with. */
        Method baseline() {
            return baseline == null ? this : baseline;
        }

        boolean isNative() {
            return baseline == null;
        }
    }

    /**
     * @param loopSeconds  the copy loop, from first read to last write
     * @param fsyncSeconds then fsync of every target file
     * @param cpuSeconds   CPU time of the copying thread during the loop
     */
    record Measurement(double loopSeconds, double fsyncSeconds, long bytes, double cpuSeconds) {
        double mibPerSecond() {
            return bytes / 1048576.0 / loopSeconds;
        }

        double durableMibPerSecond() {
            return bytes / 1048576.0 / (loopSeconds + fsyncSeconds);
        }
    }

    /** Results per cache state and method, in measuring order. */
    record Results(Map<PageCache.State, Map<Method, List<Measurement>>> byState, long bytes, int files) {
    }

    private static final Pattern NATIVE_OUTPUT =
            Pattern.compile("bytes=(\\d+) loop_ns=(\\d+) fsync_ns=(\\d+) cpu_ns=(\\d+)");

    private MoverVsNative() {
    }

    static Results run(DataSet dataSet, PageCache cache, BenchmarkSettings settings) {
        List<Path> sources = dataSet.tableFiles();
        long bytes = sources.stream().mapToLong(MoverVsNative::size).sum();
        Path work = settings.workDir().resolve("copies").resolve("mover");
        DiskSpace.require(settings.workDir(), (long) (bytes * 1.1) + (1L << 30), "the mover's copy of the data set");
        Path nativeCopy = compileNativeLoop(settings.workDir());
        OsCalls moverCalls = MoverMemory.load(settings.workDir(), OsCalls.current());
        List<PageCache.State> states = new ArrayList<>(List.of(cache.state()));
        if (cache.state() == PageCache.State.COLD) {
            states.add(PageCache.State.WARM); // the CPU cost of the data path shows best without disk reads
        }
        Map<PageCache.State, Map<Method, List<Measurement>>> results = new LinkedHashMap<>();
        for (PageCache.State state : states) {
            Map<Method, List<Measurement>> byMethod = new LinkedHashMap<>();
            for (Method m : Method.values()) {
                byMethod.put(m, new ArrayList<>());
            }
            results.put(state, byMethod);
            Measurement warmUp = copyOnce(Method.NATIVE, state, dataSet, sources, work, nativeCopy, moverCalls,
                    settings);
            BenchLog.info("mover %s cache, warm-up (not measured), %-15s %7.1f MiB/s (loop %.2f s)",
                    state, Method.NATIVE, warmUp.mibPerSecond(), warmUp.loopSeconds());
            for (int rep = 0; rep < settings.repetitions(); rep++) {
                for (int i = 0; i < Method.values().length; i++) {
                    Method method = Method.values()[(i + rep) % Method.values().length]; // rotate the order
                    Measurement m = copyOnce(method, state, dataSet, sources, work, nativeCopy, moverCalls, settings);
                    byMethod.get(method).add(m);
                    BenchLog.info("mover %s cache, rep %d, %-15s %7.1f MiB/s (loop %.2f s, fsync %.2f s, cpu %.2f s)",
                            state, rep + 1, method, m.mibPerSecond(), m.loopSeconds(), m.fsyncSeconds(), m.cpuSeconds());
                }
            }
        }
        FileTrees.deleteTree(work);
        return new Results(results, bytes, sources.size());
    }

    /** One copy of every source into a fresh {@code work} directory, in the given cache state, checked. */
    private static Measurement copyOnce(Method method, PageCache.State state, DataSet dataSet, List<Path> sources,
                                        Path work, Path nativeCopy, OsCalls moverCalls,
                                        BenchmarkSettings settings) {
        FileTrees.deleteTree(work);
        createDirectories(work);
        List<Path> targets = sources.stream().map(s -> work.resolve(s.getFileName())).toList();
        PageCache.prepare(state, settings.workDir(), List.of(dataSet.dataDir().resolve(DataSet.SCHEMA)));
        Measurement m = switch (method) {
            case NATIVE, NATIVE_DIRECT -> nativeLoop(nativeCopy, method.direct, sources, targets);
            // InnoDB's file callback: OS_CACHE (and ZERO_COPY) for files it reads through the page
            // cache, neither for O_DIRECT files; DIRECT_IO stays clear, the mover reads the
            // descriptor's status flags itself.
            case JAVA_ZERO_COPY -> javaMover(moverCalls, sources, targets, false,
                    CloneCallbacks.OS_CACHE | CloneCallbacks.ZERO_COPY);
            case JAVA_STAGED -> javaMover(moverCalls, sources, targets, false, 0);
            case JAVA_DIRECT -> javaMover(moverCalls, sources, targets, true, 0);
        };
        checkCopies(sources, targets);
        return m;
    }

    /**
     * The mover over descriptors opened as InnoDB opens them: sources read-only, targets created
     * read-write, both with O_DIRECT if {@code direct}; {@code flags} as the server's callback passes them.
     */
    private static Measurement javaMover(OsCalls calls, List<Path> sources, List<Path> targets, boolean direct,
                                         int flags) {
        List<FileChannel> open = new ArrayList<>();
        OsCalls before = OsCalls.current();
        try {
            int[] in = new int[sources.size()];
            int[] out = new int[sources.size()];
            long[] lengths = new long[sources.size()];
            List<OpenOption> reading = new ArrayList<>(List.of(StandardOpenOption.READ));
            List<OpenOption> writing = new ArrayList<>(List.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING));
            if (direct) {
                reading.add(ExtendedOpenOption.DIRECT);
                writing.add(ExtendedOpenOption.DIRECT);
            }
            for (int i = 0; i < sources.size(); i++) {
                open.add(FileChannel.open(sources.get(i), reading.toArray(OpenOption[]::new)));
                open.add(FileChannel.open(targets.get(i), writing.toArray(OpenOption[]::new)));
                lengths[i] = Files.size(sources.get(i));
            }
            Map<Path, Integer> fds = descriptors();
            for (int i = 0; i < sources.size(); i++) {
                in[i] = fds.get(sources.get(i).toRealPath());
                out[i] = fds.get(targets.get(i).toRealPath());
            }
            OsCalls.install(calls);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            long bytes = 0;
            // The buffered rows compare the page-cache paths with the buffered loop: direct writes off.
            try (DataMover mover = direct ? new DataMover(MOVER_BUFFER) : DataMover.throughPageCache(MOVER_BUFFER)) {
                for (int i = 0; i < sources.size(); i++) {
                    for (long offset = 0; offset < lengths[i]; offset += PIECE) {
                        int piece = (int) Math.min(PIECE, lengths[i] - offset);
                        mover.fileToFile(in[i], offset, piece, flags, out[i], offset, 0);
                        bytes += piece;
                    }
                }
            }
            long t1 = System.nanoTime();
            long cpu1 = threads.getCurrentThreadCpuTime();
            for (int i = 1; i < open.size(); i += 2) {
                open.get(i).force(true);
            }
            long t2 = System.nanoTime();
            return new Measurement((t1 - t0) / 1e9, (t2 - t1) / 1e9, bytes, (cpu1 - cpu0) / 1e9);
        } catch (Exception e) {
            throw new IllegalStateException("the Java mover failed", e);
        } finally {
            OsCalls.install(before);
            for (FileChannel f : open) {
                try {
                    f.close();
                } catch (IOException ignored) {
                    // closing a read-only or already synced file
                }
            }
        }
    }

    private static Measurement nativeLoop(Path program, boolean direct, List<Path> sources, List<Path> targets) {
        List<String> command = new ArrayList<>(List.of(program.toString()));
        if (direct) {
            command.add("--direct");
        }
        command.add(Integer.toString(PIECE));
        for (int i = 0; i < sources.size(); i++) {
            command.add(sources.get(i).toString());
            command.add(targets.get(i).toString());
        }
        String out = Commands.run(3600, command.toArray(String[]::new));
        Matcher m = NATIVE_OUTPUT.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("unexpected output of the native loop: " + out);
        }
        return new Measurement(Long.parseLong(m.group(2)) / 1e9, Long.parseLong(m.group(3)) / 1e9,
                Long.parseLong(m.group(1)), Long.parseLong(m.group(4)) / 1e9);
    }

    /** Compiles the C loop from the test resources into the work directory. */
    static Path compileNativeLoop(Path workDir) {
        Path source = sourceInWorkDir(workDir, "native_copy.c");
        Path binary = workDir.resolve("native_copy");
        Commands.run(120, "gcc", "-O2", "-Wall", "-o", binary.toString(), source.toString());
        return binary;
    }

    /** Writes the C file {@code name} from the test resources' bench/ into the work directory. */
    static Path sourceInWorkDir(Path workDir, String name) {
        Path source = workDir.resolve(name);
        try (InputStream in = MoverVsNative.class.getResourceAsStream("/bench/" + name)) {
            if (in == null) {
                throw new IllegalStateException("bench/" + name + " is not on the class path");
            }
            Files.createDirectories(workDir);
            Files.write(source, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return source;
    }

    /** Every file this process has open, by real path, with its descriptor number (as DataMover sees them). */
    private static Map<Path, Integer> descriptors() throws IOException {
        Map<Path, Integer> fds = new HashMap<>();
        try (Stream<Path> links = Files.list(Path.of("/proc/self/fd"))) {
            for (Path link : (Iterable<Path>) links::iterator) {
                try {
                    fds.put(Files.readSymbolicLink(link), Integer.parseInt(link.getFileName().toString()));
                } catch (IOException | NumberFormatException gone) {
                    // the descriptor of the listing itself
                }
            }
        }
        return fds;
    }

    private static void checkCopies(List<Path> sources, List<Path> targets) {
        for (int i = 0; i < sources.size(); i++) {
            if (size(sources.get(i)) != size(targets.get(i))) {
                throw new IllegalStateException("copy of " + sources.get(i) + " has " + size(targets.get(i))
                        + " bytes instead of " + size(sources.get(i)));
            }
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
