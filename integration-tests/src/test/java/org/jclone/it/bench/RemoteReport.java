package org.jclone.it.bench;

import static org.jclone.it.bench.Targets.f;
import static org.jclone.it.bench.Targets.medianOf;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** The remote part's section of docs/benchmarks.md (issue 10's figures). */
final class RemoteReport {

    private static final double MIB = 1048576.0;

    private final StringBuilder md = new StringBuilder();

    private RemoteReport() {
    }

    static String section(RunResults r) {
        RemoteReport report = new RemoteReport();
        report.render(r);
        return report.md.toString();
    }

    private void render(RunResults r) {
        RemoteCases.Results x = r.remote();
        line("## 7. Remote clone over loopback against the local clone");
        line();
        line(f("A second mysqld (the recipient, on the harness's template data directory, its defaults and the "
                + "plugin) on 127.0.0.1 runs `CLONE INSTANCE FROM` the measured donor `DATA DIRECTORY` into a new "
                + "directory on the same file system as the local clones; the donor idle; connection: %s; a user with "
                + "BACKUP_ADMIN on the donor, `clone_valid_donor_list` on the recipient, every other clone variable "
                + "at its default. Per repetition (%d): CLONE LOCAL of the donor, the remote clone without and with "
                + "`clone_enable_compression` (those three in rotated order), then one limited by "
                + "`clone_max_network_bandwidth = %d` and one by `clone_max_data_bandwidth = %d`%s. The page cache "
                + "is prepared the same way before each (%s); each copy is checked to hold the donor's tablespace "
                + "bytes and every benchmark table's file, then removed.", x.transport(), r.settings().repetitions(),
                x.networkLimitMiB(), x.dataLimitMiB(), x.limitsChosen()
                        ? f(" (MiB/s; chosen from the first unlimited remote clone's FILE COPY stage: half its rate, "
                                + "and low enough for the stage to last at least %.0f s)", RemoteCases.MIN_LIMITED_SECONDS)
                        : " (MiB/s, -Dbench.remoteLimitMiB)",
                r.cache().state().name().toLowerCase()));
        line();
        List<RemoteCases.Measurement> local = x.of(RemoteCases.Kind.LOCAL);
        double localDurable = medianOf(local, m -> m.copy().durableSeconds());
        line("| clone | returned, min / median s | on disk, min / median s | MiB copied | MiB/s until on disk, "
                + "median (best) | time / local time, median | MiB on the wire (clone_progress NETWORK), median | "
                + "CPU s donor + recipient, median | tasks, max | machine CPU busy, median |");
        line("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (RemoteCases.Kind kind : RemoteCases.Kind.values()) {
            List<RemoteCases.Measurement> runs = x.of(kind);
            if (runs.isEmpty()) {
                continue;
            }
            String label = kind.label + (kind == RemoteCases.Kind.NETWORK_LIMITED ? " = " + x.networkLimitMiB()
                    : kind == RemoteCases.Kind.DATA_LIMITED ? " = " + x.dataLimitMiB() : "");
            row(label, minMedian(runs, m -> m.copy().seconds(), "%.2f"),
                    minMedian(runs, m -> m.copy().durableSeconds(), "%.2f"),
                    f("%,.0f", medianOf(runs, m -> m.copy().bytes() / MIB)),
                    f("%.0f (%.0f)", medianOf(runs, m -> m.copy().durableMibPerSecond()),
                            runs.stream().mapToDouble(m -> m.copy().durableMibPerSecond()).max().orElse(0)),
                    f("%.2f", medianOf(runs, m -> m.copy().durableSeconds()) / localDurable),
                    kind.remote() ? f("%,.1f", medianOf(runs, m -> m.networkBytes() / MIB)) : "-",
                    f("%.1f + %.1f", medianOf(runs, RemoteCases.Measurement::donorCpuSeconds),
                            medianOf(runs, RemoteCases.Measurement::recipientCpuSeconds)),
                    Integer.toString(runs.stream().mapToInt(RemoteCases.Measurement::tasks).max().orElse(0)),
                    f("%.0f%%", 100 * medianOf(runs, RemoteCases.Measurement::machineBusy)));
        }
        line();
        line("\"returned\": the statement's wall time; \"on disk\": plus a `sync -f` of the file system after it. MiB "
                + "copied: the files in the copy. On the wire: the bytes the recipient's server reports reading "
                + "from its connections for the clone (the length `mysql_clone_get_response` returns), compressed on "
                + "the compression row. Tasks: the most concurrent clone tasks InnoDB logged in any repetition (the "
                + "recipient's for a remote clone; autotune adds them while throughput rises). Machine CPU busy: "
                + "the share of all cores' time not idle during the clone, whoever used it (/proc/stat); near 100% "
                + "the clone competed for the CPU.");
        line();
        line("The FILE COPY stage (the recipient's `clone_progress` row; the donor's for the local clone), medians:");
        line();
        line("| clone | limit MiB/s | stage s | data MiB | network MiB | data MiB/s | network MiB/s | limited rate / limit |");
        line("| --- | --- | --- | --- | --- | --- | --- | --- |");
        for (RemoteCases.Kind kind : RemoteCases.Kind.values()) {
            List<RemoteCases.Measurement> runs = x.of(kind);
            if (runs.isEmpty()) {
                continue;
            }
            int limit = runs.get(0).limitMiB();
            row(kind.label, limit > 0 ? Integer.toString(limit) : "-",
                    f("%.2f", medianOf(runs, m -> m.fileCopy().seconds())),
                    f("%,.0f", medianOf(runs, m -> m.fileCopy().dataBytes() / MIB)),
                    kind.remote() ? f("%,.0f", medianOf(runs, m -> m.fileCopy().networkBytes() / MIB)) : "-",
                    f("%.1f", medianOf(runs, m -> m.fileCopy().dataMiBPerSecond())),
                    kind.remote() ? f("%.1f", medianOf(runs, m -> m.fileCopy().networkMiBPerSecond())) : "-",
                    limit > 0 ? f("%.3f", medianOf(runs, RemoteCases.Measurement::limitedRate) / limit) : "");
        }
        line();
        line("The limited rate is the network's for `clone_max_network_bandwidth` and the data's for "
                + "`clone_max_data_bandwidth`; the targets above judge it within 10% of the limit.");
        line();
    }

    private static <T> String minMedian(List<T> runs, ToDoubleFunction<T> value, String format) {
        return f(format + " / " + format, runs.stream().mapToDouble(value).min().orElse(Double.NaN),
                medianOf(runs, value));
    }

    private void row(String... cells) {
        md.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    private void line(String text) {
        md.append(text).append('\n');
    }

    private void line() {
        md.append('\n');
    }
}
