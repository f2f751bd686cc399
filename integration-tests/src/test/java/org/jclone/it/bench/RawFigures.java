package org.jclone.it.bench;

import static org.jclone.it.bench.Targets.f;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Every single measurement of a run as plain lines, next to the cached data sets (not committed). */
final class RawFigures {

    private RawFigures() {
    }

    static Path write(RunResults r, Path file) {
        StringBuilder out = new StringBuilder();
        out.append("settings ").append(r.settings()).append('\n');
        out.append("machine ").append(r.machine()).append('\n');
        if (r.copies() != null) {
            r.copies().forEach((config, runs) -> runs.forEach(m -> out.append(f(
                    "copy '%s' seconds=%.3f sync=%.3f bytes=%d cpu=%.2f core=%s%n", config.label(), m.seconds(),
                    m.syncSeconds(), m.bytes(), m.cpuSeconds(), m.log()))));
        }
        if (r.mover() != null) {
            r.mover().byState().forEach((state, byMethod) -> byMethod.forEach((method, runs) -> runs.forEach(m ->
                    out.append(f("mover %s %s %s%n", state, method, m)))));
        }
        if (r.donor() != null) {
            r.donor().windows().forEach(w -> out.append("window ").append(w).append('\n'));
            r.donor().clones().forEach(c -> out.append(f("clone-under-load rep=%d limit=%d ratio=%.3f achieved=%.1f %s%n",
                    c.rep(), c.limitMiB(), c.throughputRatio(), c.achievedMiBPerSecond(), c.copy())));
            r.donor().held().forEach(h -> out.append(f("clone-held rep=%d limit=%d ratio=%.3f%n", h.rep(),
                    DonorImpact.HELD_MIB, h.throughputRatio())));
            r.donor().samples().forEach(s -> out.append(f("sample %.1f %.0f%n", s.atSeconds(), s.opsPerSecond())));
        }
        if (r.footprint() != null) {
            r.footprint().installs().forEach(i -> out.append("install ").append(i).append('\n'));
            out.append(f("reinstall %.3f rssBeforeFirstClone=%d rssAfterFirstClone=%d%n", r.footprint().reinstallSeconds(),
                    r.footprint().rssBeforeFirstClone(), r.footprint().rssAfterFirstClone()));
        }
        if (r.guest() != null) {
            r.guest().withClones().forEach(g -> out.append("guest with ").append(g).append('\n'));
            r.guest().withoutClones().forEach(g -> out.append("guest without ").append(g).append('\n'));
            out.append(f("guest idle with=%.1f without=%.1f clones=%s%n", r.guest().idleWith(), r.guest().idleWithout(),
                    r.guest().cloneSeconds()));
        }
        if (r.remote() != null) {
            r.remote().byKind().values().forEach(runs -> runs.forEach(m -> out.append("remote ").append(m).append('\n')));
            DumpLoad.Results dumps = r.remote().dumps();
            if (dumps.skipped() != null) {
                out.append("dump skipped: ").append(dumps.skipped()).append('\n');
            }
            dumps.runs().forEach(m -> out.append("dump ").append(m).append('\n'));
        }
        if (r.fileSystems() != null) {
            FileSystemCases.Results fs = r.fileSystems();
            fs.oDirect().clones().forEach(m -> out.append("odirect clone ").append(m).append('\n'));
            fs.oDirect().cps().forEach(m -> out.append("odirect cp ").append(m).append('\n'));
            FileSystemCases.Reflink x = fs.reflink();
            if (x.skipped() != null) {
                out.append("xfs skipped: ").append(x.skipped()).append('\n');
            }
            x.clones().forEach(m -> out.append("xfs clone ").append(m).append('\n'));
            x.cloneSpaceBytes().forEach(b -> out.append("xfs clone space ").append(b).append('\n'));
            x.byteCopies().forEach(m -> out.append("xfs cp reflink=never ").append(m).append('\n'));
            x.reflinkCopies().forEach(m -> out.append("xfs cp reflink=always ").append(m).append('\n'));
        }
        try {
            Files.writeString(file, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
