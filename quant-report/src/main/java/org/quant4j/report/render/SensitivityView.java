package org.quant4j.report.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.UnaryOperator;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.report.chart.ChartSet;
import org.quant4j.report.chart.RenderedChart;
import org.quant4j.report.chart.SensitivityCharts;
import org.quant4j.report.compare.ReportNumbers;
import org.quant4j.sensitivity.LayerSensitivity;
import org.quant4j.sensitivity.SensitivityRequest;
import org.quant4j.sensitivity.SensitivityResult;
import org.quant4j.sensitivity.VariantScore;

/**
 * The data of the sensitivity section ({@code sensitivity.md.mustache}, {@code sensitivity.html.mustache}):
 * the ranked table of the top-k layers, the rank correlations between the measures, the times, and
 * the charts (as data URIs for HTML, as the names of the PNG files beside the page for Markdown).
 */
final class SensitivityView {

    /** Layers in the report's table and bar charts. */
    static final int TOP_K = 15;

    private static final String DASH = "–";

    private SensitivityView() {
    }

    /**
     * The section's context.
     *
     * @param escape the output format's text escaper
     * @param charts the charts, or {@code null} for none
     * @param html   whether the charts are embedded (HTML) or linked as PNG files (Markdown)
     */
    static Map<String, Object> context(SensitivityResult r, UnaryOperator<String> escape, ChartSet charts,
                                       boolean html) {
        Map<String, Object> c = new LinkedHashMap<>();
        SensitivityRequest.Metric metric = r.metric();
        String unit = SensitivityCharts.dropUnit(metric);
        ConfidenceInterval full = r.fullInt8().drop();
        c.put("model", escape.apply(r.model()));
        c.put("metric", SensitivityCharts.metricName(metric));
        c.put("unit", unit);
        c.put("baseline", metric == SensitivityRequest.Metric.TOP1 ? ReportNumbers.percent(r.baseline())
                : "the reference itself");
        c.put("fullInt8", ReportNumbers.signedPoints(full.estimate()));
        c.put("fullInt8Ci", interval(full));
        c.put("tolerance", ReportNumbers.percentNumber(r.tolerance()));
        c.put("level", ReportNumbers.level(full.level()));
        c.put("seed", r.seed());
        c.put("layerCount", r.layers().size());
        long varied = r.layers().stream().filter(l -> l.oneOn().isPresent() || l.oneOff().isPresent()).count();
        c.put("variedCount", varied);
        c.put("partlyVaried", varied > 0 && varied < r.layers().size());
        List<LayerSensitivity> shown = r.layers().isEmpty() ? List.of() : r.top(TOP_K);
        c.put("shownCount", shown.size());
        c.put("hasMore", shown.size() < r.layers().size());
        List<Map<String, Object>> rows = new ArrayList<>();
        int rank = 1;
        for (LayerSensitivity l : shown) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("rank", rank++);
            row.put("layer", escape.apply(l.node()));
            row.put("op", escape.apply(l.opType()));
            row.put("depth", l.depth());
            row.put("oneOn", l.oneOn().map(s -> ReportNumbers.signedPoints(s.drop().estimate())).orElse(DASH));
            row.put("oneOnCi", l.oneOn().map(s -> interval(s.drop())).orElse(DASH));
            row.put("samples", l.oneOn().map(s -> String.format(Locale.ROOT, "%,d", s.samples())).orElse(DASH));
            row.put("beyond", l.oneOn().filter(s -> s.verdict() == VariantScore.Verdict.BEYOND).isPresent());
            row.put("recovery", signedOrDash(l.recovery()));
            row.put("sqnrAccumulated", decibelsOrDash(l.sqnrAccumulated()));
            row.put("sqnrLocal", decibelsOrDash(l.sqnrLocal()));
            row.put("weightSqnrMin", decibelsOrDash(l.weightSqnrMin()));
            rows.add(row);
        }
        c.put("rows", rows);
        List<Map<String, Object>> correlations = new ArrayList<>();
        r.correlations().forEach((pair, rho) -> correlations.add(Map.of("pair", escape.apply(describePair(pair)),
                "key", escape.apply(pair), "rho", String.format(Locale.ROOT, "%+.2f", rho))));
        c.put("correlations", correlations);
        c.put("hasCorrelations", !correlations.isEmpty());
        c.put("calibrationTime", ReportNumbers.seconds(r.calibrationTime().toMillis() / 1e3));
        c.put("calibratedTensors", r.calibratedTensors());
        c.put("variantTime", ReportNumbers.seconds(r.variantTime().toMillis() / 1e3));
        c.put("tensorErrorTime", ReportNumbers.seconds(r.tensorErrorTime().toMillis() / 1e3));
        List<Map<String, Object>> chartItems = new ArrayList<>();
        List<String> omitted = new ArrayList<>();
        if (charts != null) {
            for (RenderedChart chart : charts.charts()) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("id", chart.id());
                item.put("title", chart.title());
                item.put("caption", escape.apply(chart.caption()));
                item.put(html ? "dataUri" : "file", html ? chart.dataUri() : chartFile(chart));
                chartItems.add(item);
            }
            omitted.addAll(charts.omitted());
        }
        c.put("charts", chartItems);
        c.put("omittedCharts", omitted);
        return c;
    }

    /** The file name a chart is written under beside a Markdown page, e.g. {@code sensitivity-one-on.png}. */
    static String chartFile(RenderedChart chart) {
        return chart.id() + ".png";
    }

    /**
     * A correlation's name in words: {@code "oneOn~-sqnrLocal"} becomes "one-on drop vs local SQNR
     * (negated)"; a measure this version does not know keeps its name.
     */
    static String describePair(String pair) {
        String[] sides = pair.split("~", 2);
        if (sides.length != 2) {
            return pair;
        }
        return describeMeasure(sides[0]) + " vs " + describeMeasure(sides[1]);
    }

    private static String describeMeasure(String measure) {
        boolean negated = measure.startsWith("-");
        String name = negated ? measure.substring(1) : measure;
        String words = switch (name) {
            case "oneOn" -> "one-on drop";
            case "oneOffRecovery" -> "one-off recovery";
            case "sqnrAccumulated" -> "accumulated SQNR";
            case "sqnrLocal" -> "local SQNR";
            default -> name;
        };
        return negated ? words + " (negated)" : words;
    }

    private static String interval(ConfidenceInterval ci) {
        return ReportNumbers.signedPoints(ci.lower()) + " to " + ReportNumbers.signedPoints(ci.upper());
    }

    private static String signedOrDash(OptionalDouble v) {
        return v.isPresent() ? ReportNumbers.signedPoints(v.getAsDouble()) : DASH;
    }

    private static String decibelsOrDash(OptionalDouble v) {
        return v.isPresent() ? ReportNumbers.decibelNumber(v.getAsDouble()) : DASH;
    }

    /** The section's context, or {@code false} (the template's section stays empty) without a result. */
    static Object orAbsent(Optional<SensitivityResult> r, UnaryOperator<String> escape, boolean html) {
        return r.<Object>map(s -> context(s, escape, SensitivityCharts.render(s, TOP_K), html)).orElse(false);
    }
}
