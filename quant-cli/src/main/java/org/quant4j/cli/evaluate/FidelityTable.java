package org.quant4j.cli.evaluate;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quant4j.api.evaluate.FidelityResult;
import org.quant4j.api.evaluate.OutputFidelity;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.cli.console.TextTable;

/** A {@link FidelityResult} as a per-output text table and as JSON values. */
final class FidelityTable {

    private FidelityTable() {
    }

    /** One row per output: shape, SQNR, cosine, errors and argmax agreements with their intervals. */
    static void print(FidelityResult result, PrintWriter out) {
        TextTable table = TextTable.withHeader("output", "shape", "SQNR dB", "cosine", "max |err|", "mean |err|",
                "argmax agree", "sequence agree");
        for (OutputFidelity o : result.outputs()) {
            table.row(o.name(), Arrays.toString(o.sampleShape()), interval(o.sqnrDb(), "%.2f"),
                    interval(o.cosine(), "%.5f"), String.format(Locale.ROOT, "%.4g", o.maxAbsError().estimate()),
                    interval(o.meanAbsError(), "%.4g"),
                    o.argmaxAgreement().map(ci -> percentInterval(ci) + " (axis " + o.argmaxAxis() + ")").orElse("-"),
                    o.sequenceAgreement().map(FidelityTable::percentInterval).orElse("-"));
        }
        table.print(out);
        for (OutputFidelity o : result.outputs()) {
            if (o.nonFiniteValues() > 0) {
                out.println("  Output '" + o.name() + "' has " + o.nonFiniteValues() + " inf/NaN values where the"
                        + " reference's are finite: the model overflows");
            }
        }
        if (!result.metrics().isEmpty()) {
            TextTable metrics = TextTable.withHeader("task metric", "mean");
            result.metrics().forEach((name, ci) -> metrics.row(name, interval(ci, "%.4f")));
            metrics.print(out);
        }
    }

    /** The result as JSON values: per output, each statistic with its interval. */
    static Map<String, Object> json(FidelityResult result) {
        List<Map<String, Object>> outputs = new ArrayList<>();
        for (OutputFidelity o : result.outputs()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", o.name());
            m.put("shape", o.sampleShape());
            m.put("sqnrDb", json(o.sqnrDb()));
            m.put("cosine", json(o.cosine()));
            m.put("maxAbsError", json(o.maxAbsError()));
            m.put("meanAbsError", json(o.meanAbsError()));
            if (o.argmaxAgreement().isPresent()) {
                m.put("argmaxAxis", o.argmaxAxis());
                m.put("argmaxAgreement", json(o.argmaxAgreement().get()));
                m.put("sequenceAgreement", json(o.sequenceAgreement().orElseThrow()));
            }
            m.put("nonFiniteValues", o.nonFiniteValues());
            outputs.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("outputs", outputs);
        Map<String, Object> metrics = new LinkedHashMap<>();
        result.metrics().forEach((name, ci) -> metrics.put(name, json(ci)));
        doc.put("metrics", metrics);
        return doc;
    }

    /** Estimate and bounds; infinite values as the strings {@code "Infinity"} and {@code "-Infinity"}. */
    private static Map<String, Object> json(ConfidenceInterval ci) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("estimate", number(ci.estimate()));
        m.put("lower", number(ci.lower()));
        m.put("upper", number(ci.upper()));
        m.put("level", ci.level());
        return m;
    }

    private static Object number(double v) {
        return Double.isFinite(v) ? (Object) v : (v > 0 ? "Infinity" : "-Infinity");
    }

    private static String interval(ConfidenceInterval ci, String format) {
        String estimate = text(ci.estimate(), format);
        if (ci.lower() == ci.upper()) {
            return estimate;
        }
        return estimate + " [" + text(ci.lower(), format) + ", " + text(ci.upper(), format) + "]";
    }

    private static String percentInterval(ConfidenceInterval ci) {
        String estimate = String.format(Locale.ROOT, "%.2f%%", 100 * ci.estimate());
        if (ci.lower() == ci.upper()) {
            return estimate;
        }
        return estimate + String.format(Locale.ROOT, " [%.2f, %.2f]", 100 * ci.lower(), 100 * ci.upper());
    }

    private static String text(double v, String format) {
        return Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : String.format(Locale.ROOT, format, v);
    }
}
