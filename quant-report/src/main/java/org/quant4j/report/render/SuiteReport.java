package org.quant4j.report.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.quant4j.api.InvalidInputException;
import org.quant4j.report.chart.ReportCharts;
import org.quant4j.report.compare.ComparisonReport;
import org.quant4j.report.compare.Slugs;
import org.quant4j.report.compare.Recommendation;
import org.quant4j.report.compare.ReportNumbers;
import org.quant4j.report.compare.TargetCheck;

/**
 * Several comparisons (one per model) as one report: an overview of every model, then per model
 * its summary table, recommendations, target checks and (in HTML) charts, each linking to the
 * model's full single report in the sub-folder named by {@link #slugs(List)}. Rendered from
 * {@code suite.md.mustache} and {@code suite.html.mustache}, which share their sections with the
 * single-model templates; the JSON form, {@code results.json} with format {@value #FORMAT}, holds
 * each model's complete {@link ResultsJson} document.
 */
public final class SuiteReport {

    /** Value of the {@code format} field of a suite's {@code results.json}. */
    public static final String FORMAT = "quant4j-suite";
    /** Value of the {@code version} field; bumped when a field changes meaning. */
    public static final int VERSION = 1;

    private static final String TITLE = "Quantization comparison of %d models";
    private static final Template MARKDOWN = Templates.load("suite.md.mustache", false);
    private static final Template HTML = Templates.load("suite.html.mustache", true);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SuiteReport() {
    }

    /** The Markdown text of the suite, LF line ends. */
    public static String markdown(List<ComparisonReport> reports) {
        return MARKDOWN.execute(context(reports, ReportView::markdown, ReportWriter.MARKDOWN));
    }

    /** The self-contained HTML page of the suite, with every model's charts as data URIs. */
    public static String html(List<ComparisonReport> reports) {
        return HTML.execute(context(reports, r -> ReportView.html(r, ReportCharts.render(r)), ReportWriter.HTML));
    }

    /** The suite as pretty-printed JSON ending in a newline: every model's complete results. */
    public static String json(List<ComparisonReport> reports) {
        requireReports(reports);
        List<String> slugs = slugs(reports);
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("title", String.format(Locale.ROOT, TITLE, reports.size()));
        ArrayNode models = root.putArray("models");
        for (int i = 0; i < reports.size(); i++) {
            ObjectNode model = models.addObject();
            model.put("model", reports.get(i).model());
            model.put("directory", slugs.get(i));
            model.set("results", ResultsJson.toTree(reports.get(i)));
        }
        return ResultsJson.pretty(root, "the suite");
    }

    /** Whether {@code file} holds a suite (rather than a single comparison), judged by its {@code format} field. */
    public static boolean isSuite(Path file) {
        return FORMAT.equals(readTree(file).path("format").asText());
    }

    /**
     * Reads the comparisons back from a suite's {@code results.json}.
     *
     * @throws InvalidInputException when the file is missing, not JSON, or not a suite
     */
    public static List<ComparisonReport> read(Path file) {
        JsonNode root = readTree(file);
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new InvalidInputException("Results file " + file + " is not a quant4j suite: its \"format\" field"
                    + " should be \"" + FORMAT + "\"");
        }
        if (root.path("version").asInt(-1) != VERSION) {
            throw new InvalidInputException("Results file " + file + " has version " + root.path("version")
                    + ", this quant4j reads version " + VERSION + ": rerun the comparison with this version");
        }
        JsonNode models = root.path("models");
        if (!models.isArray() || models.isEmpty()) {
            throw new InvalidInputException("Results file " + file + " has no \"models\" array: give the results.json"
                    + " written by a suite");
        }
        List<ComparisonReport> reports = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            JsonNode results = models.get(i).path("results");
            reports.add(ResultsJson.read(results.toString(), file + " models[" + i + "].results"));
        }
        return List.copyOf(reports);
    }

    /**
     * The sub-folder name of each model: {@link Slugs#of} of its file name without {@code .onnx}; a
     * repeated name gets
     * {@code -2}, {@code -3}, ... in list order, so the names are unique and stable.
     */
    public static List<String> slugs(List<ComparisonReport> reports) {
        Set<String> used = new HashSet<>();
        List<String> slugs = new ArrayList<>();
        for (ComparisonReport r : reports) {
            String base = Slugs.of(Path.of(r.model()).getFileName().toString().replaceFirst("(?i)\\.onnx$", ""));
            String slug = base;
            for (int n = 2; !used.add(slug); n++) {
                slug = base + "-" + n;
            }
            slugs.add(slug);
        }
        return List.copyOf(slugs);
    }

    private static Map<String, Object> context(List<ComparisonReport> reports,
            Function<ComparisonReport, Map<String, Object>> view, String fileName) {
        requireReports(reports);
        List<String> slugs = slugs(reports);
        boolean markdown = fileName.equals(ReportWriter.MARKDOWN);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("suiteTitle", String.format(Locale.ROOT, TITLE, reports.size()));
        List<Map<String, Object>> models = new ArrayList<>();
        for (int i = 0; i < reports.size(); i++) {
            ComparisonReport report = reports.get(i);
            Map<String, Object> model = new LinkedHashMap<>(view.apply(report));
            model.put("slug", slugs.get(i));
            model.put("link", slugs.get(i) + "/" + fileName);
            String reference = report.reference().name();
            model.put("referenceTop1", report.labelled()
                    ? ReportNumbers.percentNumber(report.reference().accuracy().top1().estimate()) : "no labels");
            String deploy = report.recommendations().deploy().flatMap(Recommendation::method).orElse("none");
            model.put("deployMethod", markdown ? ReportView.markdownText(deploy) : deploy);
            long met = report.targetChecks().stream().filter(t -> t.status() == TargetCheck.Status.MET).count();
            model.put("targetsMet", met + " of " + report.targetChecks().size());
            model.put("methodCount", report.methods().size());
            model.put("referenceName", markdown ? ReportView.markdownText(reference) : reference);
            models.add(model);
        }
        c.put("models", models);
        return c;
    }

    private static void requireReports(List<ComparisonReport> reports) {
        if (reports == null || reports.isEmpty()) {
            throw new InvalidInputException("A suite report needs at least one comparison");
        }
    }

    private static JsonNode readTree(Path file) {
        try {
            return MAPPER.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("Results file " + file + " is not valid JSON at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read results file " + file + ": " + e
                    + ". Give the results.json written by a comparison or a suite", e);
        }
    }
}
