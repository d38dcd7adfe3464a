package org.quant4j.report.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.QuantException;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.report.compare.ComparisonReport;
import org.quant4j.report.compare.MethodResult;
import org.quant4j.report.compare.ParetoFront;
import org.quant4j.report.compare.ReportNumbers;
import org.quant4j.report.compare.TimingSummary;
import org.quant4j.report.stats.ClassStatistics;

/**
 * Draws the charts of a comparison report with XChart, off-screen, as PNG: accuracy versus
 * speedup, model sizes, latency, throughput, per-class accuracy change and the calibrators side by
 * side. On data without labels the accuracy charts become fidelity charts (the SQNR of each
 * method's primary output versus the reference) and the per-class chart is left out. A chart whose
 * data was not measured is left out with a sentence saying why. The same report gives the same
 * bytes: nothing time-dependent is drawn or written into the PNG.
 */
public final class ReportCharts {

    static {
        // Charts are drawn into images; never try to reach a display.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    static final int WIDTH = 1000;
    /** Pixels per layout unit, so text stays sharp on high-density screens at the page's layout width. */
    private static final double SCALE = 1.5;
    private static final Color REFERENCE_COLOR = new Color(0x33, 0x33, 0x33);
    static final Color BAR_COLOR = new Color(0x4E, 0x79, 0xA7);
    private static final Color SPREAD_COLOR = new Color(0x22, 0x22, 0x22);
    static final Color[] PALETTE = {
        new Color(0x4E, 0x79, 0xA7), new Color(0xF2, 0x8E, 0x2B), new Color(0xE1, 0x57, 0x59),
        new Color(0x76, 0xB7, 0xB2), new Color(0x59, 0xA1, 0x4F), new Color(0xED, 0xC9, 0x48),
        new Color(0xB0, 0x7A, 0xA1), new Color(0xFF, 0x9D, 0xA7), new Color(0x9C, 0x75, 0x5F),
        new Color(0xBA, 0xB0, 0xAC)};
    static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {6f, 4f}, 0f);
    private static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.DIAMOND, SeriesMarkers.SQUARE,
        SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN};

    private ReportCharts() {
    }

    /** Every chart the report's data allows, in report order. */
    public static ChartSet render(ComparisonReport report) {
        List<RenderedChart> charts = new ArrayList<>();
        List<String> omitted = new ArrayList<>();
        String ref = "'" + report.reference().name() + "'";
        if (report.labelled()) {
            add(charts, omitted, accuracyVsSpeedup(report), "Accuracy versus speedup: no throughput at batch 32 was"
                    + " measured for " + ref + " and another method.");
        } else {
            add(charts, omitted, sqnrVsSpeedup(report), "SQNR versus speedup: no throughput at batch 32 was"
                    + " measured for " + ref + " and another method.");
        }
        add(charts, omitted, pareto(report), "Pareto front: fewer than two methods have both a throughput at batch 32"
                + " and a plottable " + (report.labelled() ? "top-1 accuracy." : "fidelity to " + ref + "."));
        add(charts, omitted, modelSizes(report), "Model sizes: no model file size was recorded.");
        add(charts, omitted, timing(report, "latency-batch1", "Latency at batch 1",
                        "Milliseconds per sample, batch 1", MethodResult::latencyBatch1Millis,
                        "Bars: median latency of one sample; ticks: 10th and 90th percentiles over the timed runs. Lower is better."),
                "Latency: no latency at batch 1 was measured.");
        add(charts, omitted, timing(report, "throughput-batch32", "Throughput at batch 32",
                        "Samples per second, batch 32", MethodResult::throughputBatch32PerSecond,
                        "Bars: median throughput; ticks: 10th and 90th percentiles over the timed runs. Higher is better."),
                "Throughput: no throughput at batch 32 was measured.");
        add(charts, omitted, report.labelled() ? perClassChange(report) : Optional.empty(), report.labelled()
                ? "Per-class accuracy change: there is no method besides " + ref + "."
                : "Per-class accuracy change: the data has no labels.");
        add(charts, omitted, calibrators(report), "Calibrators: no static INT8 method with a calibrator was compared.");
        return new ChartSet(charts, omitted);
    }

    private static void add(List<RenderedChart> charts, List<String> omitted, Optional<RenderedChart> chart,
                            String whyOmitted) {
        chart.ifPresentOrElse(charts::add, () -> omitted.add(whyOmitted));
    }

    private static Optional<RenderedChart> accuracyVsSpeedup(ComparisonReport report) {
        List<MethodResult> rows = report.methods().stream().filter(m -> report.throughputSpeedup(m).isPresent()).toList();
        if (rows.size() < 2) {
            return Optional.empty();
        }
        String reference = "'" + report.reference().name() + "'";
        XYChart chart = new XYChart(WIDTH, 540, Styler.ChartTheme.XChart);
        chart.setTitle("Top-1 accuracy change versus throughput speedup");
        chart.setXAxisTitle("Throughput at batch 32 relative to " + reference + " (x)");
        chart.setYAxisTitle("Top-1 change versus " + reference + " (pp)");
        styleAxes(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(11);
        chart.getStyler().setXAxisDecimalPattern("0.00");
        chart.getStyler().setYAxisDecimalPattern("0.0");
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        for (MethodResult m : rows) {
            int index = report.methods().indexOf(m);
            double x = report.throughputSpeedup(m).getAsDouble();
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            Color color = colorOf(report, m);
            ConfidenceInterval change = report.top1Change(m);
            if (!report.isReference(m)) {
                // Series names must be unique; the zero-width space keeps this one apart from any method name.
                XYSeries interval = chart.addSeries("\u200bci" + index, new double[] {x, x},
                        new double[] {change.lower() * 100, change.upper() * 100});
                interval.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                interval.setMarker(SeriesMarkers.NONE);
                interval.setLineColor(color);
                interval.setLineStyle(new BasicStroke(2f));
                interval.setShowInLegend(false);
            }
            XYSeries point = chart.addSeries(m.name(), new double[] {x}, new double[] {change.estimate() * 100});
            point.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            point.setMarker(report.isReference(m) ? SeriesMarkers.SQUARE : MARKERS[(index - 1) % MARKERS.length]);
            point.setMarkerColor(color);
        }
        double span = Math.max(maxX - minX, 0.2);
        double floor = -report.accuracyTolerance() * 100;
        XYSeries tolerance = chart.addSeries("tolerance " + ReportNumbers.points(-report.accuracyTolerance()),
                new double[] {minX - 0.05 * span, maxX + 0.05 * span}, new double[] {floor, floor});
        tolerance.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        tolerance.setMarker(SeriesMarkers.NONE);
        tolerance.setLineColor(Color.GRAY);
        tolerance.setLineStyle(DASHED);
        return Optional.of(encode("accuracy-vs-speedup", "Accuracy versus speedup",
                "Each point is a method: median throughput at batch 32 relative to " + reference
                        + " against its top-1 accuracy change versus " + reference + ". Vertical bars: "
                        + ReportNumbers.level(report.statistics().confidenceLevel())
                        + " paired bootstrap interval of the change. Dashed line: the "
                        + ReportNumbers.percentNumber(report.accuracyTolerance())
                        + " pp tolerance; a method whose whole bar lies above it is within tolerance. "
                        + "Up and to the right is better.", chart));
    }

    /**
     * Every method with a throughput measurement as a point of its accuracy (top-1, or on data without
     * labels the fidelity the report qualifies methods by) against its speedup, the Pareto front
     * ({@link ParetoFront}) joined by a line and its points ringed.
     */
    public static Optional<RenderedChart> pareto(ComparisonReport report) {
        boolean labelled = report.labelled();
        boolean agreement = !labelled && report.candidates().stream().flatMap(m -> m.fidelity().stream())
                .anyMatch(f -> f.argmaxAgreement().isPresent());
        // The reference agrees with itself on every sample; its SQNR against itself is infinite and not drawn.
        java.util.function.ToDoubleFunction<MethodResult> value = m -> labelled || !report.isReference(m)
                ? report.faithfulness(m) * (labelled || agreement ? 100 : 1)
                : agreement ? 100 : Double.POSITIVE_INFINITY;
        List<MethodResult> rows = report.methods().stream()
                .filter(m -> report.throughputSpeedup(m).isPresent() && Double.isFinite(value.applyAsDouble(m)))
                .toList();
        if (rows.size() < 2) {
            return Optional.empty();
        }
        String reference = "'" + report.reference().name() + "'";
        String measure = labelled ? "Top-1 accuracy (%)"
                : agreement ? "Argmax agreement with " + reference + " (%)" : "SQNR versus " + reference + " (dB)";
        XYChart chart = new XYChart(WIDTH, 540, Styler.ChartTheme.XChart);
        chart.setTitle("Pareto front: " + (labelled ? "top-1 accuracy" : agreement ? "argmax agreement" : "SQNR")
                + " versus throughput speedup");
        chart.setXAxisTitle("Throughput at batch 32 relative to " + reference + " (x)");
        chart.setYAxisTitle(measure);
        styleAxes(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(11);
        chart.getStyler().setXAxisDecimalPattern("0.00");
        chart.getStyler().setYAxisDecimalPattern("0.0");
        List<MethodResult> front = ParetoFront.of(rows, m -> report.throughputSpeedup(m).getAsDouble(), value);
        XYSeries line = chart.addSeries("Pareto front",
                front.stream().mapToDouble(m -> report.throughputSpeedup(m).getAsDouble()).toArray(),
                front.stream().mapToDouble(value).toArray());
        line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        line.setMarker(SeriesMarkers.CIRCLE);
        line.setMarkerColor(Color.WHITE);
        line.setLineColor(Color.GRAY);
        line.setLineStyle(DASHED);
        for (MethodResult m : rows) {
            int index = report.methods().indexOf(m);
            XYSeries point = chart.addSeries(m.name() + (front.contains(m) ? " *" : ""),
                    new double[] {report.throughputSpeedup(m).getAsDouble()},
                    new double[] {value.applyAsDouble(m)});
            point.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            point.setMarker(report.isReference(m) ? SeriesMarkers.SQUARE : MARKERS[(index - 1) % MARKERS.length]);
            point.setMarkerColor(colorOf(report, m));
        }
        boolean referenceLeftOut = !rows.contains(report.reference());
        return Optional.of(encode("pareto", "Pareto front of accuracy and speedup",
                "Each point is a method of the comparison: median throughput at batch 32 relative to " + reference
                        + " against its " + measure.toLowerCase(Locale.ROOT).replace(" (%)", " in %")
                        .replace(" (db)", " in dB") + ". The dashed line joins the Pareto front, the methods no"
                        + " other method beats in both (marked * in the legend): " + String.join(", ",
                        front.stream().map(m -> "'" + m.name() + "'").toList()) + "."
                        + (referenceLeftOut && report.throughputSpeedup(report.reference()).isPresent()
                        ? " " + reference + " itself (infinite SQNR) is not drawn." : "")
                        + " Up and to the right is better.", chart));
    }

    /** On data without labels: each method's SQNR against the reference versus its throughput speedup. */
    private static Optional<RenderedChart> sqnrVsSpeedup(ComparisonReport report) {
        List<MethodResult> rows = report.candidates().stream()
                .filter(m -> report.throughputSpeedup(m).isPresent() && m.fidelity().isPresent()
                        && Double.isFinite(m.fidelity().get().primary().sqnrDb().estimate()))
                .toList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        String reference = "'" + report.reference().name() + "'";
        String output = rows.get(0).fidelity().get().primary().name();
        XYChart chart = new XYChart(WIDTH, 540, Styler.ChartTheme.XChart);
        chart.setTitle("SQNR versus throughput speedup (output '" + output + "')");
        chart.setXAxisTitle("Throughput at batch 32 relative to " + reference + " (x)");
        chart.setYAxisTitle("SQNR versus " + reference + " (dB)");
        styleAxes(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(11);
        chart.getStyler().setXAxisDecimalPattern("0.00");
        chart.getStyler().setYAxisDecimalPattern("0.0");
        for (MethodResult m : rows) {
            int index = report.methods().indexOf(m);
            double x = report.throughputSpeedup(m).getAsDouble();
            ConfidenceInterval sqnr = m.fidelity().get().primary().sqnrDb();
            Color color = colorOf(report, m);
            if (Double.isFinite(sqnr.lower()) && Double.isFinite(sqnr.upper())) {
                XYSeries interval = chart.addSeries("\u200bci" + index, new double[] {x, x},
                        new double[] {sqnr.lower(), sqnr.upper()});
                interval.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                interval.setMarker(SeriesMarkers.NONE);
                interval.setLineColor(color);
                interval.setLineStyle(new BasicStroke(2f));
                interval.setShowInLegend(false);
            }
            XYSeries point = chart.addSeries(m.name(), new double[] {x}, new double[] {sqnr.estimate()});
            point.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            point.setMarker(MARKERS[(index - 1) % MARKERS.length]);
            point.setMarkerColor(color);
        }
        return Optional.of(encode("sqnr-vs-speedup", "SQNR versus speedup",
                "Each point is a method: median throughput at batch 32 relative to " + reference
                        + " against the SQNR of its output '" + output + "' versus " + reference
                        + " on the same samples (the data has no labels). Vertical bars: "
                        + ReportNumbers.level(report.statistics().confidenceLevel())
                        + " bootstrap interval. Up and to the right is better.", chart));
    }

    private static Optional<RenderedChart> modelSizes(ComparisonReport report) {
        List<MethodResult> rows = report.methods().stream().filter(m -> m.modelFileBytes().isPresent()).toList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        long largest = rows.stream().mapToLong(m -> m.modelFileBytes().getAsLong()).max().orElseThrow();
        boolean mib = largest >= 1024 * 1024;
        double unit = mib ? 1024.0 * 1024.0 : 1024.0;
        CategoryChart chart = barChart("Model file size", "Model file size (" + (mib ? "MiB" : "KiB") + ")", rows.size());
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setYAxisDecimalPattern(mib ? "0.00" : "0.0");
        chart.getStyler().setYAxisMin(0.0);
        CategorySeries bars = chart.addSeries("size", names(rows),
                rows.stream().map(m -> (Number) (m.modelFileBytes().getAsLong() / unit)).toList());
        bars.setFillColor(BAR_COLOR);
        return Optional.of(encode("model-size", "Model file size",
                "Size of each model file on disk. Lower is better.", chart));
    }

    private static Optional<RenderedChart> timing(ComparisonReport report, String id, String title, String yTitle,
                                                  Function<MethodResult, Optional<TimingSummary>> measure,
                                                  String caption) {
        List<MethodResult> rows = report.methods().stream().filter(m -> measure.apply(m).isPresent()).toList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        CategoryChart chart = barChart(title, yTitle, rows.size());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        // Percentile ticks sit on their bar rather than beside it.
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setMarkerSize(22);
        List<String> names = names(rows);
        CategorySeries median = chart.addSeries("median", names,
                rows.stream().map(m -> (Number) measure.apply(m).get().median()).toList());
        median.setFillColor(BAR_COLOR);
        addSpreadTicks(chart, "p10 and p90", true, names,
                rows.stream().map(m -> (Number) measure.apply(m).get().p10()).toList());
        addSpreadTicks(chart, "\u200bp90", false, names,
                rows.stream().map(m -> (Number) measure.apply(m).get().p90()).toList());
        return Optional.of(encode(id, title, caption, chart));
    }

    static void addSpreadTicks(CategoryChart chart, String name, boolean inLegend, List<String> x,
                                       List<Number> y) {
        CategorySeries ticks = chart.addSeries(name, x, y);
        ticks.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
        ticks.setMarker(new HorizontalTick());
        ticks.setMarkerColor(SPREAD_COLOR);
        ticks.setShowInLegend(inLegend);
    }

    private static Optional<RenderedChart> perClassChange(ComparisonReport report) {
        List<MethodResult> rows = report.candidates();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<String> classes = report.classNames();
        List<ClassStatistics> reference = report.reference().accuracy().classification().perClass();
        List<Number[]> cells = new ArrayList<>();
        double largest = 0;
        for (int i = 0; i < rows.size(); i++) {
            // XChart draws y index 0 at the bottom; list the methods top-down in report order.
            int y = rows.size() - 1 - i;
            List<ClassStatistics> perClass = rows.get(i).accuracy().classification().perClass();
            for (int x = 0; x < classes.size(); x++) {
                double change = (perClass.get(x).accuracy() - reference.get(x).accuracy()) * 100;
                if (Double.isNaN(change)) {
                    continue;
                }
                double shown = Math.round(change * 10) / 10.0;
                largest = Math.max(largest, Math.abs(shown));
                cells.add(new Number[] {x, y, shown == 0 ? 0.0 : shown});
            }
        }
        int height = Math.max(380, 170 + 34 * rows.size());
        HeatMapChart chart = new HeatMapChart(WIDTH, height, Styler.ChartTheme.XChart);
        chart.setTitle("Per-class top-1 accuracy change versus '" + report.reference().name() + "' (pp)");
        chart.setXAxisTitle("Class");
        styleAxes(chart.getStyler());
        var styler = chart.getStyler();
        styler.setXAxisLabelRotation(classes.size() > 8 ? 30 : 0);
        styler.setShowValue(true);
        styler.setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        styler.setHeatMapValueDecimalPattern("0.0");
        styler.setPlotGridLinesVisible(false);
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        double range = largest == 0 ? 1 : largest;
        styler.setMin(-range);
        styler.setMax(range);
        styler.setRangeColors(new Color[] {new Color(0xC0, 0x39, 0x2B), Color.WHITE, new Color(0x21, 0x66, 0xAC)});
        List<Object> methodsBottomUp = new ArrayList<>(names(rows));
        Collections.reverse(methodsBottomUp);
        chart.addSeries("change (pp)", new ArrayList<Object>(classes), methodsBottomUp,
                cells);
        return Optional.of(encode("per-class-change", "Per-class accuracy change",
                "Top-1 accuracy of each class minus that of '" + report.reference().name()
                        + "', in percentage points. Red: the method is worse on that class; blue: better.", chart));
    }

    private static Optional<RenderedChart> calibrators(ComparisonReport report) {
        List<MethodResult> rows = report.candidates().stream()
                .filter(m -> m.mode().orElse(null) == QuantizationMode.STATIC && m.calibration().isPresent()).toList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        // The built-ins in their usual order, then any other calibrator in the order of the rows.
        Set<CalibrationMethod> used = new LinkedHashSet<>();
        rows.forEach(m -> used.add(m.calibration().get()));
        List<CalibrationMethod> methods = new ArrayList<>(CalibrationMethod.builtIns());
        methods.retainAll(used);
        used.stream().filter(c -> !c.isBuiltIn()).forEach(methods::add);
        List<String> categories = methods.stream().map(CalibrationMethod::id).toList();
        boolean labelled = report.labelled();
        CategoryChart chart = barChart("Calibrators side by side: " + (labelled ? "top-1 change" : "SQNR")
                + " versus '" + report.reference().name() + "'", labelled ? "Top-1 change (pp)" : "SQNR (dB)",
                categories.size());
        chart.getStyler().setXAxisLabelRotation(0);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setYAxisDecimalPattern("0.00");
        chart.setXAxisTitle("Calibrator");
        int seriesIndex = 0;
        for (boolean perChannel : new boolean[] {false, true}) {
            List<Number> values = new ArrayList<>();
            boolean any = false;
            for (CalibrationMethod c : methods) {
                Optional<MethodResult> row = rows.stream()
                        .filter(m -> m.calibration().get().equals(c) && m.perChannel() == perChannel)
                        .min((a, b) -> a.name().compareTo(b.name()));
                values.add(row.map(m -> (Number) (labelled ? report.top1Change(m).estimate() * 100
                        : finiteOrNull(m.fidelity().orElseThrow().primary().sqnrDb().estimate()))).orElse(null));
                any |= row.isPresent();
            }
            if (any) {
                CategorySeries series = chart.addSeries(perChannel ? "per-channel" : "per-tensor", categories, values);
                series.setFillColor(PALETTE[seriesIndex]);
            }
            seriesIndex++;
        }
        if (!labelled) {
            return Optional.of(encode("calibrators", "Calibrators side by side",
                    "SQNR of each static INT8 calibrator's output '"
                            + rows.get(0).fidelity().orElseThrow().primary().name() + "' versus '"
                            + report.reference().name() + "' on the same samples, per-tensor and per-channel, in dB"
                            + " (the data has no labels). Higher is better.", chart));
        }
        AnnotationLine tolerance = new AnnotationLine(-report.accuracyTolerance() * 100, false, false);
        chart.addAnnotation(tolerance);
        chart.getStyler().setAnnotationLineColor(Color.GRAY);
        chart.getStyler().setAnnotationLineStroke(DASHED);
        return Optional.of(encode("calibrators", "Calibrators side by side",
                "Top-1 accuracy of each static INT8 calibrator minus that of '" + report.reference().name()
                        + "', per-tensor and per-channel, in percentage points. Dashed line: the "
                        + ReportNumbers.percentNumber(report.accuracyTolerance()) + " pp tolerance.", chart));
    }

    private static Number finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }

    static CategoryChart barChart(String title, String yTitle, int categories) {
        CategoryChart chart = new CategoryChart(WIDTH, categories > 4 ? 560 : 460, Styler.ChartTheme.XChart);
        chart.setTitle(title);
        chart.setYAxisTitle(yTitle);
        styleAxes(chart.getStyler());
        chart.getStyler().setXAxisLabelRotation(categories > 4 ? 35 : 0);
        chart.getStyler().setAvailableSpaceFill(0.6);
        chart.getStyler().setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        return chart;
    }

    static void styleAxes(AxesChartStyler styler) {
        styleBase(styler);
        styler.setPlotGridLinesColor(new Color(0xDD, 0xDD, 0xDD));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        styler.setLocale(Locale.ROOT);
    }

    private static void styleBase(Styler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderColor(new Color(0xBB, 0xBB, 0xBB));
        styler.setLegendBorderColor(new Color(0xDD, 0xDD, 0xDD));
        styler.setChartTitleBoxVisible(false);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        styler.setAntiAlias(true);
        styler.setToolTipsEnabled(false);
    }

    private static Color colorOf(ComparisonReport report, MethodResult m) {
        return report.isReference(m) ? REFERENCE_COLOR : PALETTE[(report.methods().indexOf(m) - 1) % PALETTE.length];
    }

    private static List<String> names(List<MethodResult> rows) {
        return rows.stream().map(MethodResult::name).toList();
    }

    static RenderedChart encode(String id, String title, String caption, Chart<?, ?> chart) {
        int width = (int) Math.round(chart.getWidth() * SCALE);
        int height = (int) Math.round(chart.getHeight() * SCALE);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.scale(SCALE, SCALE);
            chart.paint(g, chart.getWidth(), chart.getHeight());
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            // ImageIO's PNG writer adds no time chunk, so identical pixels give identical bytes.
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new QuantException("Cannot encode chart '" + id + "' as PNG: " + e, e);
        }
        return new RenderedChart(id, title, caption, png.toByteArray());
    }

    /** A short horizontal line, marking a percentile on a bar. */
    private static final class HorizontalTick extends Marker {
        @Override
        public void paint(Graphics2D g, double x, double y, int size) {
            g.setStroke(new BasicStroke(2.5f));
            g.draw(new Line2D.Double(x - size / 2.0, y, x + size / 2.0, y));
        }
    }
}
