package org.jclone.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark's parsing and arithmetic (no timing, no server): what its report rests on. */
class BenchmarkArithmeticTest {

    @Test
    void mediansAndMinima() {
        Samples odd = new Samples().add(3).add(1).add(2);
        assertEquals(2, odd.median());
        assertEquals(1, odd.min());
        assertEquals(2.5, new Samples().add(4).add(1).add(2).add(3).median());
    }

    @Test
    void readsTheCoreLogInEitherDecimalSeparator() {
        String log = """
                2026-11-21T06:02:30 0 [Note] [MY-011071] [Server] Plugin clone reported: 'Clone stage FILE COPY ends: 248633141 bytes in 0.36 s (658.7 MiB/s)'
                2026-11-21T06:02:30 0 [Note] [MY-011071] [Server] Plugin clone reported: 'Clone stage PAGE COPY ends: 0 bytes in 0,03 s (0,0 MiB/s)'
                2026-11-21T06:02:30 0 [Note] [MY-011071] [Server] Plugin clone reported: 'Clone ends: 248685365 bytes in 0.80 s (296.4 MiB/s) into /x'
                """;
        CloneLog parsed = CloneLog.parse(log);
        assertEquals(248685365L, parsed.bytes());
        assertEquals(0.80, parsed.seconds(), 1e-9);
        assertEquals(248633141L, parsed.stage("FILE COPY").bytes());
        assertEquals(0.03, parsed.stage("PAGE COPY").seconds(), 1e-9);
        assertEquals(0, parsed.stage("REDO COPY").seconds());
        assertEquals(0.39, parsed.stageSeconds(), 1e-9);
    }

    @Test
    void theAutomaticBandwidthLimitIsHalfTheUnlimitedRate() {
        assertEquals(185, DonorImpact.halfOf(376.7));
        assertEquals(7, DonorImpact.halfOf(15.9));
        assertEquals(1, DonorImpact.halfOf(0.5));
    }

    @Test
    void theRemoteLimitBindsAndKeepsTheStageAtLeastTwelveSeconds() {
        // 600 MiB at 300 MiB/s unlimited: half would be 150 (4 s), so 600 / 12 = 50 wins.
        assertEquals(50, RemoteCases.limitFor(300, 600L << 20));
        // 40 GiB at 300 MiB/s: half the rate already makes the stage long enough.
        assertEquals(150, RemoteCases.limitFor(300, 40L << 30));
        assertEquals(1, RemoteCases.limitFor(300, 1L << 20));
    }

    @Test
    void readsTheRecipientsTaskCount() {
        String log = """
                2026-12-02T01:30:42.228092Z 49 [Note] [MY-013458] [InnoDB] Clone Apply State Change : Number of tasks = 1
                2026-12-02T01:30:54.440452Z 49 [Note] [MY-013458] [InnoDB] Clone Apply State Change : Number of tasks = 2
                """;
        assertEquals(2, RemoteCases.maxApplyTasks(log));
        assertEquals(0, RemoteCases.maxApplyTasks("Clone State Change : Number of tasks = 3"));
    }

    @Test
    void aDumpAndLoadTakesBothTimesAndScalesPerGiB() {
        DumpLoad.Measurement m = new DumpLoad.Measurement(DumpLoad.Variant.PLAIN, 1, 12.5, 30.25, 300L << 20, 17, 1000);
        assertEquals(42.75, m.totalSeconds(), 1e-9);
        // 256 MiB in 20 s: 80 s per GiB; 4 GiB in 20 s: 5 s per GiB.
        assertEquals(80, DumpLoad.secondsPerGiB(20, 256L << 20), 1e-9);
        assertEquals(5, DumpLoad.secondsPerGiB(20, 4L << 30), 1e-9);
        assertTrue(Double.isNaN(DumpLoad.secondsPerGiB(20, 0)));
    }

    @Test
    void aLoadMustHoldEveryTableWithTheDonorsRowCount() {
        Map<String, Long> donor = new LinkedHashMap<>();
        donor.put("bench.t1", 500L);
        donor.put("bench.t2", 700L);
        assertEquals(List.of(), DumpLoad.mismatches(donor, Map.of("bench.t1", 500L, "bench.t2", 700L)));
        assertEquals(List.of("bench.t2: 700 rows on the donor, 699 loaded"),
                DumpLoad.mismatches(donor, Map.of("bench.t1", 500L, "bench.t2", 699L)));
        assertEquals(List.of("bench.t1: 500 rows on the donor, missing"),
                DumpLoad.mismatches(donor, Map.of("bench.t2", 700L)));
        assertEquals(1, DumpLoad.mismatches(Map.of(), Map.of()).size());
    }
}
