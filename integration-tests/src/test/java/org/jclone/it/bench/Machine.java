package org.jclone.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The machine a run measured on, from /proc, /sys and df.
 *
 * @param disk the df line (device, type, size, used, free) of the file system holding the work directory
 * @param device block device model and whether it rotates, where /sys says
 */
record Machine(String cpu, int cores, long memoryBytes, String kernel, String disk, String device, String javaVersion,
               String loadAtStart) {

    static Machine describe(Path workDir) {
        String cpu = "?";
        for (String line : ProcFs.lines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                cpu = line.substring(line.indexOf(':') + 1).trim();
                break;
            }
        }
        long memory = 0;
        for (String line : ProcFs.lines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                memory = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        String kernel = ProcFs.lines(Path.of("/proc/sys/kernel/osrelease")).get(0).trim();
        List<String> df = Commands.run(30, "df", "-hT", workDir.toString()).lines().toList();
        String disk = df.size() > 1 ? df.get(1).trim().replaceAll("\\s+", " ") : "?";
        String device = device(disk.split(" ")[0]);
        String javaVersion = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        return new Machine(cpu, Runtime.getRuntime().availableProcessors(), memory, kernel, disk, device, javaVersion,
                ProcFs.loadAverage());
    }

    /** Facts about /dev/X from /sys/block (a virtual disk may call itself rotational whatever backs it). */
    private static String device(String source) {
        if (!source.startsWith("/dev/")) {
            return source;
        }
        String name = source.substring(5);
        Path block = Path.of("/sys/block", name);
        if (!Files.isDirectory(block)) {
            name = name.replaceAll("p?[0-9]+$", ""); // a partition: its disk
            block = Path.of("/sys/block", name);
        }
        StringBuilder facts = new StringBuilder(source);
        read(block.resolve("device/model")).ifPresent(m -> facts.append(", model ").append(m));
        read(block.resolve("queue/rotational")).ifPresent(r -> facts.append(", queue/rotational=").append(r));
        read(block.resolve("queue/scheduler")).ifPresent(s -> facts.append(", scheduler ").append(s));
        return facts.toString();
    }

    private static Optional<String> read(Path file) {
        try {
            return Files.isReadable(file) ? Optional.of(Files.readString(file).trim())
                    .filter(s -> !s.isEmpty()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
