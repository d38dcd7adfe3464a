package org.quant4j.report.render;

import static org.quant4j.report.compare.ReportNumbers.bytes;
import static org.quant4j.report.compare.ReportNumbers.fraction4;
import static org.quant4j.report.compare.ReportNumbers.millis;
import static org.quant4j.report.compare.ReportNumbers.pValue;
import static org.quant4j.report.compare.ReportNumbers.percentNumber;
import static org.quant4j.report.compare.ReportNumbers.rate;
import static org.quant4j.report.compare.ReportNumbers.ratio;
import static org.quant4j.report.compare.ReportNumbers.seconds;
import static org.quant4j.report.compare.ReportNumbers.signedPoints;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.KernelTarget;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.evaluate.OutputFidelity;
import org.quant4j.api.quantize.ExecutedLayer;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.report.chart.ChartSet;
import org.quant4j.report.chart.RenderedChart;
import org.quant4j.report.chart.ReportCharts;
import org.quant4j.report.compare.ComparisonReport;
import org.quant4j.report.compare.CpuDescription;
import org.quant4j.report.compare.MethodResult;
import org.quant4j.report.compare.Recommendation;
import org.quant4j.report.compare.ReferenceFidelity;
import org.quant4j.report.compare.ReportNumbers;
import org.quant4j.report.compare.TargetCheck;
import org.quant4j.report.compare.TimingSummary;
import org.quant4j.report.stats.ClassStatistics;
import org.quant4j.report.stats.PairedComparison;

/**
 * The data both templates render: every number already formatted, every text passed through the
 * output format's escaper (the HTML template engine escapes on its own, so its escaper is the
 * identity). Keys are documented by the templates that use them.
 */
final class ReportView {

    private static final String NOT_MEASURED = "n/m";
    private static final String DASH = "–";
    private static final Pattern RAW_HTML_START = Pattern.compile("<(?=[A-Za-z/!?])");

    private final ComparisonReport report;
    private final UnaryOperator<String> escape;

    private ReportView(ComparisonReport report, UnaryOperator<String> escape) {
        this.report = report;
        this.escape = escape;
    }

    /** The context of the Markdown template: table cells escaped for Markdown. */
    static Map<String, Object> markdown(ComparisonReport report) {
        return new ReportView(report, ReportView::markdownText).context(null);
    }

    /** The context of the HTML template, with the charts as data URIs. */
    static Map<String, Object> html(ComparisonReport report, ChartSet charts) {
        return new ReportView(report, UnaryOperator.identity()).context(charts);
    }

    /** Escapes text for a Markdown table cell or list item: pipes and backslashes escaped, no raw HTML, one line. */
    static String markdownText(String text) {
        String escaped = text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
        // Only a '<' that could open a tag or comment is raw HTML in Markdown; "p < 0.05" stays readable.
        return RAW_HTML_START.matcher(escaped).replaceAll("&lt;");
    }

    private Map<String, Object> context(ChartSet charts) {
        Map<String, Object> c = new LinkedHashMap<>();
        MethodResult reference = report.reference();
        c.put("title", escape.apply(report.title()));
        c.put("model", escape.apply(report.model()));
        c.put("dataset", escape.apply(report.dataset()));
        c.put("samples", String.format(Locale.ROOT, "%,d", report.sampleCount()));
        c.put("classCount", report.classNames().size());
        c.put("reference", escape.apply(reference.name()));
        // The CPU stored with the results, never the one rendering them: a report re-rendered elsewhere
        // still names the machine its numbers come from.
        c.put("cpu", escape.apply(report.cpu().map(CpuDescription::summary)
                .orElse("not recorded (the results were written before quant4j recorded the CPU)")));
        c.put("kernelTargets", kernelTargets());
        c.put("level", ReportNumbers.level(report.statistics().confidenceLevel()));
        c.put("resamples", report.statistics().bootstrapResamples());
        c.put("seed", report.statistics().seed());
        c.put("bins", report.statistics().calibrationBins());
        c.put("tolerance", percentNumber(report.accuracyTolerance()));
        c.put("alpha", String.valueOf(report.significanceLevel()));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (MethodResult m : report.methods()) {
            rows.add(row(m));
        }
        c.put("rows", rows);
        c.put("labelled", report.labelled());
        c.put("criterion", escape.apply(report.criterion()));
        c.put("hasTop5", report.labelled()
                && report.methods().stream().anyMatch(m -> m.accuracy().classification().top5().isPresent()));
        c.put("fidelityOutput", escape.apply(report.candidates().stream().flatMap(m -> m.fidelity().stream())
                .findFirst().map(f -> f.primary().name()).orElse(DASH)));

        List<Map<String, Object>> recommendations = new ArrayList<>();
        for (Recommendation r : report.recommendations().all()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("text", escape.apply(r.text()));
            item.put("warning", r.isWarning());
            item.put("deploy", r.kind() == Recommendation.Kind.DEPLOY);
            recommendations.add(item);
        }
        c.put("recommendations", recommendations);
        c.put("hasRecommendations", !recommendations.isEmpty());

        List<Map<String, Object>> targets = new ArrayList<>();
        List<String> missed = new ArrayList<>();
        for (TargetCheck t : report.targetChecks()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("target", escape.apply(t.target()));
            item.put("method", escape.apply(t.method().orElse(DASH)));
            item.put("measured", t.measured().isPresent() ? targetValue(t.kind(), t.measured().getAsDouble()) : NOT_MEASURED);
            item.put("required", (t.kind() == TargetCheck.Kind.TOP1_DROP ? "≤ " : "≥ ") + targetValue(t.kind(), t.required()));
            item.put("status", switch (t.status()) {
                case MET -> "met";
                case MISSED -> "MISSED";
                case NOT_MEASURED -> "not checked";
            });
            item.put("statusClass", t.status().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            item.put("statement", escape.apply(t.statement()));
            targets.add(item);
            if (t.missed()) {
                missed.add(escape.apply(t.statement()));
            }
        }
        c.put("targets", targets);
        c.put("hasTargets", !targets.isEmpty());
        c.put("missedTargets", missed);
        c.put("anyMissed", !missed.isEmpty());

        c.put("perClassMethods", report.methods().stream().map(m -> escape.apply(m.name())).toList());
        c.put("perClassRows", report.labelled() ? perClassRows() : List.of());
        c.put("memory", memoryDescriptions());
        c.put("measurementNotes", report.measurementNotes().stream().map(escape).toList());
        c.put("hasMeasurementNotes", !report.measurementNotes().isEmpty());
        List<Map<String, Object>> provenance = new ArrayList<>();
        report.provenance().entries().forEach((k, v) -> provenance.add(Map.of("key", escape.apply(k), "value", escape.apply(v))));
        c.put("provenance", provenance);
        c.put("hasProvenance", !provenance.isEmpty());
        c.put("sensitivity", SensitivityView.orAbsent(report.sensitivity(), escape, charts != null));
        List<Map<String, Object>> engines = layerPrecisions();
        c.put("layerPrecisions", engines);
        c.put("hasLayerPrecisions", !engines.isEmpty());
        if (charts == null) {
            // The Markdown page links the Pareto chart as the PNG file ReportWriter writes beside it.
            c.put("pareto", ReportCharts.pareto(report).map(chart -> {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("title", escape.apply(chart.title()));
                item.put("file", SensitivityView.chartFile(chart));
                item.put("caption", escape.apply(chart.caption()));
                return List.of(item);
            }).orElse(List.of()));
        } else {
            List<Map<String, Object>> chartItems = new ArrayList<>();
            for (RenderedChart chart : charts.charts()) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("id", chart.id());
                item.put("title", chart.title());
                item.put("caption", chart.caption());
                item.put("dataUri", chart.dataUri());
                chartItems.add(item);
            }
            c.put("charts", chartItems);
            c.put("omittedCharts", charts.omitted());
        }
        return c;
    }

    /**
     * Per method whose model is a compiled engine that reported its layers (TensorRT): how many
     * layers run in each precision, in order of first appearance, and every layer with its type,
     * precision and tactic.
     */
    private List<Map<String, Object>> layerPrecisions() {
        List<Map<String, Object>> engines = new ArrayList<>();
        for (MethodResult m : report.methods()) {
            if (m.executedLayers().isEmpty()) {
                continue;
            }
            Map<String, Integer> counts = new LinkedHashMap<>();
            List<Map<String, Object>> layers = new ArrayList<>();
            for (ExecutedLayer l : m.executedLayers()) {
                counts.merge(l.precision(), 1, Integer::sum);
                Map<String, Object> layer = new LinkedHashMap<>();
                layer.put("name", escape.apply(l.name()));
                layer.put("type", escape.apply(l.type().isEmpty() ? DASH : l.type()));
                layer.put("precision", escape.apply(l.precision()));
                layer.put("tactic", escape.apply(l.tactic().isEmpty() ? DASH : l.tactic()));
                layers.add(layer);
            }
            Map<String, Object> engine = new LinkedHashMap<>();
            engine.put("method", escape.apply(m.name()));
            engine.put("layerCount", m.executedLayers().size());
            List<String> perPrecision = new ArrayList<>();
            counts.forEach((precision, n) -> perPrecision.add(n + " " + precision));
            engine.put("counts", escape.apply(String.join(", ", perPrecision)));
            engine.put("layers", layers);
            engines.add(engine);
        }
        return engines;
    }

    private Map<String, Object> row(MethodResult m) {
        Map<String, Object> r = new LinkedHashMap<>();
        boolean isReference = report.isReference(m);
        r.put("name", escape.apply(m.name()));
        r.put("reference", isReference);
        r.put("precision", m.precisionLabel());
        r.put("granularity", m.granularityLabel().isEmpty() ? DASH : m.granularityLabel());
        r.put("calibration", m.calibration().map(CalibrationMethod::id).orElse(DASH));
        if (m.hasAccuracy()) {
            accuracyCells(r, m);
        } else {
            fidelityCells(r, m);
        }
        costCells(r, m);
        return r;
    }

    /** The fidelity cells of a row on data without labels: dashes for the reference itself. */
    private void fidelityCells(Map<String, Object> r, MethodResult m) {
        Optional<ReferenceFidelity> f = m.fidelity();
        Optional<OutputFidelity> o = f.map(ReferenceFidelity::primary);
        r.put("sqnr", o.map(x -> ReportNumbers.decibelNumber(x.sqnrDb().estimate())).orElse(DASH));
        r.put("sqnrCi", o.map(x -> ReportNumbers.decibelNumber(x.sqnrDb().lower()) + " to "
                + ReportNumbers.decibelNumber(x.sqnrDb().upper())).orElse(DASH));
        r.put("cosine", o.map(x -> String.format(Locale.ROOT, "%.5f", x.cosine().estimate())).orElse(DASH));
        r.put("maxAbsError", o.map(x -> String.format(Locale.ROOT, "%.4g", x.maxAbsError().estimate())).orElse(DASH));
        r.put("meanAbsError", o.map(x -> String.format(Locale.ROOT, "%.4g", x.meanAbsError().estimate()))
                .orElse(DASH));
        Optional<ConfidenceInterval> agreement = f.flatMap(ReferenceFidelity::argmaxAgreement);
        r.put("argmaxAgreement", agreement.map(a -> percentNumber(a.estimate())).orElse(DASH));
        r.put("argmaxAgreementCi", agreement.map(ReportView::percentInterval).orElse(DASH));
        r.put("nonFinite", o.map(x -> Long.toString(x.nonFiniteValues())).orElse(DASH));
        r.put("qualifies", report.isReference(m) ? DASH : report.withinTolerance(m) ? "yes" : "no");
    }

    private void accuracyCells(Map<String, Object> r, MethodResult m) {
        var accuracy = m.accuracy();
        r.put("top1", percentNumber(accuracy.top1().estimate()));
        r.put("top1Ci", percentInterval(accuracy.top1()));
        OptionalDouble top5 = accuracy.classification().top5();
        r.put("top5", top5.isPresent() ? percentNumber(top5.getAsDouble()) : DASH);
        Optional<PairedComparison> paired = accuracy.versusReference();
        r.put("change", paired.map(p -> signedPoints(p.difference().estimate())).orElse(DASH));
        r.put("changeCi", paired.map(p -> signedPoints(p.difference().lower()) + " to " + signedPoints(p.difference().upper()))
                .orElse(DASH));
        r.put("pValue", paired.map(p -> pValue(p.mcnemar().pValue())).orElse(DASH));
        r.put("significant", paired.map(p -> p.mcnemar().pValue() < report.significanceLevel()).orElse(false));
        r.put("mcnemarCounts", paired.map(p -> p.mcnemar().b() + " / " + p.mcnemar().c()).orElse(DASH));
        r.put("agreement", paired.map(p -> percentNumber(p.agreement())).orElse(DASH));
        r.put("ece", fraction4(accuracy.calibration().expected()));
    }

    private void costCells(Map<String, Object> r, MethodResult m) {
        r.put("size", m.modelFileBytes().isPresent() ? bytes(m.modelFileBytes().getAsLong()) : NOT_MEASURED);
        r.put("sizeReduction", ratioOrDash(report.sizeReduction(m)));
        r.put("latency", m.latencyBatch1Millis().map(t -> millis(t.median())).orElse(NOT_MEASURED));
        r.put("latencySpread", m.latencyBatch1Millis().map(t -> spread(t, ReportNumbers::millis)).orElse(DASH));
        r.put("latencySpeedup", ratioOrDash(report.latencySpeedup(m)));
        r.put("throughput", m.throughputBatch32PerSecond().map(t -> rate(t.median())).orElse(NOT_MEASURED));
        r.put("throughputSpread", m.throughputBatch32PerSecond().map(t -> spread(t, ReportNumbers::rate)).orElse(DASH));
        r.put("speedup", ratioOrDash(report.throughputSpeedup(m)));
        r.put("memory", m.peakMemory().map(p -> bytes(p.peakBytes())).orElse(NOT_MEASURED));
        r.put("calibrationTime", m.calibrationSeconds().isPresent() ? seconds(m.calibrationSeconds().getAsDouble()) : DASH);
        r.put("quantizationTime", m.quantizationSeconds().isPresent() ? seconds(m.quantizationSeconds().getAsDouble()) : DASH);
        List<String> notes = new ArrayList<>();
        report.recommendations().deploy().flatMap(Recommendation::method).filter(m.name()::equals)
                .ifPresent(name -> notes.add("recommended"));
        for (TargetCheck t : report.targetChecks()) {
            if (t.missed() && t.method().filter(m.name()::equals).isPresent()) {
                notes.add("target missed: " + t.target());
            }
        }
        notes.addAll(m.notes());
        r.put("notes", escape.apply(notes.isEmpty() ? "" : String.join("; ", notes)));
        r.put("recommended", !notes.isEmpty() && notes.get(0).equals("recommended"));
        r.put("missed", notes.stream().anyMatch(n -> n.startsWith("target missed")));
    }

    private List<Map<String, Object>> perClassRows() {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> classes = report.classNames();
        List<ClassStatistics> reference = report.reference().accuracy().classification().perClass();
        for (int c = 0; c < classes.size(); c++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", escape.apply(classes.get(c)));
            row.put("support", reference.get(c).support());
            List<Map<String, Object>> cells = new ArrayList<>();
            for (MethodResult m : report.methods()) {
                ClassStatistics s = m.accuracy().classification().forClass(c);
                double change = s.accuracy() - reference.get(c).accuracy();
                Map<String, Object> cell = new LinkedHashMap<>();
                cell.put("accuracy", percentNumber(s.accuracy()));
                cell.put("change", report.isReference(m) || Double.isNaN(change) ? "" : " (" + signedPoints(change) + ")");
                cell.put("worse", change < 0);
                cells.add(cell);
            }
            row.put("cells", cells);
            rows.add(row);
        }
        return rows;
    }

    /**
     * Each kernel target the INT8 methods were written for, what it means for the CPUs the model is
     * accurate on, and the methods that use it ("all INT8 methods" when they share one).
     */
    private List<Map<String, Object>> kernelTargets() {
        Map<KernelTarget, List<String>> byTarget = new LinkedHashMap<>();
        long int8Methods = report.methods().stream()
                .filter(m -> m.mode().filter(mode -> mode != QuantizationMode.FP16).isPresent()).count();
        for (MethodResult m : report.methods()) {
            m.kernelTarget().ifPresent(t -> byTarget.computeIfAbsent(t, k -> new ArrayList<>()).add(m.name()));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        byTarget.forEach((target, methods) -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("target", target.id());
            item.put("meaning", kernelTargetMeaning(target));
            item.put("methods", escape.apply(byTarget.size() == 1 && methods.size() == int8Methods ? "all INT8 methods"
                    : String.join(", ", methods)));
            out.add(item);
        });
        return out;
    }

    private static String kernelTargetMeaning(KernelTarget target) {
        return switch (target) {
            case PORTABLE -> "weight scales that keep every pair of products that ONNX Runtime's x86-64 AVX2 kernels"
                    + " add in int16 within range, so the accuracy holds on every x86-64 AVX2+ and ARM64 CPU";
            case VNNI -> "full 8-bit weights, exact on CPUs with AVX-512 VNNI, AVX-VNNI, AMX or ARM dot product;"
                    + " less accurate on x86-64 CPUs with AVX2 but without VNNI";
            case HOST -> throw new IllegalStateException("A method's kernel target is stored resolved, never 'host'");
        };
    }

    /** Each distinct description of the memory measurement, with the methods it applies to. */
    private List<Map<String, Object>> memoryDescriptions() {
        Map<String, List<String>> byDescription = new LinkedHashMap<>();
        for (MethodResult m : report.methods()) {
            m.peakMemory().ifPresent(p -> byDescription.computeIfAbsent(p.description(), k -> new ArrayList<>()).add(m.name()));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        boolean all = byDescription.size() == 1
                && byDescription.values().iterator().next().size() == report.methods().size();
        byDescription.forEach((description, methods) -> out.add(Map.of(
                "description", escape.apply(description),
                "methods", escape.apply(all ? "all methods" : String.join(", ", methods)))));
        return out;
    }

    private static String percentInterval(ConfidenceInterval ci) {
        return percentNumber(ci.lower()) + " to " + percentNumber(ci.upper());
    }

    private static String spread(TimingSummary t, java.util.function.DoubleFunction<String> format) {
        return format.apply(t.p10()) + " to " + format.apply(t.p90());
    }

    private static String ratioOrDash(OptionalDouble value) {
        return value.isPresent() ? ratio(value.getAsDouble()) : DASH;
    }

    private static String targetValue(TargetCheck.Kind kind, double value) {
        return kind == TargetCheck.Kind.TOP1_DROP ? percentNumber(value) + " pp" : ratio(value);
    }
}
