package org.quant4j.api.quantize;

import java.nio.file.Path;
import org.quant4j.api.io.AtomicFiles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.quant4j.api.Provenance;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.TensorRange;
import org.quant4j.api.data.SampleShapes;

/**
 * What a quantizer produced: the output model, a decision for every node, the calibrated ranges,
 * what became of the weights, file sizes before and after, timings and provenance.
 */
public final class QuantizationResult {

    private final Path output;
    private final QuantizationMode mode;
    private final List<NodeDecision> decisions;
    private final Map<String, TensorRange> ranges;
    private final long inputBytes;
    private final long outputBytes;
    private final Duration calibrationTime;
    private final Duration totalTime;
    private final Provenance provenance;
    private final List<String> warnings;
    private final WeightSummary weights;
    private final SampleShapes calibrationShapes;

    private QuantizationResult(Builder b) {
        this.output = b.output;
        this.mode = b.mode;
        this.decisions = List.copyOf(b.decisions);
        this.ranges = Collections.unmodifiableMap(new LinkedHashMap<>(b.ranges));
        this.inputBytes = b.inputBytes;
        this.outputBytes = b.outputBytes;
        this.calibrationTime = b.calibrationTime;
        this.totalTime = b.totalTime;
        this.provenance = b.provenance;
        this.warnings = List.copyOf(b.warnings);
        this.weights = b.weights;
        this.calibrationShapes = b.calibrationShapes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The shapes of the samples the model was calibrated (or its float16 ranges checked) on, and how
     * many samples had each; empty when no data was used.
     */
    public Optional<SampleShapes> calibrationShapes() {
        return Optional.ofNullable(calibrationShapes);
    }

    public Path output() {
        return output;
    }

    public QuantizationMode mode() {
        return mode;
    }

    public List<NodeDecision> decisions() {
        return decisions;
    }

    /** Decisions with the given action. */
    public List<NodeDecision> decisions(NodeDecision.Action action) {
        return decisions.stream().filter(d -> d.action() == action).toList();
    }

    /** Calibrated activation ranges by tensor name (empty for dynamic and FP16 modes). */
    public Map<String, TensorRange> ranges() {
        return ranges;
    }

    /**
     * How many weight tensors were stored in the lower precision and how many stayed float, with
     * their bytes; empty when the quantizer does not count them.
     */
    public Optional<WeightSummary> weights() {
        return Optional.ofNullable(weights);
    }

    public long inputBytes() {
        return inputBytes;
    }

    public long outputBytes() {
        return outputBytes;
    }

    /** {@code inputBytes / outputBytes}. */
    public double compressionRatio() {
        return outputBytes == 0 ? 0 : (double) inputBytes / outputBytes;
    }

    public Duration calibrationTime() {
        return calibrationTime;
    }

    public Duration totalTime() {
        return totalTime;
    }

    /**
     * What the user should know about the model that did not stop it from being written, e.g. that
     * a model for the vnni kernel target saturates on CPUs without VNNI. Empty when all is well.
     */
    public List<String> warnings() {
        return warnings;
    }

    public Provenance provenance() {
        return provenance;
    }

    @Override
    public String toString() {
        return "QuantizationResult[" + mode + ", quantized=" + decisions(NodeDecision.Action.QUANTIZED).size()
                + ", skipped=" + decisions(NodeDecision.Action.SKIPPED).size() + ", " + inputBytes + " -> "
                + outputBytes + " bytes, output=" + output + "]";
    }

    /** Builder of {@link QuantizationResult}. */
    public static final class Builder {
        private Path output;
        private QuantizationMode mode = QuantizationMode.STATIC;
        private final List<NodeDecision> decisions = new ArrayList<>();
        private final Map<String, TensorRange> ranges = new LinkedHashMap<>();
        private long inputBytes;
        private long outputBytes;
        private Duration calibrationTime = Duration.ZERO;
        private Duration totalTime = Duration.ZERO;
        private Provenance provenance = Provenance.builder().build();
        private final List<String> warnings = new ArrayList<>();
        private WeightSummary weights;
        private SampleShapes calibrationShapes;

        private Builder() {
        }

        public Builder output(Path output) {
            this.output = output;
            return this;
        }

        public Builder mode(QuantizationMode mode) {
            this.mode = Objects.requireNonNull(mode);
            return this;
        }

        public Builder decision(NodeDecision decision) {
            decisions.add(Objects.requireNonNull(decision));
            return this;
        }

        public Builder range(String tensor, TensorRange range) {
            ranges.put(tensor, range);
            return this;
        }

        /** The output path and the sizes of the model and output files as they are on disk now. */
        public Builder files(Path model, Path output) {
            return output(output).sizes(AtomicFiles.size(model), AtomicFiles.size(output));
        }

        public Builder sizes(long inputBytes, long outputBytes) {
            this.inputBytes = inputBytes;
            this.outputBytes = outputBytes;
            return this;
        }

        public Builder calibrationTime(Duration d) {
            this.calibrationTime = Objects.requireNonNull(d);
            return this;
        }

        public Builder totalTime(Duration d) {
            this.totalTime = Objects.requireNonNull(d);
            return this;
        }

        public Builder provenance(Provenance p) {
            this.provenance = Objects.requireNonNull(p);
            return this;
        }

        public Builder warning(String warning) {
            warnings.add(Objects.requireNonNull(warning, "warning"));
            return this;
        }

        public Builder weights(WeightSummary summary) {
            this.weights = Objects.requireNonNull(summary, "summary");
            return this;
        }

        /** The shapes of the calibration samples ({@link QuantizationResult#calibrationShapes()}). */
        public Builder calibrationShapes(SampleShapes shapes) {
            this.calibrationShapes = Objects.requireNonNull(shapes, "shapes");
            return this;
        }

        public QuantizationResult build() {
            Objects.requireNonNull(output, "output");
            return new QuantizationResult(this);
        }
    }
}
