package org.quant4j.calibration.table;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.quant4j.api.io.OutputTarget;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.Precision;
import org.quant4j.api.Provenance;
import org.quant4j.api.QuantException;
import org.quant4j.api.QuantParams;
import org.quant4j.api.Quant4jVersion;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.CalibrationResult;
import org.quant4j.api.calibration.CalibratorOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calibrated ranges of a model's tensors with what produced them: per tensor a {@link TensorRange},
 * the calibrator id and options, and optionally the per-tensor scheme its quantization parameters
 * are meant for; per table the calibration method, the data fingerprint, the number of samples,
 * the seed, the quant4j version and a {@link Provenance}. Immutable; build with {@link #builder()}.
 *
 * <p><b>Order.</b> Entries are kept sorted by tensor name ({@link String#compareTo}), whatever the
 * order they were added in, so that the same ranges always give byte-identical files.
 *
 * <p><b>Files.</b> {@link #write(Path)} writes UTF-8 JSON with a {@code "format"} of
 * {@value #FORMAT} and a {@code "formatVersion"} of {@value #FORMAT_VERSION}; {@link #read(Path)}
 * reads it back and rejects other formats, newer versions, missing, unknown or mistyped fields
 * with an {@link InvalidInputException} naming the file and the field. Doubles are written in
 * their shortest exact decimal form, so ranges survive a round trip bit for bit. Files are
 * written atomically, and a table never writes over the file it was read from (its
 * {@link #source()}) unless asked to with {@link #writeToSource()}.
 */
public final class CalibrationTable {

    /** Value of the {@code "format"} field of every table file. */
    public static final String FORMAT = "quant4j-calibration-table";
    /** The newest (and only) table file version this class reads and writes. */
    public static final int FORMAT_VERSION = 1;
    /** Version recorded when the quant4j version cannot be found (classes not run from the jar). */
    public static final String UNKNOWN_VERSION = Quant4jVersion.UNKNOWN;

    private static final Logger LOG = LoggerFactory.getLogger(CalibrationTable.class);
    private static final String WHAT = "calibration table";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Set<String> TABLE_FIELDS = Set.of("format", "formatVersion", "calibrationMethod",
            "dataFingerprint", "numSamples", "seed", "quant4jVersion", "provenance", "tensors");
    private static final Set<String> ENTRY_FIELDS = Set.of("min", "max", "method", "options", "scheme");
    private static final Set<String> SCHEME_FIELDS = Set.of("precision", "symmetric", "narrowRange", "reducedRange");

    private final String calibrationMethod;
    private final String dataFingerprint;
    private final long numSamples;
    private final long seed;
    private final String quant4jVersion;
    private final Provenance provenance;
    private final Map<String, Entry> entries;
    private final Path source;

    private CalibrationTable(Builder b) {
        this.calibrationMethod = b.calibrationMethod;
        this.dataFingerprint = b.dataFingerprint;
        this.numSamples = b.numSamples;
        this.seed = b.seed;
        this.quant4jVersion = b.quant4jVersion;
        this.provenance = b.provenance;
        this.entries = Collections.unmodifiableMap(new TreeMap<>(b.entries));
        this.source = b.source;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The range of one tensor and how it was obtained.
     *
     * @param range   the calibrated range
     * @param method  id of the calibrator that produced it, e.g. {@code "entropy"}
     * @param options the calibrator's options
     * @param scheme  the per-tensor scheme the range is to be quantized with, if known
     */
    public record Entry(TensorRange range, String method, CalibratorOptions options, Optional<QuantScheme> scheme) {

        public Entry {
            Objects.requireNonNull(range, "range");
            requireNonBlank(method, "method");
            options = options == null ? CalibratorOptions.empty() : options;
            scheme = scheme == null ? Optional.empty() : scheme;
            if (scheme.isPresent() && scheme.get().perChannel()) {
                throw new InvalidInputException("A calibration table entry holds one range, so its scheme must be"
                        + " per tensor, got " + scheme.get());
            }
        }

        /** An entry without options or scheme. */
        public static Entry of(TensorRange range, String method) {
            return new Entry(range, method, CalibratorOptions.empty(), Optional.empty());
        }

        /** An entry without options or scheme, for one of quant4j's methods. */
        public static Entry of(TensorRange range, CalibrationMethod method) {
            return of(range, method.id());
        }

        /** This entry with its scheme set. */
        public Entry withScheme(QuantScheme scheme) {
            return new Entry(range, method, options, Optional.of(scheme));
        }

        /** This entry with its calibrator options set. */
        public Entry withOptions(CalibratorOptions options) {
            return new Entry(range, method, options, scheme);
        }

        /** Scale and zero point of the range under the entry's scheme, if it has one. */
        public Optional<QuantParams> quantParams() {
            return scheme.map(s -> QuantParams.forRange(range, s));
        }
    }

    /**
     * The table of a calibration run: its method, data fingerprint, samples, seed and provenance,
     * and per tensor its range, the method, the options its calibrator ran with
     * ({@link CalibrationResult#calibratorOptions(String)}) and the scheme it was calibrated for.
     */
    public static CalibrationTable of(CalibrationResult result) {
        Builder table = builder()
                .calibrationMethod(result.method())
                .dataFingerprint(result.dataFingerprint())
                .numSamples(result.samples())
                .seed(result.seed())
                .provenance(result.provenance());
        result.ranges().forEach((tensor, range) -> table.put(tensor, new Entry(range, result.method(),
                result.calibratorOptions(tensor), Optional.of(result.scheme(tensor)))));
        return table.build();
    }

    /** Id of the calibration method of the table, e.g. {@code "entropy"}. */
    public String calibrationMethod() {
        return calibrationMethod;
    }

    /** The {@link org.quant4j.api.data.Dataset#fingerprint()} of the calibration data. */
    public String dataFingerprint() {
        return dataFingerprint;
    }

    /** Number of calibration samples observed. */
    public long numSamples() {
        return numSamples;
    }

    /** Seed of the random choices made while calibrating (e.g. sample selection). */
    public long seed() {
        return seed;
    }

    /** Version of quant4j that made the table, or {@value #UNKNOWN_VERSION}. */
    public String quant4jVersion() {
        return quant4jVersion;
    }

    public Provenance provenance() {
        return provenance;
    }

    /** All entries, sorted by tensor name. */
    public Map<String, Entry> entries() {
        return entries;
    }

    /** The entry of {@code tensor}, if the table has one. */
    public Optional<Entry> entry(String tensor) {
        return Optional.ofNullable(entries.get(tensor));
    }

    /** The range of every tensor, sorted by tensor name. */
    public Map<String, TensorRange> ranges() {
        Map<String, TensorRange> ranges = new LinkedHashMap<>();
        entries.forEach((name, e) -> ranges.put(name, e.range()));
        return Collections.unmodifiableMap(ranges);
    }

    public int size() {
        return entries.size();
    }

    /**
     * The file this table was read from, directly or through a conversion (e.g. from a TensorRT
     * calibration cache); empty for a table built in memory. Not part of {@link #equals}.
     */
    public Optional<Path> source() {
        return Optional.ofNullable(source);
    }

    /** A builder holding everything of this table, including its source. */
    public Builder toBuilder() {
        Builder b = new Builder()
                .calibrationMethod(calibrationMethod)
                .dataFingerprint(dataFingerprint)
                .numSamples(numSamples)
                .seed(seed)
                .quant4jVersion(quant4jVersion)
                .provenance(provenance)
                .source(source);
        b.entries.putAll(entries);
        return b;
    }

    /** Reads a table file written by {@link #write(Path)}; its path becomes the table's {@link #source()}. */
    public static CalibrationTable read(Path file) {
        String text = TextFiles.read(file, WHAT);
        return new JsonReader(file.toString()).table(text).source(file).build();
    }

    /**
     * Parses the JSON of a table; {@code origin} names where the text comes from in error messages.
     * The table has no {@link #source()}.
     */
    public static CalibrationTable fromJson(String json, String origin) {
        return new JsonReader(origin).table(json).build();
    }

    /** The table as JSON text, the content {@link #write(Path)} writes; lines end with {@code \n}. */
    public String toJson() {
        StringWriter out = new StringWriter();
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withObjectIndenter(indenter).withArrayIndenter(indenter);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.setPrettyPrinter(printer);
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("formatVersion", FORMAT_VERSION);
            g.writeStringField("calibrationMethod", calibrationMethod);
            g.writeStringField("dataFingerprint", dataFingerprint);
            g.writeNumberField("numSamples", numSamples);
            g.writeNumberField("seed", seed);
            g.writeStringField("quant4jVersion", quant4jVersion);
            writeStrings(g, "provenance", provenance.entries());
            g.writeObjectFieldStart("tensors");
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                Entry entry = e.getValue();
                g.writeObjectFieldStart(e.getKey());
                g.writeNumberField("min", entry.range().min());
                g.writeNumberField("max", entry.range().max());
                g.writeStringField("method", entry.method());
                writeStrings(g, "options", entry.options().asMap());
                if (entry.scheme().isPresent()) {
                    QuantScheme s = entry.scheme().get();
                    g.writeObjectFieldStart("scheme");
                    g.writeStringField("precision", s.precision().name().toLowerCase(Locale.ROOT));
                    g.writeBooleanField("symmetric", s.symmetric());
                    g.writeBooleanField("narrowRange", s.narrowRange());
                    if (s.reducedRange()) {
                        g.writeBooleanField("reducedRange", true);
                    }
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing JSON to memory failed", e);
        }
        return out.append('\n').toString();
    }

    private static void writeStrings(JsonGenerator g, String field, Map<String, String> values) throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, String> e : values.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    /**
     * Writes the table to {@code file} atomically, replacing an existing file unless it is this
     * table's {@link #source()}, which is refused with an {@link InvalidInputException}.
     */
    public void write(Path file) {
        write(OutputTarget.replacing(file, WHAT));
    }

    /**
     * Writes the table to {@code target} (atomically; exclusively unless the target allows replacing),
     * refusing the target's inputs and this table's {@link #source()}.
     */
    public void write(OutputTarget target) {
        TextFiles.write(target, toJson(), source(), WHAT);
        LOG.debug("Wrote calibration table of {} tensors to {}", entries.size(), target.path());
    }

    /** Writes the table over its {@link #source()}, on purpose; throws when it has none. */
    public void writeToSource() {
        TextFiles.replaceSource(source(), toJson(), WHAT);
        LOG.debug("Replaced calibration table {} ({} tensors)", source, entries.size());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CalibrationTable t && numSamples == t.numSamples && seed == t.seed
                && calibrationMethod.equals(t.calibrationMethod) && dataFingerprint.equals(t.dataFingerprint)
                && quant4jVersion.equals(t.quant4jVersion) && provenance.equals(t.provenance)
                && entries.equals(t.entries);
    }

    @Override
    public int hashCode() {
        return Objects.hash(calibrationMethod, dataFingerprint, numSamples, seed, quant4jVersion, provenance, entries);
    }

    @Override
    public String toString() {
        return "CalibrationTable[method=" + calibrationMethod + ", tensors=" + entries.size() + ", samples="
                + numSamples + ", seed=" + seed + ", data=" + dataFingerprint + "]";
    }

    private static String requireNonBlank(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException("The " + name + " of a calibration table must not be blank, got "
                    + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }

    /**
     * Builder of {@link CalibrationTable}. Calibration method, data fingerprint, number of samples
     * and seed are required; the quant4j version defaults to the running one, the provenance to
     * an empty one. Adding a tensor twice keeps the last entry.
     */
    public static final class Builder {
        private String calibrationMethod;
        private String dataFingerprint;
        private long numSamples = -1;
        private Long seed;
        private String quant4jVersion = Quant4jVersion.get();
        private Provenance provenance = Provenance.builder().build();
        private final Map<String, Entry> entries = new TreeMap<>();
        private Path source;

        private Builder() {
        }

        public Builder calibrationMethod(String methodId) {
            this.calibrationMethod = requireNonBlank(methodId, "calibration method");
            return this;
        }

        public Builder calibrationMethod(CalibrationMethod method) {
            return calibrationMethod(method.id());
        }

        public Builder dataFingerprint(String fingerprint) {
            this.dataFingerprint = requireNonBlank(fingerprint, "data fingerprint");
            return this;
        }

        public Builder numSamples(long numSamples) {
            if (numSamples < 0) {
                throw new InvalidInputException("The number of calibration samples must be >= 0, got " + numSamples);
            }
            this.numSamples = numSamples;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder quant4jVersion(String version) {
            this.quant4jVersion = requireNonBlank(version, "quant4j version");
            return this;
        }

        public Builder provenance(Provenance provenance) {
            this.provenance = Objects.requireNonNull(provenance, "provenance");
            return this;
        }

        /** Adds or replaces the entry of {@code tensor}. */
        public Builder put(String tensor, Entry entry) {
            entries.put(requireNonBlank(tensor, "tensor name"), Objects.requireNonNull(entry, "entry"));
            return this;
        }

        /** Removes the entry of {@code tensor}, if any. */
        public Builder remove(String tensor) {
            entries.remove(tensor);
            return this;
        }

        /** Sets the file the table is read or converted from; see {@link CalibrationTable#source()}. */
        public Builder source(Path source) {
            this.source = source;
            return this;
        }

        public CalibrationTable build() {
            StringBuilder missing = new StringBuilder();
            if (calibrationMethod == null) {
                missing.append(", calibrationMethod");
            }
            if (dataFingerprint == null) {
                missing.append(", dataFingerprint");
            }
            if (numSamples < 0) {
                missing.append(", numSamples");
            }
            if (seed == null) {
                missing.append(", seed");
            }
            if (missing.length() > 0) {
                throw new InvalidInputException("A calibration table needs " + missing.substring(2)
                        + ": set them on the builder so the table records how it was made");
            }
            return new CalibrationTable(this);
        }
    }

    /** Strict reader of table JSON: every error names the origin and the field. */
    private static final class JsonReader {
        private final String origin;

        JsonReader(String origin) {
            this.origin = origin;
        }

        Builder table(String text) {
            JsonNode root;
            try {
                root = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                JsonLocation at = e.getLocation();
                throw new InvalidInputException("Calibration table " + origin + " is not valid JSON"
                        + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                        + ": " + e.getOriginalMessage(), e);
            }
            if (root == null || !root.isObject()) {
                throw error("the top level must be a JSON object");
            }
            String format = text(root, "format", "format");
            if (!FORMAT.equals(format)) {
                throw error("field 'format' is '" + format + "', expected '" + FORMAT
                        + "': this is not a quant4j calibration table");
            }
            long version = integer(root, "formatVersion", "formatVersion");
            if (version > FORMAT_VERSION) {
                throw error("field 'formatVersion' is " + version + ", but this quant4j reads versions up to "
                        + FORMAT_VERSION + ": the table was written by a newer quant4j; upgrade quant4j or"
                        + " recalibrate with this version");
            }
            if (version < 1) {
                throw error("field 'formatVersion' is " + version + ": versions start at 1");
            }
            rejectUnknown(root, TABLE_FIELDS, "");
            long numSamples = integer(root, "numSamples", "numSamples");
            if (numSamples < 0) {
                throw error("field 'numSamples' is " + numSamples + ": it must be >= 0");
            }
            Builder b = builder()
                    .calibrationMethod(nonBlankText(root, "calibrationMethod", "calibrationMethod"))
                    .dataFingerprint(nonBlankText(root, "dataFingerprint", "dataFingerprint"))
                    .numSamples(numSamples)
                    .seed(integer(root, "seed", "seed"))
                    .quant4jVersion(nonBlankText(root, "quant4jVersion", "quant4jVersion"));
            Provenance.Builder p = Provenance.builder();
            strings(root, "provenance", "provenance").forEach(p::put);
            b.provenance(p.build());
            JsonNode tensors = object(root, "tensors", "tensors");
            for (Map.Entry<String, JsonNode> t : tensors.properties()) {
                String path = "tensors[\"" + t.getKey() + "\"]";
                if (t.getKey().isBlank()) {
                    throw error("a tensor name in 'tensors' is blank; every entry needs the tensor's name");
                }
                b.put(t.getKey(), entry(t.getValue(), path));
            }
            return b;
        }

        private Entry entry(JsonNode node, String path) {
            if (!node.isObject()) {
                throw error("field '" + path + "' must be an object with min, max, method and options");
            }
            rejectUnknown(node, ENTRY_FIELDS, path + ".");
            double min = number(node, "min", path + ".min");
            double max = number(node, "max", path + ".max");
            TensorRange range;
            try {
                range = new TensorRange(min, max);
            } catch (QuantException e) {
                throw error("fields '" + path + ".min' and '" + path + ".max' are not a valid range: " + e.getMessage(), e);
            }
            String method = nonBlankText(node, "method", path + ".method");
            CalibratorOptions options = CalibratorOptions.of(strings(node, "options", path + ".options"));
            Optional<QuantScheme> scheme = node.has("scheme")
                    ? Optional.of(scheme(object(node, "scheme", path + ".scheme"), path + ".scheme"))
                    : Optional.empty();
            try {
                return new Entry(range, method, options, scheme);
            } catch (QuantException e) {
                throw error("field '" + path + "' is invalid: " + e.getMessage(), e);
            }
        }

        private QuantScheme scheme(JsonNode node, String path) {
            rejectUnknown(node, SCHEME_FIELDS, path + ".");
            String precisionName = text(node, "precision", path + ".precision");
            boolean symmetric = bool(node, "symmetric", path + ".symmetric");
            boolean narrowRange = bool(node, "narrowRange", path + ".narrowRange");
            boolean reducedRange = node.has("reducedRange") && bool(node, "reducedRange", path + ".reducedRange");
            try {
                return QuantScheme.builder().precision(Precision.parse(precisionName)).symmetric(symmetric)
                        .narrowRange(narrowRange).reducedRange(reducedRange).build();
            } catch (QuantException e) {
                throw error("field '" + path + "' is not a valid scheme: " + e.getMessage(), e);
            }
        }

        private JsonNode require(JsonNode parent, String key, String path) {
            JsonNode v = parent.get(key);
            if (v == null || v.isNull()) {
                throw error("field '" + path + "' is missing: the file is incomplete or was not written by quant4j;"
                        + " write it again with CalibrationTable.write");
            }
            return v;
        }

        private String text(JsonNode parent, String key, String path) {
            JsonNode v = require(parent, key, path);
            if (!v.isTextual()) {
                throw error("field '" + path + "' must be a string, got " + v);
            }
            return v.textValue();
        }

        private String nonBlankText(JsonNode parent, String key, String path) {
            String v = text(parent, key, path);
            if (v.isBlank()) {
                throw error("field '" + path + "' is blank: it must name something");
            }
            return v;
        }

        private long integer(JsonNode parent, String key, String path) {
            JsonNode v = require(parent, key, path);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw error("field '" + path + "' must be a whole number within 64 bits, got " + v);
            }
            return v.longValue();
        }

        private double number(JsonNode parent, String key, String path) {
            JsonNode v = require(parent, key, path);
            if (!v.isNumber()) {
                throw error("field '" + path + "' must be a number, got " + v);
            }
            return v.doubleValue();
        }

        private boolean bool(JsonNode parent, String key, String path) {
            JsonNode v = require(parent, key, path);
            if (!v.isBoolean()) {
                throw error("field '" + path + "' must be true or false, got " + v);
            }
            return v.booleanValue();
        }

        private JsonNode object(JsonNode parent, String key, String path) {
            JsonNode v = require(parent, key, path);
            if (!v.isObject()) {
                throw error("field '" + path + "' must be a JSON object, got " + v);
            }
            return v;
        }

        private Map<String, String> strings(JsonNode parent, String key, String path) {
            JsonNode node = object(parent, key, path);
            Map<String, String> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (!e.getValue().isTextual()) {
                    throw error("field '" + path + "." + e.getKey() + "' must be a string, got " + e.getValue());
                }
                values.put(e.getKey(), e.getValue().textValue());
            }
            return values;
        }

        private void rejectUnknown(JsonNode node, Set<String> known, String prefix) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String name = field.getKey();
                if (!known.contains(name)) {
                    throw error("field '" + prefix + name + "' is not part of format version " + FORMAT_VERSION
                            + " (known fields: " + new TreeSet<>(known) + "); remove it");
                }
            }
        }

        private InvalidInputException error(String problem) {
            return new InvalidInputException("Calibration table " + origin + ": " + problem);
        }

        private InvalidInputException error(String problem, Throwable cause) {
            return new InvalidInputException("Calibration table " + origin + ": " + problem, cause);
        }
    }
}
