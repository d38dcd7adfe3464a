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
    private final List<ExecutedLayer> executedLayers;

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
        this.executedLayers = List.copyOf(b.executedLayers);
    }

    /**
     * A new builder; only the output path is required.
     *
     * @return a fresh builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The shapes of the samples the model was calibrated (or its float16 ranges checked) on, and how
     * many samples had each; empty when no data was used.
     *
     * @return the sample shapes, or empty
     */
    public Optional<SampleShapes> calibrationShapes() {
        return Optional.ofNullable(calibrationShapes);
    }

    /**
     * Where the quantized model was written.
     *
     * @return the output model file, never null
     */
    public Path output() {
        return output;
    }

    /**
     * The mode the model was quantized in.
     *
     * @return the quantization mode
     */
    public QuantizationMode mode() {
        return mode;
    }

    /**
     * What was done with each node, in the order the quantizer decided.
     *
     * @return the decisions, unmodifiable; empty when the quantizer reported none
     */
    public List<NodeDecision> decisions() {
        return decisions;
    }

    /**
     * Decisions with the given action.
     *
     * @param action the action to keep, e.g. {@link NodeDecision.Action#SKIPPED}
     * @return the matching decisions in order; empty when there are none
     */
    public List<NodeDecision> decisions(NodeDecision.Action action) {
        return decisions.stream().filter(d -> d.action() == action).toList();
    }

    /**
     * The layers of the compiled model and the precision each executes in, as the backend's runtime
     * reports them (TensorRT's engine inspector); empty for backends that write a model rather than
     * compile one, and for engines built without detailed layer information.
     *
     * @return the layers in execution order, unmodifiable
     */
    public List<ExecutedLayer> executedLayers() {
        return executedLayers;
    }

    /**
     * Calibrated activation ranges by tensor name (empty for dynamic and FP16 modes).
     *
     * @return the ranges in insertion order, unmodifiable
     */
    public Map<String, TensorRange> ranges() {
        return ranges;
    }

    /**
     * How many weight tensors were stored in the lower precision and how many stayed float, with
     * their bytes; empty when the quantizer does not count them.
     *
     * @return the weight summary, or empty
     */
    public Optional<WeightSummary> weights() {
        return Optional.ofNullable(weights);
    }

    /**
     * Size of the float model file that was quantized.
     *
     * @return its size in bytes
     */
    public long inputBytes() {
        return inputBytes;
    }

    /**
     * Size of the quantized model file.
     *
     * @return its size in bytes
     */
    public long outputBytes() {
        return outputBytes;
    }

    /**
     * {@code inputBytes / outputBytes}.
     *
     * @return how many times smaller the output is than the input, or 0 when the output size is 0
     */
    public double compressionRatio() {
        return outputBytes == 0 ? 0 : (double) inputBytes / outputBytes;
    }

    /**
     * Time spent running the model on calibration data.
     *
     * @return the calibration time; zero when no calibration was done
     */
    public Duration calibrationTime() {
        return calibrationTime;
    }

    /**
     * Wall-clock time of the whole quantization, calibration included.
     *
     * @return the total time; zero when not recorded
     */
    public Duration totalTime() {
        return totalTime;
    }

    /**
     * What the user should know about the model that did not stop it from being written, e.g. that
     * a model for the vnni kernel target saturates on CPUs without VNNI. Empty when all is well.
     *
     * @return the warnings in the order they were raised, unmodifiable
     */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * What produced the model: versions, configuration and inputs.
     *
     * @return the provenance, never null
     */
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
        private final List<ExecutedLayer> executedLayers = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets where the quantized model was written (required).
         *
         * @param output the output model file
         * @return this builder
         */
        public Builder output(Path output) {
            this.output = output;
            return this;
        }

        /**
         * Sets the mode the model was quantized in (static by default).
         *
         * @param mode the quantization mode, not null
         * @return this builder
         */
        public Builder mode(QuantizationMode mode) {
            this.mode = Objects.requireNonNull(mode);
            return this;
        }

        /**
         * Appends the decision taken for one node.
         *
         * @param decision the decision, not null
         * @return this builder
         */
        public Builder decision(NodeDecision decision) {
            decisions.add(Objects.requireNonNull(decision));
            return this;
        }

        /**
         * Appends one layer of the compiled model ({@link QuantizationResult#executedLayers()}).
         *
         * @param layer the layer, not null
         * @return this builder
         */
        public Builder executedLayer(ExecutedLayer layer) {
            executedLayers.add(Objects.requireNonNull(layer, "layer"));
            return this;
        }

        /**
         * Records the calibrated range of one activation tensor, replacing an earlier one.
         *
         * @param tensor the tensor's name in the graph
         * @param range its calibrated range
         * @return this builder
         */
        public Builder range(String tensor, TensorRange range) {
            ranges.put(tensor, range);
            return this;
        }

        /**
         * The output path and the sizes of the model and output files as they are on disk now.
         *
         * @param model the float model file that was quantized
         * @param output the quantized model file, already written
         * @return this builder
         */
        public Builder files(Path model, Path output) {
            return output(output).sizes(AtomicFiles.size(model), AtomicFiles.size(output));
        }

        /**
         * Sets the file sizes of the float and quantized models.
         *
         * @param inputBytes size of the float model, in bytes
         * @param outputBytes size of the quantized model, in bytes
         * @return this builder
         */
        public Builder sizes(long inputBytes, long outputBytes) {
            this.inputBytes = inputBytes;
            this.outputBytes = outputBytes;
            return this;
        }

        /**
         * Sets the time spent calibrating (zero by default).
         *
         * @param d the duration, not null
         * @return this builder
         */
        public Builder calibrationTime(Duration d) {
            this.calibrationTime = Objects.requireNonNull(d);
            return this;
        }

        /**
         * Sets the wall-clock time of the whole quantization (zero by default).
         *
         * @param d the duration, not null
         * @return this builder
         */
        public Builder totalTime(Duration d) {
            this.totalTime = Objects.requireNonNull(d);
            return this;
        }

        /**
         * Sets the provenance (an empty one by default).
         *
         * @param p the provenance, not null
         * @return this builder
         */
        public Builder provenance(Provenance p) {
            this.provenance = Objects.requireNonNull(p);
            return this;
        }

        /**
         * Appends a warning for the user; see {@link QuantizationResult#warnings()}.
         *
         * @param warning the message, not null
         * @return this builder
         */
        public Builder warning(String warning) {
            warnings.add(Objects.requireNonNull(warning, "warning"));
            return this;
        }

        /**
         * Sets the count of quantized and float weights.
         *
         * @param summary the weight summary, not null
         * @return this builder
         */
        public Builder weights(WeightSummary summary) {
            this.weights = Objects.requireNonNull(summary, "summary");
            return this;
        }

        /**
         * The shapes of the calibration samples ({@link QuantizationResult#calibrationShapes()}).
         *
         * @param shapes the sample shapes and their counts, not null
         * @return this builder
         */
        public Builder calibrationShapes(SampleShapes shapes) {
            this.calibrationShapes = Objects.requireNonNull(shapes, "shapes");
            return this;
        }

        /**
         * Builds the result.
         *
         * @return the immutable result
         * @throws NullPointerException when no output path was set
         */
        public QuantizationResult build() {
            Objects.requireNonNull(output, "output");
            return new QuantizationResult(this);
        }
    }
}
