package org.quant4j.calibration.stats;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.api.TensorRange;

/**
 * Writes layer-wise quantization statistics ({@link TensorStatistics}) as JSON or CSV. Each write is
 * atomic: a temporary file in the target's directory is moved over the target, so a reader never
 * sees a partial file. Output is deterministic: same statistics, same bytes.
 *
 * <p><b>JSON</b> (UTF-8): {@code {"format": "quant4j-tensor-statistics", "version": 1, "tensors": [...]}},
 * each tensor {@code {"name", "count", "nonFinite", "min", "max", "mean", "std",
 * "ranges": {"<method>": {"min", "max"}}, "histogram": {"binWidth", "counts": [...]}}}; a value that
 * is not a finite number (the moments of a tensor without finite values) is {@code null}.
 *
 * <p><b>CSV</b> (RFC 4180: UTF-8, CRLF line ends, fields holding a comma, quote, CR or LF quoted, quotes
 * doubled): header {@code name,count,min,max,mean,std,nonFinite}, then
 * {@code range_<method>_min,range_<method>_max} for every method of any tensor in order of first
 * appearance; one row per tensor, empty cells where a value is missing or not finite. Numbers use
 * {@link Double#toString(double)}, independent of the locale.
 */
public final class StatisticsExport {

    /** Value of the JSON {@code format} field. */
    public static final String FORMAT = "quant4j-tensor-statistics";
    /** Version of the JSON layout. */
    public static final int VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StatisticsExport() {
    }

    /** Writes {@code statistics} as JSON to {@code file}, replacing it atomically. */
    public static void writeJson(Collection<TensorStatistics> statistics, Path file) {
        writeJson(statistics, OutputTarget.replacing(file, "tensor statistics JSON"));
    }

    /** Writes {@code statistics} as CSV to {@code file}, replacing it atomically. */
    public static void writeCsv(Collection<TensorStatistics> statistics, Path file) {
        writeCsv(statistics, OutputTarget.replacing(file, "tensor statistics CSV"));
    }

    /** Writes {@code statistics} as JSON to {@code target}: atomically, exclusively unless it allows replacing. */
    public static void writeJson(Collection<TensorStatistics> statistics, OutputTarget target) {
        target.write(out -> writeJson(statistics, out));
    }

    /** Writes {@code statistics} as CSV to {@code target}: atomically, exclusively unless it allows replacing. */
    public static void writeCsv(Collection<TensorStatistics> statistics, OutputTarget target) {
        target.write(out -> writeCsv(statistics, out));
    }

    /** Writes {@code statistics} as JSON to {@code out}, which is left open. */
    public static void writeJson(Collection<TensorStatistics> statistics, OutputStream out) throws IOException {
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", VERSION);
            g.writeArrayFieldStart("tensors");
            for (TensorStatistics s : statistics) {
                writeTensor(g, s);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    private static void writeTensor(JsonGenerator g, TensorStatistics s) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", s.name());
        g.writeNumberField("count", s.count());
        g.writeNumberField("nonFinite", s.nonFiniteCount());
        writeNumber(g, "min", s.min());
        writeNumber(g, "max", s.max());
        writeNumber(g, "mean", s.mean());
        writeNumber(g, "std", s.std());
        g.writeObjectFieldStart("ranges");
        for (Map.Entry<String, TensorRange> r : s.ranges().entrySet()) {
            g.writeObjectFieldStart(r.getKey());
            g.writeNumberField("min", r.getValue().min());
            g.writeNumberField("max", r.getValue().max());
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeObjectFieldStart("histogram");
        g.writeNumberField("binWidth", s.histogramBinWidth());
        long[] counts = s.histogramCounts();
        g.writeArrayFieldStart("counts");
        for (long c : counts) {
            g.writeNumber(c);
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writeNumber(JsonGenerator g, String field, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumberField(field, v);
        } else {
            g.writeNullField(field);
        }
    }

    /** Writes {@code statistics} as CSV to {@code out}, which is left open. */
    public static void writeCsv(Collection<TensorStatistics> statistics, OutputStream out) throws IOException {
        Set<String> methods = new LinkedHashSet<>();
        for (TensorStatistics s : statistics) {
            methods.addAll(s.ranges().keySet());
        }
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        List<String> header = new ArrayList<>(List.of("name", "count", "min", "max", "mean", "std", "nonFinite"));
        for (String m : methods) {
            header.add("range_" + m + "_min");
            header.add("range_" + m + "_max");
        }
        writeRow(w, header);
        for (TensorStatistics s : statistics) {
            List<String> row = new ArrayList<>(header.size());
            row.add(s.name());
            row.add(Long.toString(s.count()));
            row.add(number(s.min()));
            row.add(number(s.max()));
            row.add(number(s.mean()));
            row.add(number(s.std()));
            row.add(Long.toString(s.nonFiniteCount()));
            for (String m : methods) {
                TensorRange r = s.ranges().get(m);
                row.add(r == null ? "" : number(r.min()));
                row.add(r == null ? "" : number(r.max()));
            }
            writeRow(w, row);
        }
        w.flush();
    }

    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    private static void writeRow(Writer w, List<String> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                w.write(',');
            }
            w.write(csvField(fields.get(i)));
        }
        w.write("\r\n");
    }

    /** One CSV field, quoted as RFC 4180 requires. */
    static String csvField(String s) {
        boolean quote = false;
        for (int i = 0; i < s.length() && !quote; i++) {
            char c = s.charAt(i);
            quote = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
