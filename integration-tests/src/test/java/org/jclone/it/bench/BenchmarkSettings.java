package org.jclone.it.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one benchmark run does, from {@code -Dbench.*} system properties (the Maven profile passes
 * each one through; an empty value means the default given here).
 *
 * @param sizeGiB          data set size: the InnoDB files of the benchmark tables, in GiB
 * @param tables           number of tables the data set is spread over
 * @param repetitions      repetitions of every measurement (min and median are reported)
 * @param cache            page-cache state for copies: AUTO (cold where drop_caches works), COLD, WARM
 * @param concurrency      clone_max_concurrency values measured with autotune on and off
 * @param workloadThreads  donor workload threads (and pool size)
 * @param warmupSeconds    workload warm-up before the first baseline window
 * @param baselineSeconds  length of each baseline window of the donor workload
 * @param bandwidthMiB     clone_max_data_bandwidth for the limited clone; 0 = half of what the
 *                         unlimited clone under load reached in the first repetition
 * @param bufferPool       innodb_buffer_pool_size of the donor while measuring
 * @param rebuild          build the data set even if a cached one of this size exists
 * @param phases           which parts to run: mover, footprint, copy, donor, filesystems, guest, remote
 * @param guestClones      clones in a row of the guest part (mysqld's memory over many clones)
 * @param guestIdleSeconds how long after the last clone the guest part reads the idle memory
 * @param remoteLimitMiB   clone_max_network_bandwidth and clone_max_data_bandwidth of the remote part's
 *                         limited clones; 0 = chosen from the first unlimited remote clone
 *                         ({@link RemoteCases#limitFor})
 * @param dumpThreads      --threads of mydumper and myloader in the remote part's dump and load
 * @param dumpRepetitions  how many times the remote part dumps and loads each variant (uncompressed,
 *                         compressed), independent of {@code repetitions}: a logical load is slow;
 *                         0 skips them
 * @param workDir          cached data sets, copies, the native helper, raw results
 * @param docsDir          where benchmarks.md and the PNG plots are written
 */
public record BenchmarkSettings(
        double sizeGiB,
        int tables,
        int repetitions,
        CacheMode cache,
        List<Integer> concurrency,
        int workloadThreads,
        int warmupSeconds,
        int baselineSeconds,
        int bandwidthMiB,
        String bufferPool,
        boolean rebuild,
        Set<String> phases,
        int guestClones,
        int guestIdleSeconds,
        int remoteLimitMiB,
        int dumpThreads,
        int dumpRepetitions,
        Path workDir,
        Path docsDir) {

    public static final Set<String> ALL_PHASES = Set.of("mover", "footprint", "copy", "donor", "filesystems",
            "guest", "remote");
    /** The parts that measure on the cached data set (the others make their own servers). */
    public static final Set<String> DATA_SET_PHASES = Set.of("mover", "copy", "donor", "filesystems", "remote");

    public enum CacheMode { AUTO, COLD, WARM }

    /** The run whose figures the targets are stated for. */
    public static final double RECORD_SIZE_GIB = 4;
    public static final int RECORD_REPETITIONS = 3;

    public static BenchmarkSettings fromSystemProperties() {
        Set<String> phases = Arrays.stream(text("phases", String.join(",", ALL_PHASES)).split(","))
                .map(String::trim).filter(p -> !p.isEmpty()).collect(Collectors.toUnmodifiableSet());
        for (String phase : phases) {
            if (!ALL_PHASES.contains(phase)) {
                throw new IllegalArgumentException("bench.phases: unknown phase " + phase + " (known: " + ALL_PHASES + ")");
            }
        }
        BenchmarkSettings s = new BenchmarkSettings(
                Double.parseDouble(text("sizeGiB", "4")),
                Integer.parseInt(text("tables", "8")),
                Integer.parseInt(text("repetitions", "3")),
                CacheMode.valueOf(text("cache", "auto").toUpperCase(Locale.ROOT)),
                Arrays.stream(text("concurrency", "1,2,4").split(",")).map(String::trim).map(Integer::valueOf).toList(),
                Integer.parseInt(text("workloadThreads", "8")),
                Integer.parseInt(text("warmupSeconds", "10")),
                Integer.parseInt(text("baselineSeconds", "30")),
                Integer.parseInt(text("bandwidthMiB", "0")),
                text("bufferPool", "1G"),
                Boolean.parseBoolean(text("rebuild", "false")),
                phases,
                Integer.parseInt(text("guestClones", "100")),
                Integer.parseInt(text("guestIdleSeconds", "60")),
                Integer.parseInt(text("remoteLimitMiB", "0")),
                Integer.parseInt(text("dumpThreads", "4")),
                Integer.parseInt(text("dumpRepetitions", "1")),
                Path.of(text("workDir", "target/bench")).toAbsolutePath().normalize(),
                Path.of(text("docsDir", "../docs")).toAbsolutePath().normalize());
        if (s.sizeGiB <= 0 || s.tables < 1 || s.repetitions < 1 || s.workloadThreads < 1 || s.baselineSeconds < 1
                || s.guestClones < 1 || s.guestIdleSeconds < 0 || s.remoteLimitMiB < 0 || s.dumpThreads < 1
                || s.dumpRepetitions < 0) {
            throw new IllegalArgumentException("bench.sizeGiB, tables, repetitions, workloadThreads, "
                    + "baselineSeconds, guestClones and dumpThreads must be positive, guestIdleSeconds, "
                    + "remoteLimitMiB and dumpRepetitions not negative: " + s);
        }
        return s;
    }

    public long sizeBytes() {
        return (long) (sizeGiB * (1L << 30));
    }

    /** Whether a part that needs the cached data set runs. */
    public boolean needsDataSet() {
        return phases.stream().anyMatch(DATA_SET_PHASES::contains);
    }

    public boolean runs(String phase) {
        return phases.contains(phase);
    }

    /** Whether this run is the one the targets speak of (4 GiB, at least 3 repetitions, everything). */
    public boolean isRecordRun() {
        return sizeGiB == RECORD_SIZE_GIB && repetitions >= RECORD_REPETITIONS && phases.equals(ALL_PHASES);
    }

    /** "4 GiB" / "0.25 GiB". */
    public String sizeLabel() {
        return (sizeGiB == Math.rint(sizeGiB) ? Long.toString((long) sizeGiB) : Double.toString(sizeGiB)) + " GiB";
    }

    private static String text(String name, String fallback) {
        String value = System.getProperty("bench." + name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
