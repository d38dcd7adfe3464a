package org.quant4j.sensitivity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.sensitivity.gradient.GradientEstimate;
import org.quant4j.sensitivity.gradient.GradientObjective;

/**
 * A {@link SensitivityResult} as a JSON document or a CSV table (one row per layer, most sensitive
 * first), written atomically. Infinite SQNRs are written as {@code "Infinity"} in JSON and
 * {@code inf} in CSV; a measurement not made is {@code null} or an empty cell. {@link #read} reads
 * the JSON document back (times to the millisecond, as written; fields it does not know are ignored).
 */
public final class SensitivityFiles {

    /** The CSV header. */
    public static final String CSV_HEADER = "rank,layer,op,depth,one_on_drop,one_on_lower,one_on_upper,one_on_samples,"
            + "one_on_verdict,one_off_drop,one_off_lower,one_off_upper,one_off_samples,one_off_verdict,recovery,"
            + "sqnr_accumulated_db,sqnr_local_db,weight_sqnr_min_db,gradient_estimate";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SensitivityFiles() {
    }

    /** The result as nested maps and lists, in the order of the JSON document. */
    public static Map<String, Object> document(SensitivityResult r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", r.model());
        doc.put("metric", r.metric().name().toLowerCase(Locale.ROOT));
        doc.put("baseline", r.baseline());
        doc.put("tolerance", r.tolerance());
        doc.put("fullInt8", score(Optional.of(r.fullInt8())));
        doc.put("calibratedTensors", r.calibratedTensors());
        doc.put("seed", r.seed());
        doc.put("calibrationMillis", r.calibrationTime().toMillis());
        doc.put("variantMillis", r.variantTime().toMillis());
        doc.put("tensorErrorMillis", r.tensorErrorTime().toMillis());
        doc.put("floatPassMillis", r.floatPassTime().toMillis());
        doc.put("tensorErrorSplit", split(r.tensorErrorSplit()));
        doc.put("floatPassSplit", split(r.floatPassSplit()));
        doc.put("localSamples", r.localSamples());
        doc.put("rankCorrelations", r.correlations());
        r.gradient().ifPresent(g -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("estimator", g.estimator());
            m.put("objective", g.objective().name().toLowerCase(Locale.ROOT));
            m.put("samples", g.samples());
            m.put("millis", g.time().toMillis());
            m.put("unsupported", g.unsupported().orElse(null));
            doc.put("gradient", m);
        });
        List<Map<String, Object>> layers = new ArrayList<>();
        int rank = 1;
        for (LayerSensitivity l : r.layers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rank", rank++);
            m.put("layer", l.node());
            m.put("op", l.opType());
            m.put("depth", l.depth());
            m.put("oneOn", score(l.oneOn()));
            m.put("oneOff", score(l.oneOff()));
            m.put("recovery", number(l.recovery()));
            m.put("sqnrAccumulatedDb", number(l.sqnrAccumulated()));
            m.put("sqnrLocalDb", number(l.sqnrLocal()));
            List<Object> weights = new ArrayList<>();
            for (double d : l.weightSqnr()) {
                weights.add(number(d));
            }
            m.put("weightSqnrDb", weights);
            m.put("gradientEstimate", number(l.gradient()));
            layers.add(m);
        }
        doc.put("layers", layers);
        return doc;
    }

    /** A pass's fixed and per-batch cost, or null when not split. */
    private static Map<String, Object> split(Optional<PassTime> t) {
        if (t.isEmpty()) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("totalMicros", t.get().total().toNanos() / 1000);
        m.put("fixedMicros", t.get().fixed().toNanos() / 1000);
        m.put("perBatchMicros", t.get().perBatch().toNanos() / 1000);
        m.put("samples", t.get().samples());
        m.put("batchSize", t.get().batchSize());
        return m;
    }

    /** The result as indented JSON. */
    public static String json(SensitivityResult r) {
        try {
            return JSON.writeValueAsString(document(r)) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the sensitivity result as JSON", e);
        }
    }

    /** The result as CSV, header first, most sensitive layer first. */
    public static String csv(SensitivityResult r) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        int rank = 1;
        for (LayerSensitivity l : r.layers()) {
            List<String> cells = new ArrayList<>();
            cells.add(Integer.toString(rank++));
            cells.add(quoted(l.node()));
            cells.add(quoted(l.opType()));
            cells.add(Integer.toString(l.depth()));
            scoreCells(l.oneOn(), cells);
            scoreCells(l.oneOff(), cells);
            cells.add(cell(l.recovery()));
            cells.add(cell(l.sqnrAccumulated()));
            cells.add(cell(l.sqnrLocal()));
            cells.add(cell(l.weightSqnrMin()));
            cells.add(cell(l.gradient()));
            sb.append(String.join(",", cells)).append('\n');
        }
        return sb.toString();
    }

    /** Writes {@link #json} to {@code file} atomically, replacing a file that is there. */
    public static void writeJson(SensitivityResult r, Path file) {
        writeJson(r, OutputTarget.replacing(file, "the sensitivity result (JSON)"));
    }

    /** Writes {@link #csv} to {@code file} atomically, replacing a file that is there. */
    public static void writeCsv(SensitivityResult r, Path file) {
        writeCsv(r, OutputTarget.replacing(file, "the sensitivity table (CSV)"));
    }

    /** Writes {@link #json} to {@code target}: atomically, exclusively unless it allows replacing. */
    public static void writeJson(SensitivityResult r, OutputTarget target) {
        target.writeString(json(r));
    }

    /** Writes {@link #csv} to {@code target}: atomically, exclusively unless it allows replacing. */
    public static void writeCsv(SensitivityResult r, OutputTarget target) {
        target.writeString(csv(r));
    }

    /**
     * Reads a result back from its JSON document ({@link #document}, e.g. parsed from {@link #json}
     * or embedded in a report's {@code results.json}).
     *
     * @param source names the document in error messages, e.g. its file and field
     * @throws InvalidInputException when a field is missing or has the wrong type
     */
    public static SensitivityResult read(JsonNode doc, String source) {
        DocumentReader r = new DocumentReader(source);
        String metricName = r.field(doc, "metric", "").asText();
        SensitivityRequest.Metric metric;
        try {
            metric = SensitivityRequest.Metric.valueOf(metricName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw r.error("metric", "is \"" + metricName + "\", expected top1, agreement or noise");
        }
        Map<String, Double> correlations = new LinkedHashMap<>();
        r.field(doc, "rankCorrelations", "").properties().forEach(e -> correlations.put(e.getKey(),
                r.number(e.getValue(), "rankCorrelations." + e.getKey())));
        List<LayerSensitivity> layers = new ArrayList<>();
        JsonNode layerNodes = r.field(doc, "layers", "");
        for (int i = 0; i < layerNodes.size(); i++) {
            JsonNode l = layerNodes.get(i);
            String at = "layers[" + i + "]";
            JsonNode weights = r.field(l, "weightSqnrDb", at);
            double[] weightSqnr = new double[weights.size()];
            for (int c = 0; c < weightSqnr.length; c++) {
                weightSqnr[c] = r.number(weights.get(c), at + ".weightSqnrDb[" + c + "]");
            }
            layers.add(new LayerSensitivity(r.field(l, "layer", at).asText(), r.field(l, "op", at).asText(),
                    r.field(l, "depth", at).asInt(), r.score(l.get("oneOn"), at + ".oneOn"),
                    r.score(l.get("oneOff"), at + ".oneOff"), r.optional(l.get("recovery"), at + ".recovery"),
                    r.optional(l.get("sqnrAccumulatedDb"), at + ".sqnrAccumulatedDb"),
                    r.optional(l.get("sqnrLocalDb"), at + ".sqnrLocalDb"), weightSqnr,
                    r.optional(l.get("gradientEstimate"), at + ".gradientEstimate")));
        }
        Optional<GradientEstimate> gradient = Optional.empty();
        JsonNode g = doc.get("gradient");
        if (g != null && !g.isNull()) {
            String objective = r.field(g, "objective", "gradient").asText();
            GradientObjective parsed;
            try {
                parsed = GradientObjective.valueOf(objective.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw r.error("gradient.objective", "is \"" + objective + "\", expected one of "
                        + java.util.Arrays.toString(GradientObjective.values()).toLowerCase(Locale.ROOT));
            }
            JsonNode unsupported = g.get("unsupported");
            Map<String, Double> perLayer = new LinkedHashMap<>();
            if (unsupported == null || unsupported.isNull()) {
                layers.forEach(l -> l.gradient().ifPresent(v -> perLayer.put(l.node(), v)));
            }
            gradient = Optional.of(new GradientEstimate(r.field(g, "estimator", "gradient").asText(), parsed,
                    r.field(g, "samples", "gradient").asInt(), perLayer,
                    unsupported == null || unsupported.isNull() ? Optional.empty() : Optional.of(unsupported.asText()),
                    r.millis(g, "millis")));
        }
        VariantScore fullInt8 = r.score(r.field(doc, "fullInt8", ""), "fullInt8").orElseThrow();
        return new SensitivityResult(r.field(doc, "model", "").asText(), metric,
                r.number(r.field(doc, "baseline", ""), "baseline"), fullInt8,
                r.number(r.field(doc, "tolerance", ""), "tolerance"), layers, correlations,
                r.field(doc, "calibratedTensors", "").asInt(), r.millis(doc, "calibrationMillis"),
                r.millis(doc, "variantMillis"), r.millis(doc, "tensorErrorMillis"), r.millis(doc, "floatPassMillis"),
                r.field(doc, "seed", "").asLong(), gradient, r.split(doc.get("tensorErrorSplit"), "tensorErrorSplit"),
                r.split(doc.get("floatPassSplit"), "floatPassSplit"),
                doc.has("localSamples") ? r.field(doc, "localSamples", "").asInt() : 0);
    }

    /** Field access for {@link #read} that names the document and the path of whatever is wrong. */
    private record DocumentReader(String source) {

        InvalidInputException error(String path, String problem) {
            return new InvalidInputException("Sensitivity result " + source + ": " + path + " " + problem
                    + ". Rerun the sensitivity analysis to rewrite it");
        }

        JsonNode field(JsonNode node, String field, String at) {
            JsonNode value = node == null ? null : node.get(field);
            if (value == null || value.isNull()) {
                throw error(at.isEmpty() ? field : at + "." + field, "is missing");
            }
            return value;
        }

        /** A number, or "Infinity" / "-Infinity" as {@link #document} writes infinite values. */
        double number(JsonNode value, String at) {
            if (value != null && value.isTextual() && value.asText().matches("-?Infinity")) {
                return value.asText().startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            if (value == null || !value.isNumber()) {
                throw error(at, "is " + value + ", expected a number");
            }
            return value.asDouble();
        }

        OptionalDouble optional(JsonNode value, String at) {
            return value == null || value.isNull() ? OptionalDouble.empty() : OptionalDouble.of(number(value, at));
        }

        /** A split written by {@link #split}; empty when absent (documents written before it). */
        Optional<PassTime> split(JsonNode node, String at) {
            if (node == null || node.isNull()) {
                return Optional.empty();
            }
            try {
                return Optional.of(new PassTime(Duration.ofNanos(field(node, "totalMicros", at).asLong() * 1000),
                        Duration.ofNanos(field(node, "fixedMicros", at).asLong() * 1000),
                        field(node, "samples", at).asInt(), field(node, "batchSize", at).asInt()));
            } catch (IllegalArgumentException e) {
                throw error(at, "is inconsistent (" + e.getMessage() + ")");
            }
        }

        Duration millis(JsonNode doc, String field) {
            return Duration.ofMillis(field(doc, field, "").asLong());
        }

        Optional<VariantScore> score(JsonNode node, String at) {
            if (node == null || node.isNull()) {
                return Optional.empty();
            }
            ConfidenceInterval drop = new ConfidenceInterval(number(field(node, "drop", at), at + ".drop"),
                    number(field(node, "lower", at), at + ".lower"), number(field(node, "upper", at), at + ".upper"),
                    number(field(node, "level", at), at + ".level"));
            String verdict = field(node, "verdict", at).asText();
            try {
                return Optional.of(new VariantScore(drop, field(node, "samples", at).asInt(),
                        VariantScore.Verdict.valueOf(verdict.toUpperCase(Locale.ROOT))));
            } catch (IllegalArgumentException e) {
                throw error(at + ".verdict", "is \"" + verdict + "\", expected within, beyond or undecided");
            }
        }
    }

    private static Map<String, Object> score(Optional<VariantScore> s) {
        if (s.isEmpty()) {
            return null;
        }
        ConfidenceInterval d = s.get().drop();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("drop", d.estimate());
        m.put("lower", d.lower());
        m.put("upper", d.upper());
        m.put("level", d.level());
        m.put("samples", s.get().samples());
        m.put("verdict", s.get().verdict().name().toLowerCase(Locale.ROOT));
        return m;
    }

    private static void scoreCells(Optional<VariantScore> s, List<String> cells) {
        if (s.isEmpty()) {
            for (int i = 0; i < 5; i++) {
                cells.add("");
            }
            return;
        }
        ConfidenceInterval d = s.get().drop();
        cells.add(cell(d.estimate()));
        cells.add(cell(d.lower()));
        cells.add(cell(d.upper()));
        cells.add(Integer.toString(s.get().samples()));
        cells.add(s.get().verdict().name().toLowerCase(Locale.ROOT));
    }

    private static Object number(OptionalDouble v) {
        return v.isPresent() ? number(v.getAsDouble()) : null;
    }

    private static Object number(double v) {
        return Double.isFinite(v) ? (Object) v : (v > 0 ? "Infinity" : "-Infinity");
    }

    private static String cell(OptionalDouble v) {
        return v.isPresent() ? cell(v.getAsDouble()) : "";
    }

    private static String cell(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static String quoted(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
