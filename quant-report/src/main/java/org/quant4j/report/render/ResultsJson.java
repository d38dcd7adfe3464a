package org.quant4j.report.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.KernelTarget;
import org.quant4j.api.Provenance;
import org.quant4j.api.QuantException;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.evaluate.OutputFidelity;
import org.quant4j.api.quantize.ExecutedLayer;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.report.compare.ComparisonReport;
import org.quant4j.report.compare.CpuDescription;
import org.quant4j.report.compare.MemoryMeasurement;
import org.quant4j.report.compare.MethodPairTest;
import org.quant4j.report.compare.MethodResult;
import org.quant4j.report.compare.ReferenceFidelity;
import org.quant4j.report.compare.Recommendation;
import org.quant4j.report.compare.TargetCheck;
import org.quant4j.report.compare.Targets;
import org.quant4j.report.compare.TimingSummary;
import org.quant4j.report.stats.AccuracyStatistics;
import org.quant4j.report.stats.CalibrationError;
import org.quant4j.report.stats.ClassStatistics;
import org.quant4j.report.stats.ClassificationStatistics;
import org.quant4j.report.stats.McNemarTest;
import org.quant4j.report.stats.PairedComparison;
import org.quant4j.report.stats.ReliabilityBin;
import org.quant4j.report.stats.StatisticsOptions;
import org.quant4j.sensitivity.SensitivityFiles;

/**
 * The machine-readable form of a comparison, {@code results.json}: every number of the report,
 * fields in a fixed order, numbers as Java writes doubles (so reading gives back the same values),
 * undefined values (NaN, not measured) as {@code null}, LF line ends. Derived values (ratios,
 * per-class rates, recommendations, target checks) are written for convenience and recomputed on
 * {@link #read(String, String)}. Fields added since version 1 ({@code cpu}, a method's
 * {@code kernelTarget}, {@code sensitivity}: quant-sensitivity's JSON document, {@code pairedTests}:
 * McNemar's test between each pair of quantized methods on labelled data, which breaks speed ties in
 * the recommendation) are optional on reading, so older files still load.
 */
public final class ResultsJson {

    /** Value of the {@code format} field. */
    public static final String FORMAT = "quant4j-comparison";
    /** Value of the {@code version} field; bumped when a field changes meaning. */
    public static final int VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ResultsJson() {
    }

    /** The report as pretty-printed JSON ending in a newline. */
    public static String write(ComparisonReport report) {
        return pretty(toTree(report), "the comparison");
    }

    /** {@code tree} pretty-printed with two-space indents and LF line ends, ending in a newline. */
    static String pretty(JsonNode tree, String what) {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        try {
            return MAPPER.writer(printer).writeValueAsString(tree) + "\n";
        } catch (JsonProcessingException e) {
            throw new QuantException("Cannot serialise " + what + " to JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The report as a JSON tree, fields in the documented order. */
    public static ObjectNode toTree(ComparisonReport report) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("title", report.title());
        root.put("model", report.model());
        root.put("dataset", report.dataset());
        root.put("samples", report.sampleCount());
        ArrayNode classes = root.putArray("classes");
        report.classNames().forEach(classes::add);
        root.put("reference", report.reference().name());
        if (report.cpu().isEmpty()) {
            root.putNull("cpu");
        } else {
            CpuDescription cpu = report.cpu().get();
            ObjectNode cpuNode = root.putObject("cpu");
            cpuNode.put("model", cpu.model());
            cpuNode.put("int8Kind", cpu.int8Kind());
            cpuNode.put("flags", cpu.flags());
        }
        StatisticsOptions options = report.statistics();
        ObjectNode statistics = root.putObject("statistics");
        statistics.put("bootstrapResamples", options.bootstrapResamples());
        statistics.put("confidenceLevel", options.confidenceLevel());
        statistics.put("seed", options.seed());
        statistics.put("calibrationBins", options.calibrationBins());
        statistics.put("intervals", "percentile bootstrap; paired for the change versus the reference");
        statistics.put("test", "McNemar exact, two-sided");
        root.put("accuracyTolerance", report.accuracyTolerance());
        root.put("significanceLevel", report.significanceLevel());
        if (!report.labelled()) {
            root.put("minSqnrDb", report.minSqnrDb());
            root.put("criterion", report.criterion());
        }
        Targets targets = report.targets();
        ObjectNode targetNode = root.putObject("targets");
        putOptional(targetNode, "maxTop1Drop", targets.maxTop1Drop());
        putOptional(targetNode, "minThroughputSpeedup", targets.minThroughputSpeedup());
        putOptional(targetNode, "minSizeReduction", targets.minSizeReduction());
        ArrayNode methods = root.putArray("methods");
        for (MethodResult m : report.methods()) {
            methods.add(methodTree(report, m));
        }
        // Labelled data only: McNemar's test between each pair of quantized methods (b: only first right).
        if (report.labelled()) {
            ArrayNode pairs = root.putArray("pairedTests");
            for (MethodPairTest t : report.pairedTests()) {
                ObjectNode node = pairs.addObject();
                node.put("first", t.first());
                node.put("second", t.second());
                node.put("b", t.test().b());
                node.put("c", t.test().c());
                node.put("pValue", t.test().pValue());
            }
        }
        ArrayNode recommendations = root.putArray("recommendations");
        for (Recommendation r : report.recommendations().all()) {
            ObjectNode node = recommendations.addObject();
            node.put("kind", r.kind().name());
            node.put("method", r.method().orElse(null));
            node.put("text", r.text());
        }
        ArrayNode checks = root.putArray("targetChecks");
        for (TargetCheck c : report.targetChecks()) {
            ObjectNode node = checks.addObject();
            node.put("kind", c.kind().name());
            node.put("target", c.target());
            node.put("method", c.method().orElse(null));
            putOptional(node, "measured", c.measured());
            node.put("required", c.required());
            node.put("status", c.status().name());
            node.put("statement", c.statement());
        }
        ArrayNode notes = root.putArray("measurementNotes");
        report.measurementNotes().forEach(notes::add);
        ObjectNode provenance = root.putObject("provenance");
        report.provenance().entries().forEach(provenance::put);
        // Optional: only a report analysed for per-layer sensitivity has it.
        report.sensitivity().ifPresent(s -> root.set("sensitivity", MAPPER.valueToTree(SensitivityFiles.document(s))));
        return root;
    }

    private static ObjectNode methodTree(ComparisonReport report, MethodResult m) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("name", m.name());
        node.put("precision", m.precisionLabel());
        node.put("mode", m.mode().map(Enum::name).orElse(null));
        node.put("calibration", m.calibration().map(CalibrationMethod::id).orElse(null));
        node.put("perChannel", m.perChannel());
        node.put("kernelTarget", m.kernelTarget().map(KernelTarget::id).orElse(null));
        node.put("reference", report.isReference(m));
        if (!m.hasAccuracy()) {
            fidelityTree(node, m);
            costTree(node, report, m);
            notesTree(node, m);
            return node;
        }
        AccuracyStatistics accuracy = m.accuracy();
        ClassificationStatistics classification = accuracy.classification();
        putInterval(node.putObject("top1"), accuracy.top1());
        node.put("top1Correct", classification.top1Correct());
        node.put("nonFinite", classification.nonFinite());
        putOptional(node, "top5", classification.top5());
        if (classification.top5Correct() < 0) {
            node.putNull("top5Correct");
        } else {
            node.put("top5Correct", classification.top5Correct());
        }
        putNumber(node, "expectedCalibrationError", accuracy.calibration().expected());
        ArrayNode bins = node.putArray("reliabilityBins");
        for (ReliabilityBin bin : accuracy.calibration().bins()) {
            ObjectNode b = bins.addObject();
            b.put("lower", bin.lower());
            b.put("upper", bin.upper());
            b.put("count", bin.count());
            b.put("correct", bin.correct());
            b.put("meanConfidence", bin.meanConfidence());
        }
        Optional<PairedComparison> paired = accuracy.versusReference();
        if (paired.isEmpty()) {
            node.putNull("versusReference");
        } else {
            ObjectNode p = node.putObject("versusReference");
            p.put("agreement", paired.get().agreement());
            putInterval(p.putObject("top1Change"), paired.get().difference());
            ObjectNode mcnemar = p.putObject("mcnemar");
            mcnemar.put("b", paired.get().mcnemar().b());
            mcnemar.put("c", paired.get().mcnemar().c());
            mcnemar.put("pValue", paired.get().mcnemar().pValue());
        }
        costTree(node, report, m);
        classificationTree(node, classification);
        notesTree(node, m);
        return node;
    }

    /** The size, speed, memory and time fields of a row. */
    private static void costTree(ObjectNode node, ComparisonReport report, MethodResult m) {
        if (m.modelFileBytes().isPresent()) {
            node.put("modelFileBytes", m.modelFileBytes().getAsLong());
        } else {
            node.putNull("modelFileBytes");
        }
        putOptional(node, "sizeReduction", report.sizeReduction(m));
        putTiming(node, "latencyBatch1Millis", m.latencyBatch1Millis());
        putOptional(node, "latencySpeedup", report.latencySpeedup(m));
        putTiming(node, "throughputBatch32PerSecond", m.throughputBatch32PerSecond());
        putOptional(node, "throughputSpeedup", report.throughputSpeedup(m));
        if (m.peakMemory().isEmpty()) {
            node.putNull("peakMemory");
        } else {
            ObjectNode memory = node.putObject("peakMemory");
            memory.put("bytes", m.peakMemory().get().peakBytes());
            m.peakMemory().get().baselineBytes().ifPresent(v -> memory.put("baselineBytes", v));
            memory.put("description", m.peakMemory().get().description());
        }
        putOptional(node, "calibrationSeconds", m.calibrationSeconds());
        putOptional(node, "quantizationSeconds", m.quantizationSeconds());
    }

    /** The notes of a row, and the layers of a compiled engine with the precision each runs in (empty otherwise). */
    private static void notesTree(ObjectNode node, MethodResult m) {
        ArrayNode notes = node.putArray("notes");
        m.notes().forEach(notes::add);
        ArrayNode layers = node.putArray("executedLayers");
        for (ExecutedLayer l : m.executedLayers()) {
            ObjectNode layer = layers.addObject();
            layer.put("name", l.name());
            layer.put("type", l.type());
            layer.put("precision", l.precision());
            layer.put("tactic", l.tactic());
        }
    }

    /** The per-class statistics and confusion matrix of a row measured on labelled data. */
    private static void classificationTree(ObjectNode node, ClassificationStatistics classification) {
        ArrayNode perClass = node.putArray("perClass");
        for (ClassStatistics c : classification.perClass()) {
            ObjectNode row = perClass.addObject();
            row.put("class", c.name());
            row.put("support", c.support());
            row.put("predicted", c.predicted());
            row.put("truePositives", c.truePositives());
            putNumber(row, "accuracy", c.accuracy());
            putNumber(row, "precision", c.precision());
            putNumber(row, "recall", c.recall());
            putNumber(row, "f1", c.f1());
        }
        ArrayNode confusion = node.putArray("confusionMatrix");
        for (int[] row : classification.confusionMatrix()) {
            ArrayNode r = confusion.addArray();
            for (int v : row) {
                r.add(v);
            }
        }
    }

    /**
     * The fidelity of a row measured on data without labels (null for the reference), then its costs.
     * Infinite values (the SQNR of identical outputs) are written as the strings "Infinity" and
     * "-Infinity", which JSON numbers cannot hold.
     */
    private static void fidelityTree(ObjectNode node, MethodResult m) {
        if (m.fidelity().isEmpty()) {
            node.putNull("fidelity");
        } else {
            ReferenceFidelity f = m.fidelity().get();
            ObjectNode fidelity = node.putObject("fidelity");
            fidelity.put("samples", f.samples());
            ArrayNode outputs = fidelity.putArray("outputs");
            for (OutputFidelity o : f.outputs()) {
                ObjectNode out = outputs.addObject();
                out.put("name", o.name());
                ArrayNode shape = out.putArray("sampleShape");
                for (long d : o.sampleShape()) {
                    shape.add(d);
                }
                putAnyInterval(out.putObject("sqnrDb"), o.sqnrDb());
                putAnyInterval(out.putObject("cosine"), o.cosine());
                putAnyInterval(out.putObject("maxAbsError"), o.maxAbsError());
                putAnyInterval(out.putObject("meanAbsError"), o.meanAbsError());
                out.put("argmaxAxis", o.argmaxAxis());
                if (o.argmaxAgreement().isPresent()) {
                    putAnyInterval(out.putObject("argmaxAgreement"), o.argmaxAgreement().get());
                } else {
                    out.putNull("argmaxAgreement");
                }
                if (o.sequenceAgreement().isPresent()) {
                    putAnyInterval(out.putObject("sequenceAgreement"), o.sequenceAgreement().get());
                } else {
                    out.putNull("sequenceAgreement");
                }
                out.put("nonFiniteValues", o.nonFiniteValues());
            }
        }
    }

    private static void putAnyInterval(ObjectNode node, ConfidenceInterval ci) {
        putAnyNumber(node, "estimate", ci.estimate());
        putAnyNumber(node, "lower", ci.lower());
        putAnyNumber(node, "upper", ci.upper());
        node.put("level", ci.level());
    }

    private static void putAnyNumber(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.put(field, value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static void putInterval(ObjectNode node, ConfidenceInterval ci) {
        node.put("estimate", ci.estimate());
        node.put("lower", ci.lower());
        node.put("upper", ci.upper());
        node.put("level", ci.level());
    }

    private static void putTiming(ObjectNode parent, String field, Optional<TimingSummary> timing) {
        if (timing.isEmpty()) {
            parent.putNull(field);
            return;
        }
        ObjectNode node = parent.putObject(field);
        node.put("median", timing.get().median());
        node.put("p10", timing.get().p10());
        node.put("p90", timing.get().p90());
        node.put("count", timing.get().count());
    }

    private static void putOptional(ObjectNode node, String field, OptionalDouble value) {
        putNumber(node, field, value.isPresent() ? value.getAsDouble() : Double.NaN);
    }

    // JSON has no NaN: an undefined value is written as null.
    private static void putNumber(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }

    /**
     * Reads a comparison back from a {@code results.json} file.
     *
     * @throws InvalidInputException when the file is missing, is not JSON, or lacks a field
     */
    public static ComparisonReport read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read results file " + file + ": " + e
                    + ". Give the results.json written by a comparison", e);
        }
        return read(text, file.toString());
    }

    /**
     * Reads a comparison from JSON text written by {@link #write(ComparisonReport)}.
     *
     * @param source names the text in error messages, e.g. its file name
     */
    public static ComparisonReport read(String json, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("Results file " + source + " is not valid JSON at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": "
                    + e.getOriginalMessage(), e);
        }
        Reader r = new Reader(source);
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new InvalidInputException("Results file " + source + " is not a quant4j comparison: its \"format\" "
                    + "field should be \"" + FORMAT + "\"");
        }
        int version = r.integer(root, "version", "");
        if (version != VERSION) {
            throw new InvalidInputException("Results file " + source + " has version " + version + ", this quant4j reads "
                    + "version " + VERSION + ": rerun the comparison with this version");
        }
        List<String> classes = new ArrayList<>();
        for (JsonNode c : r.array(root, "classes", "")) {
            classes.add(c.asText());
        }
        JsonNode statsNode = r.object(root, "statistics", "");
        StatisticsOptions options = new StatisticsOptions(r.integer(statsNode, "bootstrapResamples", "statistics"),
                r.number(statsNode, "confidenceLevel", "statistics"), r.longValue(statsNode, "seed", "statistics"),
                r.integer(statsNode, "calibrationBins", "statistics"));
        JsonNode targetsNode = r.object(root, "targets", "");
        Targets.Builder targets = Targets.builder();
        r.optionalNumber(targetsNode, "maxTop1Drop").ifPresent(targets::maxTop1Drop);
        r.optionalNumber(targetsNode, "minThroughputSpeedup").ifPresent(targets::minThroughputSpeedup);
        r.optionalNumber(targetsNode, "minSizeReduction").ifPresent(targets::minSizeReduction);

        ComparisonReport.Builder builder = ComparisonReport.builder()
                .title(r.text(root, "title", ""))
                .model(r.text(root, "model", ""))
                .dataset(r.text(root, "dataset", ""))
                .statistics(options)
                .accuracyTolerance(r.number(root, "accuracyTolerance", ""))
                .significanceLevel(r.number(root, "significanceLevel", ""))
                .minSqnrDb(r.optionalNumber(root, "minSqnrDb").orElse(ComparisonReport.DEFAULT_MIN_SQNR_DB))
                .targets(targets.build());
        JsonNode methods = r.array(root, "methods", "");
        if (methods.isEmpty()) {
            throw new InvalidInputException("Results file " + source + " has no methods: it needs at least the reference");
        }
        for (int i = 0; i < methods.size(); i++) {
            MethodResult m = readMethod(r, methods.get(i), "methods[" + i + "]", classes);
            if (i == 0) {
                builder.reference(m);
            } else {
                builder.method(m);
            }
        }
        // Written since speed ties are broken by accuracy; an older file has none and loads without them.
        JsonNode pairs = root.path("pairedTests");
        if (!pairs.isNull() && !pairs.isMissingNode()) {
            JsonNode array = r.array(root, "pairedTests", "");
            for (int i = 0; i < array.size(); i++) {
                String at = "pairedTests[" + i + "]";
                JsonNode t = array.get(i);
                builder.pairedTest(new MethodPairTest(r.text(t, "first", at), r.text(t, "second", at),
                        new McNemarTest(r.integer(t, "b", at), r.integer(t, "c", at), r.number(t, "pValue", at))));
            }
        }
        for (JsonNode note : r.array(root, "measurementNotes", "")) {
            builder.measurementNote(note.asText());
        }
        Provenance.Builder provenance = Provenance.builder();
        for (Map.Entry<String, JsonNode> e : r.object(root, "provenance", "").properties()) {
            provenance.put(e.getKey(), e.getValue().asText());
        }
        // Written since the CPU was recorded; an older file has no "cpu" and loads without it.
        JsonNode cpu = root.path("cpu");
        if (!cpu.isNull() && !cpu.isMissingNode()) {
            JsonNode cpuNode = r.object(root, "cpu", "");
            builder.cpu(new CpuDescription(r.text(cpuNode, "model", "cpu"), r.text(cpuNode, "int8Kind", "cpu"),
                    r.text(cpuNode, "flags", "cpu")));
        }
        JsonNode sensitivity = root.path("sensitivity");
        if (!sensitivity.isNull() && !sensitivity.isMissingNode()) {
            builder.sensitivity(SensitivityFiles.read(sensitivity, source + " (field \"sensitivity\")"));
        }
        return builder.provenance(provenance.build()).build();
    }

    private static MethodResult readMethod(Reader r, JsonNode node, String at, List<String> classes) {
        MethodResult.Builder b = MethodResult.builder(r.text(node, "name", at));
        JsonNode mode = node.path("mode");
        if (!mode.isNull() && !mode.isMissingNode()) {
            try {
                b.mode(QuantizationMode.valueOf(mode.asText()));
            } catch (IllegalArgumentException e) {
                throw r.error(at + ".mode", "is \"" + mode.asText() + "\", expected STATIC, DYNAMIC, FP16 or null");
            }
        }
        JsonNode calibration = node.path("calibration");
        if (!calibration.isNull() && !calibration.isMissingNode()) {
            b.calibration(CalibrationMethod.fromId(calibration.asText()));
        }
        b.perChannel(node.path("perChannel").asBoolean(false));
        JsonNode target = node.path("kernelTarget");
        if (!target.isNull() && !target.isMissingNode()) {
            try {
                b.kernelTarget(KernelTarget.parse(target.asText()));
            } catch (InvalidInputException e) {
                throw r.error(at + ".kernelTarget", "is \"" + target.asText() + "\", expected \""
                        + KernelTarget.PORTABLE.id() + "\", \"" + KernelTarget.VNNI.id() + "\" or null");
            }
        }
        if (node.has("fidelity")) {
            readFidelity(r, node.get("fidelity"), at + ".fidelity").ifPresent(b::fidelity);
            return readCosts(r, node, at, b);
        }

        JsonNode matrix = r.array(node, "confusionMatrix", at);
        int[][] confusion = new int[matrix.size()][];
        for (int row = 0; row < matrix.size(); row++) {
            JsonNode cells = matrix.get(row);
            confusion[row] = new int[cells.size()];
            for (int col = 0; col < cells.size(); col++) {
                confusion[row][col] = cells.get(col).asInt();
            }
        }
        JsonNode top5 = node.path("top5Correct");
        ClassificationStatistics classification = ClassificationStatistics.fromCounts(classes, confusion,
                top5.isNull() || top5.isMissingNode() ? -1 : top5.asInt(), node.path("nonFinite").asInt(0));
        List<ReliabilityBin> bins = new ArrayList<>();
        for (JsonNode bin : r.array(node, "reliabilityBins", at)) {
            String binAt = at + ".reliabilityBins";
            bins.add(new ReliabilityBin(r.number(bin, "lower", binAt), r.number(bin, "upper", binAt),
                    r.integer(bin, "count", binAt), r.integer(bin, "correct", binAt),
                    r.number(bin, "meanConfidence", binAt)));
        }
        JsonNode pairedNode = node.path("versusReference");
        Optional<PairedComparison> paired = Optional.empty();
        if (pairedNode.isObject()) {
            String pAt = at + ".versusReference";
            JsonNode mcnemar = r.object(pairedNode, "mcnemar", pAt);
            paired = Optional.of(new PairedComparison(r.number(pairedNode, "agreement", pAt),
                    readInterval(r, r.object(pairedNode, "top1Change", pAt), pAt + ".top1Change"),
                    new McNemarTest(r.integer(mcnemar, "b", pAt + ".mcnemar"), r.integer(mcnemar, "c", pAt + ".mcnemar"),
                            r.number(mcnemar, "pValue", pAt + ".mcnemar"))));
        }
        b.accuracy(new AccuracyStatistics(classification, readInterval(r, r.object(node, "top1", at), at + ".top1"),
                new CalibrationError(bins), paired));
        return readCosts(r, node, at, b);
    }

    /** The size, speed, memory, time and notes of a row, and the row. */
    private static MethodResult readCosts(Reader r, JsonNode node, String at, MethodResult.Builder b) {

        JsonNode bytes = node.path("modelFileBytes");
        if (bytes.isNumber()) {
            b.modelFileBytes(bytes.asLong());
        }
        readTiming(r, node, "latencyBatch1Millis", at).ifPresent(b::latencyBatch1Millis);
        readTiming(r, node, "throughputBatch32PerSecond", at).ifPresent(b::throughputBatch32PerSecond);
        JsonNode memory = node.path("peakMemory");
        if (memory.isObject()) {
            JsonNode baseline = memory.path("baselineBytes");
            b.peakMemory(new MemoryMeasurement(r.longValue(memory, "bytes", at + ".peakMemory"),
                    baseline.isMissingNode() || baseline.isNull() ? OptionalLong.empty()
                            : OptionalLong.of(r.longValue(memory, "baselineBytes", at + ".peakMemory")),
                    r.text(memory, "description", at + ".peakMemory")));
        }
        r.optionalNumber(node, "calibrationSeconds").ifPresent(b::calibrationSeconds);
        r.optionalNumber(node, "quantizationSeconds").ifPresent(b::quantizationSeconds);
        for (JsonNode note : r.array(node, "notes", at)) {
            b.note(note.asText());
        }
        // Optional: results.json files written before the field have no executed layers.
        JsonNode layers = node.path("executedLayers");
        for (int i = 0; i < layers.size(); i++) {
            JsonNode l = layers.get(i);
            String lAt = at + ".executedLayers[" + i + "]";
            b.executedLayer(new ExecutedLayer(r.text(l, "name", lAt), r.text(l, "type", lAt),
                    r.text(l, "precision", lAt), r.text(l, "tactic", lAt)));
        }
        return b.build();
    }

    private static Optional<ReferenceFidelity> readFidelity(Reader r, JsonNode node, String at) {
        if (node.isNull()) {
            return Optional.empty();
        }
        List<OutputFidelity> outputs = new ArrayList<>();
        JsonNode array = r.array(node, "outputs", at);
        for (int i = 0; i < array.size(); i++) {
            JsonNode o = array.get(i);
            String oAt = at + ".outputs[" + i + "]";
            JsonNode shapeNode = r.array(o, "sampleShape", oAt);
            long[] shape = new long[shapeNode.size()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = shapeNode.get(d).asLong();
            }
            outputs.add(new OutputFidelity(r.text(o, "name", oAt), shape, readAnyInterval(r, o, "sqnrDb", oAt),
                    readAnyInterval(r, o, "cosine", oAt), readAnyInterval(r, o, "maxAbsError", oAt),
                    readAnyInterval(r, o, "meanAbsError", oAt), r.integer(o, "argmaxAxis", oAt),
                    o.path("argmaxAgreement").isObject() ? Optional.of(readAnyInterval(r, o, "argmaxAgreement", oAt))
                            : Optional.empty(),
                    o.path("sequenceAgreement").isObject()
                            ? Optional.of(readAnyInterval(r, o, "sequenceAgreement", oAt)) : Optional.empty(),
                    r.longValue(o, "nonFiniteValues", oAt)));
        }
        return Optional.of(new ReferenceFidelity(r.integer(node, "samples", at), outputs));
    }

    /** An interval whose bounds may be written as "Infinity" or "-Infinity". */
    private static ConfidenceInterval readAnyInterval(Reader r, JsonNode parent, String field, String at) {
        JsonNode node = r.object(parent, field, at);
        String iAt = at + "." + field;
        return new ConfidenceInterval(r.anyNumber(node, "estimate", iAt), r.anyNumber(node, "lower", iAt),
                r.anyNumber(node, "upper", iAt), r.number(node, "level", iAt));
    }

    private static ConfidenceInterval readInterval(Reader r, JsonNode node, String at) {
        return new ConfidenceInterval(r.number(node, "estimate", at), r.number(node, "lower", at),
                r.number(node, "upper", at), r.number(node, "level", at));
    }

    private static Optional<TimingSummary> readTiming(Reader r, JsonNode parent, String field, String at) {
        JsonNode node = parent.path(field);
        if (!node.isObject()) {
            return Optional.empty();
        }
        String nodeAt = at + "." + field;
        return Optional.of(new TimingSummary(r.number(node, "median", nodeAt), r.number(node, "p10", nodeAt),
                r.number(node, "p90", nodeAt), r.integer(node, "count", nodeAt)));
    }

    /** Field access that names the file and the JSON path of whatever is missing. */
    private record Reader(String source) {

        InvalidInputException error(String path, String problem) {
            return new InvalidInputException("Results file " + source + ": " + path + " " + problem
                    + ". The file may be from another tool or edited by hand; rerun the comparison to rewrite it");
        }

        private JsonNode field(JsonNode node, String field, String at) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw error(path(at, field), "is missing");
            }
            return value;
        }

        private static String path(String at, String field) {
            return at.isEmpty() ? field : at + "." + field;
        }

        String text(JsonNode node, String field, String at) {
            return field(node, field, at).asText();
        }

        double number(JsonNode node, String field, String at) {
            JsonNode value = field(node, field, at);
            if (!value.isNumber()) {
                throw error(path(at, field), "is " + value + ", expected a number");
            }
            return value.asDouble();
        }

        /** A number, or the strings "Infinity" and "-Infinity" that stand for one JSON cannot hold. */
        double anyNumber(JsonNode node, String field, String at) {
            JsonNode value = field(node, field, at);
            if (value.isTextual() && (value.asText().equals("Infinity") || value.asText().equals("-Infinity"))) {
                return value.asText().startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            return number(node, field, at);
        }

        int integer(JsonNode node, String field, String at) {
            JsonNode value = field(node, field, at);
            if (!value.canConvertToInt()) {
                throw error(path(at, field), "is " + value + ", expected an integer");
            }
            return value.asInt();
        }

        long longValue(JsonNode node, String field, String at) {
            JsonNode value = field(node, field, at);
            if (!value.canConvertToLong()) {
                throw error(path(at, field), "is " + value + ", expected an integer");
            }
            return value.asLong();
        }

        OptionalDouble optionalNumber(JsonNode node, String field) {
            JsonNode value = node.get(field);
            return value != null && value.isNumber() ? OptionalDouble.of(value.asDouble()) : OptionalDouble.empty();
        }

        JsonNode array(JsonNode node, String field, String at) {
            JsonNode value = field(node, field, at);
            if (!value.isArray()) {
                throw error(path(at, field), "is not an array");
            }
            return value;
        }

        JsonNode object(JsonNode node, String field, String at) {
            JsonNode value = field(node, field, at);
            if (!value.isObject()) {
                throw error(path(at, field), "is not an object");
            }
            return value;
        }
    }
}
