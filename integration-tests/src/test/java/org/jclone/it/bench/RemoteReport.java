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
        line("## 7. Remote clone over loopback against the local clone, cp -r and a logical dump and load");
        line();
        line(f("A second mysqld (the recipient, on the harness's template data directory, with the donor's "
                + "options listed under Data set and the plugin) on 127.0.0.1 runs `CLONE INSTANCE FROM` the measured "
                + "donor `DATA DIRECTORY` into a new "
                + "directory on the same file system as the local clones; the donor idle; connection: %s; a user with "
                + "BACKUP_ADMIN on the donor, `clone_valid_donor_list` on the recipient, every other clone variable "
                + "at its default. Per repetition (%d): CLONE LOCAL of the donor, the remote clone without and with "
                + "`clone_enable_compression` and `cp -r` of the donor's data directory (those four in rotated "
                + "order), then one limited by "
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
                    kind == RemoteCases.Kind.CP ? f("%.1f (cp's)", medianOf(runs, m -> m.copy().cpuSeconds()))
                            : f("%.1f + %.1f", medianOf(runs, RemoteCases.Measurement::donorCpuSeconds),
                            medianOf(runs, RemoteCases.Measurement::recipientCpuSeconds)),
                    kind == RemoteCases.Kind.CP ? "-"
                            : Integer.toString(runs.stream().mapToInt(RemoteCases.Measurement::tasks).max().orElse(0)),
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
            if (runs.isEmpty() || kind == RemoteCases.Kind.CP) {
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
        provisioning(r);
    }

    /** Issue 12: the remote clone against cp -r and a logical dump and load of the same data. */
    private void provisioning(RunResults r) {
        RemoteCases.Results x = r.remote();
        DumpLoad.Results d = x.dumps();
        line("### Provisioning a server: remote clone, cp -r, and a logical dump and load");
        line();
        if (d.skipped() != null) {
            line("The dump and load with mydumper/myloader: **skipped** (" + d.skipped() + ").");
            line();
            return;
        }
        line(f("What users run instead of a clone: mydumper dumps the `%s` schema from the donor (root over TCP on "
                + "127.0.0.1, `--threads %d`, one file per table, so the %d tables keep the threads busy on either "
                + "side; the default consistent snapshot), into a new directory on the same file system as the "
                + "clones, once without and once with `--compress` (gzip files); myloader (`--threads %d`; by default "
                + "1,000 INSERT statements of up to 1 MB per transaction, binary logging of the load off as by default) loads it into a fresh "
                + "mysqld on the harness's template data directory started for each load (its start not counted), "
                + "with the remote recipient's options: %s; as it reported: %s. Each load is checked to hold every "
                + "table of the schema with the donor's row count (%,d rows in all). Each variant %d time(s) "
                + "(`-Dbench.dumpRepetitions`, whatever the repetitions of the clones; a logical load is slow), order alternated; page cache prepared as for "
                + "the clones before each dump, the dump's files left as the dump wrote them before the load. Tools: "
                + "%s.", DataSet.SCHEMA, d.threads(), r.settings().tables(), d.threads(),
                String.join(", ", d.loaderOptions()), d.loaderVariables(),
                d.runs().isEmpty() ? 0 : d.runs().get(0).rows(),
                r.settings().dumpRepetitions(), d.version()));
        line();
        List<RemoteCases.Measurement> remote = x.of(RemoteCases.Kind.REMOTE);
        double remoteDurable = medianOf(remote, m -> m.copy().durableSeconds());
        line("| method | dump, min / median s | load, min / median s | total, min / median s | MiB written (copy or "
                + "dump), median | total s per GiB of tables, median | total / remote clone time, median |");
        line("| --- | --- | --- | --- | --- | --- | --- |");
        for (RemoteCases.Kind kind : List.of(RemoteCases.Kind.REMOTE, RemoteCases.Kind.COMPRESSED,
                RemoteCases.Kind.CP)) {
            List<RemoteCases.Measurement> runs = x.of(kind);
            if (runs.isEmpty()) {
                continue;
            }
            row(kind.label, "-", "-", minMedian(runs, m -> m.copy().durableSeconds(), "%.2f"),
                    f("%,.0f", medianOf(runs, m -> m.copy().bytes() / MIB)),
                    f("%.1f", DumpLoad.secondsPerGiB(medianOf(runs, m -> m.copy().durableSeconds()), r.tableBytes())),
                    f("%.2f", medianOf(runs, m -> m.copy().durableSeconds()) / remoteDurable));
        }
        for (DumpLoad.Variant variant : DumpLoad.Variant.values()) {
            List<DumpLoad.Measurement> runs = d.of(variant);
            if (runs.isEmpty()) {
                continue;
            }
            row(variant.label, minMedian(runs, DumpLoad.Measurement::dumpSeconds, "%.2f"),
                    minMedian(runs, DumpLoad.Measurement::loadSeconds, "%.2f"),
                    minMedian(runs, DumpLoad.Measurement::totalSeconds, "%.2f"),
                    f("%,.0f", medianOf(runs, m -> m.dumpBytes() / MIB)),
                    f("%.1f", DumpLoad.secondsPerGiB(medianOf(runs, DumpLoad.Measurement::totalSeconds), r.tableBytes())),
                    f("%.2f", medianOf(runs, DumpLoad.Measurement::totalSeconds) / remoteDurable));
        }
        line();
        line(f("Clone and cp rows: the time until on disk (the table above). Dump: mydumper's wall time; load: "
                + "myloader's, until the last row is committed (`innodb_flush_log_at_trx_commit = 1`: durable in the "
                + "redo log, the pages written back later); total: the two, without a server start or anything "
                + "moving the dump between machines. MiB written: the clone's or cp's files, the dump's files (the "
                + "loaded server then holds the tables again). Per GiB: over the %,.0f MiB of benchmark table files, "
                + "to scale to another size. The ratio is against the median of the remote clone without "
                + "compression.", r.tableBytes() / MIB));
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
