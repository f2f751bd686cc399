package org.jclone.it.bench;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CLONE LOCAL DATA DIRECTORY for each configuration against cp -r of the same data directory, on
 * the same disk, each after the same page-cache preparation, with the donor idle. Repetitions
 * rotate the order so no configuration always runs first.
 */
final class CloneVsCopy {

    private CloneVsCopy() {
    }

    /** Measurements per configuration, in the order of {@link CopyConfig#all}. */
    static Map<CopyConfig, List<CopyMeasurement>> run(Donor donor, Copier copier, PageCache cache,
            BenchmarkSettings settings, JvmFootprint footprint) throws SQLException {
        List<CopyConfig> configs = CopyConfig.all(settings.concurrency());
        Map<CopyConfig, List<CopyMeasurement>> results = new LinkedHashMap<>();
        configs.forEach(c -> results.put(c, new ArrayList<>()));
        for (int rep = 0; rep < settings.repetitions(); rep++) {
            for (int i = 0; i < configs.size(); i++) {
                CopyConfig config = configs.get((i + rep) % configs.size());
                Path target = copier.nextTarget(config.label());
                cache.prepare(settings.workDir(), List.of(donor.server().dataDir()));
                CopyMeasurement m;
                if (config.isCp()) {
                    m = copier.copy(target);
                } else {
                    donor.configureClone(config.concurrency(), config.autotune(), 0);
                    m = copier.clone(target);
                    footprint.afterClone(donor);
                }
                copier.remove(target);
                results.get(config).add(m);
                BenchLog.info("rep %d, %-34s %7.2f s + sync %5.2f s, %,9.1f MiB -> %6.1f MiB/s (cpu %.1f s)",
                        rep + 1, config.label(), m.seconds(), m.syncSeconds(), m.bytes() / 1048576.0,
                        m.durableMibPerSecond(), m.cpuSeconds());
            }
        }
        donor.resetCloneSettings();
        return results;
    }
}
