package org.quant4j.report.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.report.compare.ReportNumbers;
import org.quant4j.sensitivity.LayerSensitivity;
import org.quant4j.sensitivity.SensitivityRequest;
import org.quant4j.sensitivity.SensitivityResult;

/**
 * Draws the charts of a per-layer sensitivity analysis as {@link ReportCharts} draws a comparison's
 * (XChart, off-screen, PNG, same result gives the same bytes): the one-on drop of the most sensitive
 * layers with their intervals, what keeping each of them in float recovers (one-off), and the SQNR
 * of every layer's output along the depth of the network, accumulated and local. A chart whose
 * measurement was not made is left out with a sentence saying why.
 */
public final class SensitivityCharts {

    /** Identifier of the one-on bar chart. */
    public static final String ONE_ON = "sensitivity-one-on";
    /** Identifier of the one-off recovery bar chart. */
    public static final String ONE_OFF = "sensitivity-one-off";
    /** Identifier of the SQNR-along-the-depth chart. */
    public static final String SQNR_DEPTH = "sensitivity-sqnr-depth";
    /** Every chart's identifier, in report order. */
    public static final List<String> IDS = List.of(ONE_ON, ONE_OFF, SQNR_DEPTH);

    /** Layer labels longer than this are shortened, so the axis keeps its room for the bars. */
    private static final int MAX_LABEL = 28;

    private SensitivityCharts() {
    }

    /** The charts of {@code result}, the bar charts over its {@code topK} most sensitive layers. */
    public static ChartSet render(SensitivityResult result, int topK) {
        if (topK <= 0) {
            throw new InvalidInputException("The sensitivity charts need top-k > 0, got " + topK);
        }
        List<LayerSensitivity> top = result.layers().isEmpty() ? List.of() : result.top(topK);
        List<RenderedChart> charts = new ArrayList<>();
        List<String> omitted = new ArrayList<>();
        add(charts, omitted, oneOn(result, top), "One-on drop per layer: one-on variants were not run.");
        add(charts, omitted, recovery(result, top), "One-off recovery per layer: one-off variants were not run.");
        add(charts, omitted, sqnrAlongDepth(result), "SQNR along the depth: the per-tensor SQNR was not measured.");
        return new ChartSet(charts, omitted);
    }

    /** What one unit of the charts' drop axis is: points of a rate, or percent of the signal's energy. */
    public static String dropUnit(SensitivityRequest.Metric metric) {
        return metric == SensitivityRequest.Metric.NOISE ? "% of the signal energy" : "pp";
    }

    /** Name of the metric whose drop was measured, e.g. "top-1 accuracy". */
    public static String metricName(SensitivityRequest.Metric metric) {
        return switch (metric) {
            case TOP1 -> "top-1 accuracy";
            case NOISE -> "noise-to-signal ratio of the first output";
            default -> "argmax agreement with the FP32 model";
        };
    }

    private static void add(List<RenderedChart> charts, List<String> omitted, Optional<RenderedChart> chart,
                            String whyOmitted) {
        chart.ifPresentOrElse(charts::add, () -> omitted.add(whyOmitted));
    }

    private static Optional<RenderedChart> oneOn(SensitivityResult result, List<LayerSensitivity> top) {
        List<LayerSensitivity> rows = top.stream().filter(l -> l.oneOn().isPresent()).toList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        String unit = dropUnit(result.metric());
        CategoryChart chart = ReportCharts.barChart("One-on: drop with only the layer in INT8",
                "Drop of " + shortMetric(result.metric()) + " (" + unit + ")", rows.size());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        // Interval ticks sit on their bar rather than beside it.
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setMarkerSize(14);
        chart.getStyler().setYAxisDecimalPattern("0.00");
        List<String> labels = labels(rows);
        Function<Function<ConfidenceInterval, Double>, List<Number>> values = part -> rows.stream()
                .map(l -> (Number) (part.apply(l.oneOn().orElseThrow().drop()) * 100)).toList();
        CategorySeries bars = chart.addSeries("one-on drop", labels, values.apply(ConfidenceInterval::estimate));
        bars.setFillColor(ReportCharts.BAR_COLOR);
        String level = ReportNumbers.level(rows.get(0).oneOn().orElseThrow().drop().level());
        // The whisker: an invisible point at the interval's middle whose error bar spans the interval.
        CategorySeries whisker = chart.addSeries("\u200binterval", labels, values.apply(ci -> (ci.lower() + ci.upper()) / 2),
                values.apply(ci -> (ci.upper() - ci.lower()) / 2));
        whisker.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
        whisker.setMarker(SeriesMarkers.NONE);
        whisker.setShowInLegend(false);
        chart.getStyler().setErrorBarsColor(Color.DARK_GRAY);
        ReportCharts.addSpreadTicks(chart, level + " interval", true, labels, values.apply(ConfidenceInterval::lower));
        ReportCharts.addSpreadTicks(chart, "\u200bupper", false, labels, values.apply(ConfidenceInterval::upper));
        toleranceLine(chart, result);
        return Optional.of(ReportCharts.encode(ONE_ON, "One-on drop per layer",
                "The " + rows.size() + " most sensitive layers, most sensitive first: the drop of the "
                        + metricName(result.metric()) + " against the FP32 model when only that layer is in INT8, in "
                        + unit + ". Ticks: " + level + " paired bootstrap interval, on the samples the layer was"
                        + " evaluated on before its interval cleared the tolerance. Dashed line: the tolerance of "
                        + ReportNumbers.percentNumber(result.tolerance()) + " " + unit + ".", chart));
    }

    private static Optional<RenderedChart> recovery(SensitivityResult result, List<LayerSensitivity> top) {
        List<LayerSensitivity> rows = top.stream().filter(l -> l.recovery().isPresent()).toList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        String unit = dropUnit(result.metric());
        CategoryChart chart = ReportCharts.barChart("One-off: recovery with only the layer in FP32",
                "Recovered " + shortMetric(result.metric()) + " (" + unit + ")", rows.size());
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setYAxisDecimalPattern("0.00");
        CategorySeries bars = chart.addSeries("one-off recovery", labels(rows),
                rows.stream().map(l -> (Number) (l.recovery().getAsDouble() * 100)).toList());
        bars.setFillColor(ReportCharts.PALETTE[1]);
        return Optional.of(ReportCharts.encode(ONE_OFF, "One-off recovery per layer",
                "The same layers: the full INT8 model's drop ("
                        + ReportNumbers.signedPoints(result.fullInt8().drop().estimate()) + " " + unit
                        + ") minus the drop with every layer in INT8 but this one, in " + unit
                        + ". A tall bar is a layer whose exclusion recovers much of the loss.", chart));
    }

    private static Optional<RenderedChart> sqnrAlongDepth(SensitivityResult result) {
        List<LayerSensitivity> byDepth = result.layers().stream()
                .sorted(Comparator.comparingInt(LayerSensitivity::depth)).toList();
        XYChart chart = new XYChart(ReportCharts.WIDTH, 480, Styler.ChartTheme.XChart);
        chart.setTitle("SQNR of each layer's output along the depth of the network");
        chart.setXAxisTitle("Layer position in graph order");
        chart.setYAxisTitle("SQNR (dB)");
        ReportCharts.styleAxes(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(7);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setYAxisDecimalPattern("0.0");
        boolean any = addDepthSeries(chart, byDepth, "accumulated", LayerSensitivity::sqnrAccumulated, 0);
        any |= addDepthSeries(chart, byDepth, "local", LayerSensitivity::sqnrLocal, 2);
        if (!any) {
            return Optional.empty();
        }
        return Optional.of(ReportCharts.encode(SQNR_DEPTH, "SQNR along the depth",
                "Each point is a layer, in graph order: the SQNR of its quantized output against the FP32 model's."
                        + " Accumulated: in the INT8 model, the errors of every layer before it included; local: the"
                        + " layer alone in INT8 on the FP32 model's inputs. A drop of the local line marks a layer"
                        + " that is hard to quantize by itself; a falling accumulated line, error building up."
                        + " Layers with an exact output (infinite SQNR) are not drawn. Higher is better.", chart));
    }

    private static boolean addDepthSeries(XYChart chart, List<LayerSensitivity> byDepth, String name,
                                          Function<LayerSensitivity, OptionalDouble> value, int color) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (LayerSensitivity l : byDepth) {
            OptionalDouble v = value.apply(l);
            if (v.isPresent() && Double.isFinite(v.getAsDouble())) {
                x.add((double) l.depth());
                y.add(v.getAsDouble());
            }
        }
        if (x.isEmpty()) {
            return false;
        }
        XYSeries series = chart.addSeries(name, x, y);
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        series.setMarker(color == 0 ? SeriesMarkers.CIRCLE : SeriesMarkers.DIAMOND);
        Color c = ReportCharts.PALETTE[color];
        series.setLineColor(c);
        series.setMarkerColor(c);
        series.setLineStyle(new BasicStroke(1.8f));
        return true;
    }

    private static void toleranceLine(CategoryChart chart, SensitivityResult result) {
        chart.addAnnotation(new AnnotationLine(result.tolerance() * 100, false, false));
        chart.getStyler().setAnnotationLineColor(Color.GRAY);
        chart.getStyler().setAnnotationLineStroke(ReportCharts.DASHED);
    }

    private static String shortMetric(SensitivityRequest.Metric metric) {
        return switch (metric) {
            case TOP1 -> "top-1";
            case NOISE -> "noise ratio";
            default -> "agreement";
        };
    }

    /** "node #depth" per layer, long names shortened in the middle. */
    private static List<String> labels(List<LayerSensitivity> rows) {
        List<String> labels = new ArrayList<>();
        for (LayerSensitivity l : rows) {
            String name = l.node();
            if (name.length() > MAX_LABEL) {
                int half = (MAX_LABEL - 1) / 2;
                name = name.substring(0, half) + "…" + name.substring(name.length() - half);
            }
            // The depth keeps two layers whose shortened names coincide apart.
            labels.add(name + " #" + l.depth());
        }
        return labels;
    }
}
