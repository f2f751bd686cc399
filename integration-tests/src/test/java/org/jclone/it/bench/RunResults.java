package org.jclone.it.bench;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything one run measured, for the report and the plots. A part that was not run is null.
 *
 * @param dataDirBytes   the donor's data directory (sum of file lengths) when the copies began
 * @param tableBytes     the benchmark tables' .ibd files then
 * @param donorOptions   options of the measured donor besides the harness defaults
 */
record RunResults(
        BenchmarkSettings settings,
        Machine machine,
        String loadAtEnd,
        PageCache cache,
        DataSet dataSet,
        long dataDirBytes,
        long tableBytes,
        String mysqlVersion,
        List<String> donorOptions,
        Map<CopyConfig, List<CopyMeasurement>> copies,
        MoverVsNative.Results mover,
        DonorImpact.Results donor,
        JvmFootprint footprint,
        FileSystemCases.Results fileSystems,
        GuestMemory.Results guest,
        RemoteCases.Results remote,
        Instant started,
        double runSeconds) {
}
