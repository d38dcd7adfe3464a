package org.quant4j.calibration.table;

import java.nio.file.Path;
import org.quant4j.api.io.OutputTarget;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.Provenance;
import org.quant4j.api.QuantParams;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.TensorRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TensorRT INT8 calibration cache, the text file TensorRT's calibrators read and write:
 *
 * <pre>
 * TRT-8601-EntropyCalibration2
 * input:0: 3c010204
 * conv1_out: 3d895e44
 * </pre>
 *
 * <p>The header is {@code TRT-<version>-<algorithm>}, with the TensorRT version as an integer
 * (8601 for 8.6.1, 100100 for 10.1.0). Each further line is {@code <tensor>: <scale>}, the scale
 * written as the 8 hexadecimal digits of its IEEE-754 float32 bit pattern, most significant first
 * ({@code Integer.toHexString(Float.floatToIntBits(scale))} padded to 8 digits). TensorRT
 * quantizes symmetrically to {@code [-127, 127]}, so {@code scale = amax / 127}: amax 1.0 is scale
 * 1/127, written {@code 3c010204}. Tensor names may contain {@code ':'} and {@code ": "}; the
 * scale follows the last {@code ": "} of a line.
 *
 * <p>Reading accepts CRLF line ends, trailing white space and blank lines at the end of the file,
 * and upper- or lower-case hex; anything else that is not the format (a bad header, a line
 * without {@code ": "}, a value that is not 8 hex digits, a scale that is not finite and positive,
 * a tensor listed twice) throws an {@link InvalidInputException} naming the file, the line number
 * and the line. Writing uses lower-case hex and ends every line, the last one too, with
 * {@code \n}. Entries keep the order of the file or of insertion.
 *
 * <p>Like {@link CalibrationTable}, a cache is written atomically and never over the file it was
 * read from, unless {@link #writeToSource()} asks for it.
 */
public final class TensorRtCalibrationCache {

    /** TensorRT's calibration algorithms, as named in the cache header. */
    public enum Algorithm {
        /** {@code IInt8EntropyCalibrator2}, TensorRT's recommended calibrator. */
        ENTROPY_CALIBRATION_2("EntropyCalibration2", CalibrationMethod.ENTROPY.id()),
        /** {@code IInt8EntropyCalibrator}, the original entropy calibrator. */
        ENTROPY_CALIBRATION("EntropyCalibration", CalibrationMethod.ENTROPY.id()),
        /** {@code IInt8MinMaxCalibrator}. */
        MIN_MAX_CALIBRATION("MinMaxCalibration", CalibrationMethod.MIN_MAX.id()),
        /** {@code IInt8LegacyCalibrator}, quantile and regression cutoff. */
        LEGACY_CALIBRATION("LegacyCalibration", "tensorrt-legacy");

        private final String headerName;
        private final String methodId;

        Algorithm(String headerName, String methodId) {
            this.headerName = headerName;
            this.methodId = methodId;
        }

        /** The name in the cache header, e.g. {@code EntropyCalibration2}. */
        public String headerName() {
            return headerName;
        }

        /**
         * The calibration method id recorded in a {@link CalibrationTable} converted from a cache of
         * this algorithm: {@code entropy}, {@code minmax}, or {@code tensorrt-legacy}, which
         * quant4j does not implement.
         */
        public String methodId() {
            return methodId;
        }

        /** The algorithm with this header name (exact, case-sensitive), or empty. */
        public static Optional<Algorithm> fromHeaderName(String name) {
            return Arrays.stream(values()).filter(a -> a.headerName.equals(name)).findFirst();
        }
    }

    /** Levels on each side of zero: TensorRT's {@code scale = amax / 127}. */
    private static final double LEVELS = 127.0;
    private static final String WHAT = "TensorRT calibration cache";
    private static final Pattern HEADER = Pattern.compile("TRT-(\\d{1,9})-([A-Za-z0-9]+)");
    private static final Pattern HEX8 = Pattern.compile("[0-9a-fA-F]{8}");
    private static final String SEPARATOR = ": ";
    private static final Logger LOG = LoggerFactory.getLogger(TensorRtCalibrationCache.class);

    private final int version;
    private final Algorithm algorithm;
    private final Map<String, Float> scales;
    private final Path source;

    private TensorRtCalibrationCache(Builder b) {
        this.version = b.version;
        this.algorithm = b.algorithm;
        this.scales = Collections.unmodifiableMap(new LinkedHashMap<>(b.scales));
        this.source = b.source;
    }

    /** A builder for a cache with this header, e.g. {@code builder(8601, ENTROPY_CALIBRATION_2)}. */
    public static Builder builder(int tensorRtVersion, Algorithm algorithm) {
        return new Builder(tensorRtVersion, algorithm);
    }

    /** The TensorRT version of the header as an integer, e.g. 8601 or 100100. */
    public int version() {
        return version;
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    /** The header line, e.g. {@code TRT-8601-EntropyCalibration2}. */
    public String header() {
        return "TRT-" + version + "-" + algorithm.headerName();
    }

    /** Scale of every tensor, in file or insertion order. */
    public Map<String, Float> scales() {
        return scales;
    }

    /** The scale of {@code tensor}, if the cache has one. */
    public Optional<Float> scale(String tensor) {
        return Optional.ofNullable(scales.get(tensor));
    }

    /**
     * The amax of {@code tensor}, {@code scale * 127} computed in double precision, where it is
     * exact; converting it back with {@link #fromTable} gives the same scale bits.
     */
    public Optional<Double> amax(String tensor) {
        return scale(tensor).map(TensorRtCalibrationCache::amaxOf);
    }

    public int size() {
        return scales.size();
    }

    /** The file this cache was read from, directly or through a conversion; not part of {@link #equals}. */
    public Optional<Path> source() {
        return Optional.ofNullable(source);
    }

    /**
     * The cache of {@code table}: each entry's scale is the int8 symmetric scale of its range
     * ({@link QuantParams#forRange} with {@link QuantScheme#INT8_SYMMETRIC}, i.e.
     * {@code TensorRange.amax() / 127} as float32). An all-zero range has no natural scale and gets
     * {@link QuantParams#ZERO_RANGE_SCALE}, as everywhere in quant4j. Entries follow the table's
     * order; the cache keeps the table's source.
     */
    public static TensorRtCalibrationCache fromTable(CalibrationTable table, int tensorRtVersion, Algorithm algorithm) {
        Builder b = builder(tensorRtVersion, algorithm).source(table.source().orElse(null));
        table.entries().forEach((name, entry) -> b.put(name, scaleOf(entry.range())));
        return b.build();
    }

    /**
     * A table builder holding this cache's ranges: per tensor {@code [-amax, amax]} with
     * {@code amax = scale * 127}, the method {@link Algorithm#methodId()} and the scheme
     * {@link QuantScheme#INT8_SYMMETRIC}. The table's calibration method is set likewise and its
     * provenance records the TensorRT version and algorithm. A cache does not record the data
     * fingerprint, number of samples or seed, so the caller sets them before
     * {@link CalibrationTable.Builder#build()}.
     */
    public CalibrationTable.Builder toTableBuilder() {
        CalibrationTable.Builder b = CalibrationTable.builder()
                .calibrationMethod(algorithm.methodId())
                .provenance(Provenance.builder()
                        .put("calibration.importedFrom", "tensorrt-calibration-cache")
                        .put("tensorrt.version", Integer.toString(version))
                        .put("tensorrt.algorithm", algorithm.headerName())
                        .build())
                .source(source);
        scales.forEach((name, scale) -> b.put(name, CalibrationTable.Entry
                .of(TensorRange.symmetric(amaxOf(scale)), algorithm.methodId())
                .withScheme(QuantScheme.INT8_SYMMETRIC)));
        return b;
    }

    private static double amaxOf(float scale) {
        // A float32 times 127 needs at most 31 significant bits: exact in double.
        return scale * LEVELS;
    }

    private static float scaleOf(TensorRange range) {
        return QuantParams.forRange(range, QuantScheme.INT8_SYMMETRIC).scale(0);
    }

    /** Reads a cache file; its path becomes the cache's {@link #source()}. */
    public static TensorRtCalibrationCache read(Path file) {
        return parse(TextFiles.read(file, WHAT), file.toString()).toBuilder().source(file).build();
    }

    /** Parses cache text; {@code origin} names where it comes from in error messages. */
    public static TensorRtCalibrationCache parse(String text, String origin) {
        List<String> lines = Arrays.stream(text.split("\n", -1)).map(String::stripTrailing).collect(Collectors.toList());
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.isEmpty()) {
            throw new InvalidInputException(WHAT + " " + origin + " is empty: it must start with a header such as"
                    + " TRT-8601-EntropyCalibration2");
        }
        Matcher header = HEADER.matcher(lines.get(0));
        if (!header.matches()) {
            throw lineError(origin, 1, lines.get(0), "is not a header of the form TRT-<version>-<algorithm>, e.g."
                    + " TRT-8601-EntropyCalibration2");
        }
        Optional<Algorithm> algorithm = Algorithm.fromHeaderName(header.group(2));
        if (algorithm.isEmpty()) {
            throw lineError(origin, 1, lines.get(0), "names an unknown calibration algorithm '" + header.group(2)
                    + "'; known: " + Arrays.stream(Algorithm.values()).map(Algorithm::headerName)
                            .collect(Collectors.joining(", ")));
        }
        int version = Integer.parseInt(header.group(1));
        if (version == 0) {
            throw lineError(origin, 1, lines.get(0), "has TensorRT version 0; versions are positive, e.g. 8601");
        }
        Builder b = builder(version, algorithm.get());
        Map<String, Integer> firstLine = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i);
            int sep = line.lastIndexOf(SEPARATOR);
            if (sep < 0) {
                throw lineError(origin, lineNo, line, "has no ': ' between a tensor name and its scale");
            }
            String name = line.substring(0, sep);
            String hex = line.substring(sep + SEPARATOR.length());
            if (name.isEmpty()) {
                throw lineError(origin, lineNo, line, "has an empty tensor name");
            }
            if (!HEX8.matcher(hex).matches()) {
                throw lineError(origin, lineNo, line, "has scale '" + hex + "', expected 8 hex digits (the float32"
                        + " bits of amax / 127, e.g. 3c010204)");
            }
            float scale = Float.intBitsToFloat(Integer.parseUnsignedInt(hex, 16));
            if (!validScale(scale)) {
                throw lineError(origin, lineNo, line, "has scale " + scale + " (" + hex + "); a scale must be finite"
                        + " and > 0");
            }
            Integer previous = firstLine.putIfAbsent(name, lineNo);
            if (previous != null) {
                throw lineError(origin, lineNo, line, "repeats tensor '" + name + "' of line " + previous
                        + "; each tensor has one scale");
            }
            b.put(name, scale);
        }
        return b.build();
    }

    private static InvalidInputException lineError(String origin, int lineNo, String line, String problem) {
        return new InvalidInputException(WHAT + " " + origin + ", line " + lineNo + " '" + line + "' " + problem);
    }

    private static boolean validScale(float scale) {
        return scale > 0 && Float.isFinite(scale);
    }

    /** The cache as text, the content {@link #write(Path)} writes. */
    public String toText() {
        StringBuilder sb = new StringBuilder(header()).append('\n');
        scales.forEach((name, scale) -> sb.append(name).append(SEPARATOR).append(hex8(scale)).append('\n'));
        return sb.toString();
    }

    /** The 8 lower-case hex digits of the float32 bits of {@code scale}, most significant first. */
    private static String hex8(float scale) {
        String hex = Integer.toHexString(Float.floatToIntBits(scale));
        return "0".repeat(8 - hex.length()) + hex;
    }

    /**
     * Writes the cache to {@code file} atomically, replacing an existing file unless it is this
     * cache's {@link #source()}, which is refused with an {@link InvalidInputException}.
     */
    public void write(Path file) {
        write(OutputTarget.replacing(file, WHAT));
    }

    /**
     * Writes the cache to {@code target} (atomically; exclusively unless the target allows replacing),
     * refusing the target's inputs and this cache's {@link #source()}.
     */
    public void write(OutputTarget target) {
        TextFiles.write(target, toText(), source(), WHAT);
        LOG.debug("Wrote TensorRT calibration cache of {} tensors to {}", scales.size(), target.path());
    }

    /** Writes the cache over its {@link #source()}, on purpose; throws when it has none. */
    public void writeToSource() {
        TextFiles.replaceSource(source(), toText(), WHAT);
        LOG.debug("Replaced TensorRT calibration cache {} ({} tensors)", source, scales.size());
    }

    /** A builder holding everything of this cache, including its source. */
    public Builder toBuilder() {
        Builder b = new Builder(version, algorithm).source(source);
        b.scales.putAll(scales);
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorRtCalibrationCache c && version == c.version && algorithm == c.algorithm
                && scales.equals(c.scales) && List.copyOf(scales.keySet()).equals(List.copyOf(c.scales.keySet()));
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, algorithm, scales);
    }

    @Override
    public String toString() {
        return "TensorRtCalibrationCache[" + header() + ", tensors=" + scales.size() + "]";
    }

    /** Builder of {@link TensorRtCalibrationCache}; adding a tensor twice keeps the last scale. */
    public static final class Builder {
        private final int version;
        private final Algorithm algorithm;
        private final Map<String, Float> scales = new LinkedHashMap<>();
        private Path source;

        private Builder(int version, Algorithm algorithm) {
            if (version <= 0) {
                throw new InvalidInputException("A TensorRT version is a positive integer such as 8601 (8.6.1), got "
                        + version);
            }
            this.version = version;
            this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        }

        /** Adds or replaces the scale of {@code tensor}; the scale must be finite and > 0. */
        public Builder put(String tensor, float scale) {
            Objects.requireNonNull(tensor, "tensor");
            if (tensor.isEmpty() || tensor.indexOf('\n') >= 0 || tensor.indexOf('\r') >= 0) {
                throw new InvalidInputException("Tensor name '" + tensor + "' cannot be written to a TensorRT"
                        + " calibration cache: it must be non-empty and on one line");
            }
            if (!validScale(scale)) {
                throw new InvalidInputException("Scale of tensor '" + tensor + "' must be finite and > 0, got " + scale);
            }
            scales.put(tensor, scale);
            return this;
        }

        /** Adds or replaces {@code tensor} with the scale of amax, {@code amax / 127} as float32. */
        public Builder putAmax(String tensor, double amax) {
            return put(tensor, scaleOf(TensorRange.symmetric(amax)));
        }

        /** Sets the file the cache is read or converted from; see {@link TensorRtCalibrationCache#source()}. */
        public Builder source(Path source) {
            this.source = source;
            return this;
        }

        public TensorRtCalibrationCache build() {
            return new TensorRtCalibrationCache(this);
        }
    }
}
