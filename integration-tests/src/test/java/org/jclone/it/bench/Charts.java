package org.jclone.it.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The two PNG plots of the report, drawn with XChart. */
final class Charts {

    static final String THROUGHPUT_PNG = "benchmark-throughput.png";
    static final String DONOR_PNG = "benchmark-donor.png";
    static final String GUEST_PNG = "benchmark-guest.png";

    private static final Color MEDIAN = new Color(0x1f77b4);
    private static final Color BEST = new Color(0xaec7e8);
    private static final Color CP = new Color(0xd62728);
    private static final Color WORKLOAD = new Color(0x2ca02c);

    private Charts() {
    }

    /** MiB/s (until on disk) per clone configuration, median and best, against cp -r's median as a line. */
    static Path throughput(Map<CopyConfig, List<CopyMeasurement>> copies, String title, Path docsDir) {
        List<String> labels = new ArrayList<>();
        List<Double> median = new ArrayList<>();
        List<Double> best = new ArrayList<>();
        Samples cp = new Samples();
        copies.get(CopyConfig.CP).forEach(m -> cp.add(m.durableMibPerSecond()));
        copies.forEach((config, runs) -> {
            if (config.isCp()) {
                return;
            }
            Samples rate = new Samples();
            runs.forEach(m -> rate.add(m.durableMibPerSecond()));
            labels.add(shortLabel(config));
            median.add(rate.median());
            best.add(rate.max());
        });
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(520).title(title)
                .xAxisTitle("clone_max_concurrency, clone_autotune_concurrency").yAxisTitle("MiB/s until on disk").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setOverlapped(false);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.addSeries("median", labels, median).setFillColor(MEDIAN);
        chart.addSeries("best of " + cp.count(), labels, best).setFillColor(BEST);
        List<Double> cpLine = labels.stream().map(l -> cp.median()).toList();
        CategorySeries cpSeries = chart.addSeries(String.format("cp -r, median (%.0f MiB/s)", cp.median()), labels, cpLine);
        cpSeries.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        cpSeries.setLineColor(CP);
        cpSeries.setMarker(SeriesMarkers.NONE);
        cpSeries.setLineStyle(new BasicStroke(2.5f));
        return save(chart, docsDir.resolve(THROUGHPUT_PNG));
    }

    /** Workload statements per second over time, with the windows shaded and each window's mean drawn. */
    static Path donor(DonorImpact.Results donor, String title, Path docsDir) {
        XYChart chart = new XYChartBuilder().width(1100).height(520).title(title)
                .xAxisTitle("seconds since the workload started").yAxisTitle("statements per second").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(0);
        double top = donor.samples().stream().mapToDouble(OltpWorkload.Sample::opsPerSecond).max().orElse(1) * 1.1;

        Set<DonorImpact.Kind> inLegend = EnumSet.noneOf(DonorImpact.Kind.class);
        int n = 0;
        for (DonorImpact.Window w : donor.windows()) {
            if (w.kind() != DonorImpact.Kind.BASELINE) {
                XYSeries area = chart.addSeries("window " + (n++), new double[] {w.start(), w.start(), w.end(), w.end()},
                        new double[] {0, top, top, 0});
                area.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
                Color c = windowColor(w.kind());
                area.setFillColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 60));
                area.setLineColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 0));
                area.setMarker(SeriesMarkers.NONE);
                area.setShowInLegend(false);
            }
            if (w.kind() == DonorImpact.Kind.WRITEBACK) {
                continue;
            }
            boolean first = inLegend.add(w.kind());
            String name = first ? legend(w.kind(), donor.limitMiB()) : "mean " + (n++);
            XYSeries mean = chart.addSeries(name, new double[] {w.start(), w.end()},
                    new double[] {w.opsPerSecond(), w.opsPerSecond()});
            mean.setLineColor(windowColor(w.kind()).darker());
            mean.setLineStyle(new BasicStroke(3f));
            mean.setMarker(SeriesMarkers.NONE);
            mean.setShowInLegend(first);
        }
        double[] x = donor.samples().stream().mapToDouble(OltpWorkload.Sample::atSeconds).toArray();
        double[] y = donor.samples().stream().mapToDouble(OltpWorkload.Sample::opsPerSecond).toArray();
        XYSeries ops = chart.addSeries("each second", x, y);
        ops.setLineColor(WORKLOAD);
        ops.setMarker(SeriesMarkers.NONE);
        ops.setLineStyle(new BasicStroke(1.2f));
        XYSeries writeback = chart.addSeries("write-back, removal", new double[] {0}, new double[] {0});
        writeback.setLineColor(new Color(0xbbbbbb));
        writeback.setLineStyle(new BasicStroke(8f));
        writeback.setMarker(SeriesMarkers.NONE);
        return save(chart, docsDir.resolve(DONOR_PNG));
    }

    private static String legend(DonorImpact.Kind kind, int limitMiB) {
        return switch (kind) {
            case BASELINE -> "baseline mean";
            case CLONE_DEFAULT -> "clone, defaults: mean";
            case CLONE_LIMITED -> "clone at " + limitMiB + " MiB/s: mean";
            case WRITEBACK -> "write-back";
            case CLONE_HELD -> "clone held at " + DonorImpact.HELD_MIB + " MiB/s: mean";
        };
    }

    private static Color windowColor(DonorImpact.Kind kind) {
        return switch (kind) {
            case BASELINE -> new Color(0x555555);
            case CLONE_DEFAULT -> new Color(0xff7f0e);
            case CLONE_LIMITED -> new Color(0xd62728);
            case WRITEBACK -> new Color(0x999999);
            case CLONE_HELD -> new Color(0x9467bd);
        };
    }

    /** mysqld's VmRSS over the run with clones and the run without, against time since the load started. */
    static Path guest(GuestMemory.Results guest, String title, Path docsDir) {
        XYChart chart = new XYChartBuilder().width(1100).height(520).title(title)
                .xAxisTitle("minutes since the load started").yAxisTitle("mysqld VmRSS, MiB").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        XYSeries with = chart.addSeries("with a clone after another (a point every "
                        + GuestMemory.sampleEvery(guest.clones()) + " clones)", minutes(guest.withClones()),
                guest.withClones().stream().mapToDouble(GuestMemory.Sample::rssMiB).toArray());
        with.setLineColor(MEDIAN);
        with.setMarkerColor(MEDIAN);
        with.setMarker(SeriesMarkers.CIRCLE);
        XYSeries without = chart.addSeries("the same load without clones", minutes(guest.withoutClones()),
                guest.withoutClones().stream().mapToDouble(GuestMemory.Sample::rssMiB).toArray());
        without.setLineColor(WORKLOAD);
        without.setMarkerColor(WORKLOAD);
        without.setMarker(SeriesMarkers.DIAMOND);
        return save(chart, docsDir.resolve(GUEST_PNG));
    }

    private static double[] minutes(List<GuestMemory.Sample> samples) {
        return samples.stream().mapToDouble(s -> s.atSeconds() / 60).toArray();
    }

    /** "16, auto (default)", "2, fixed". */
    static String shortLabel(CopyConfig config) {
        if (config.equals(CopyConfig.CLONE_DEFAULT)) {
            return "16, auto (default)";
        }
        return config.concurrency() + (config.autotune() ? ", auto" : ", fixed");
    }

    private static <T extends Chart<?, ?>> Path save(T chart, Path file) {
        try {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }
}
