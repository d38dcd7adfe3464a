package org.quant4j.api.calibration;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.Provenance;
import org.quant4j.api.data.SampleShapes;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.TensorRange;

/**
 * What a {@link ModelCalibrator} measured: the range of every calibrated tensor with the scheme it
 * was calibrated for, how (method and options), on what (samples, data fingerprint, seed), how
 * long it took, and the provenance the backend records. A table file is made of it by
 * {@code org.quant4j.calibration.table.CalibrationTable.of}.
 */
public final class CalibrationResult {

    private final Map<String, TensorRange> ranges;
    private final Map<String, QuantScheme> schemes;
    private final String method;
    private final CalibratorOptions calibratorOptions;
    private final long samples;
    private final Duration time;
    private final String dataFingerprint;
    private final long seed;
    private final Provenance provenance;
    private final SampleShapes sampleShapes;

    private CalibrationResult(Builder b) {
        this.ranges = Collections.unmodifiableMap(new LinkedHashMap<>(b.ranges));
        this.schemes = Collections.unmodifiableMap(new LinkedHashMap<>(b.schemes));
        this.method = b.method;
        this.calibratorOptions = b.calibratorOptions;
        this.samples = b.samples;
        this.time = b.time;
        this.dataFingerprint = b.dataFingerprint;
        this.seed = b.seed;
        this.provenance = b.provenance;
        this.sampleShapes = b.sampleShapes;
    }

    /**
     * The shapes of the calibration samples and how many samples had each; empty when not recorded.
     *
     * @return the sample shapes, or empty
     */
    public java.util.Optional<SampleShapes> sampleShapes() {
        return java.util.Optional.ofNullable(sampleShapes);
    }

    /**
     * A new builder; the method and data fingerprint must be set before {@link Builder#build()}.
     *
     * @return a fresh builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Range of every calibrated tensor that holds float32 values, in calibration order (tensors
     * that hold other types are absent).
     *
     * @return tensor name to its range, unmodifiable; empty when nothing was calibrated
     */
    public Map<String, TensorRange> ranges() {
        return ranges;
    }

    /**
     * The scheme each tensor of {@link #ranges()} was calibrated for, in the same order.
     *
     * @return tensor name to its scheme, unmodifiable
     */
    public Map<String, QuantScheme> schemes() {
        return schemes;
    }

    /**
     * The scheme {@code tensor} was calibrated for.
     *
     * @param tensor the tensor's name in the graph
     * @return the scheme its range was calibrated for
     * @throws InvalidInputException when the tensor was not calibrated
     */
    public QuantScheme scheme(String tensor) {
        QuantScheme s = schemes.get(tensor);
        if (s == null) {
            throw notCalibrated(tensor);
        }
        return s;
    }

    /**
     * Id of the calibration method, e.g. {@code "entropy"}.
     *
     * @return the method id, never blank
     */
    public String method() {
        return method;
    }

    /**
     * The options the method was given, as requested (without the per-tensor symmetry).
     *
     * @return the options; empty when none were given
     */
    public CalibratorOptions calibratorOptions() {
        return calibratorOptions;
    }

    /**
     * The options {@code tensor}'s calibrator ran with: {@link #calibratorOptions()} plus
     * {@link CalibratorOptions#SYMMETRIC} from the tensor's scheme.
     *
     * @param tensor the tensor's name in the graph
     * @return the options with the tensor's symmetry
     * @throws InvalidInputException when the tensor was not calibrated
     */
    public CalibratorOptions calibratorOptions(String tensor) {
        return calibratorOptions.forScheme(scheme(tensor));
    }

    /**
     * Number of samples run through the model.
     *
     * @return the sample count, &gt;= 0
     */
    public long samples() {
        return samples;
    }

    /**
     * Wall time of the calibration runs.
     *
     * @return the calibration time; zero when not recorded
     */
    public Duration time() {
        return time;
    }

    /**
     * The {@link org.quant4j.api.data.Dataset#fingerprint()} of the calibration data.
     *
     * @return the fingerprint, never blank
     */
    public String dataFingerprint() {
        return dataFingerprint;
    }

    /**
     * Seed of the config the calibration ran with.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * What made the ranges: tool, backend, model, method, data, options, scheme, seed and platform.
     *
     * @return the provenance; empty of entries when the backend recorded none
     */
    public Provenance provenance() {
        return provenance;
    }

    private InvalidInputException notCalibrated(String tensor) {
        return new InvalidInputException("Tensor '" + tensor + "' was not calibrated; calibrated tensors: "
                + (ranges.size() <= 8 ? ranges.keySet().toString()
                        : ranges.keySet().stream().limit(8).toList() + " and " + (ranges.size() - 8) + " more"));
    }

    @Override
    public String toString() {
        return "CalibrationResult[" + ranges.size() + " tensors, " + method + ", " + samples + " samples, "
                + time.toMillis() + " ms]";
    }

    /** Builder of {@link CalibrationResult}; the method and data fingerprint are required. */
    public static final class Builder {
        private final Map<String, TensorRange> ranges = new LinkedHashMap<>();
        private final Map<String, QuantScheme> schemes = new LinkedHashMap<>();
        private String method;
        private CalibratorOptions calibratorOptions = CalibratorOptions.empty();
        private long samples;
        private Duration time = Duration.ZERO;
        private String dataFingerprint;
        private long seed;
        private Provenance provenance = Provenance.builder().build();
        private SampleShapes sampleShapes;

        private Builder() {
        }

        /**
         * Adds (or replaces) the range of {@code tensor} and the scheme it was calibrated for.
         *
         * @param tensor the tensor's name in the graph, not null
         * @param range its measured range, not null
         * @param scheme the scheme it was calibrated for, not null
         * @return this builder
         */
        public Builder range(String tensor, TensorRange range, QuantScheme scheme) {
            Objects.requireNonNull(tensor, "tensor");
            ranges.put(tensor, Objects.requireNonNull(range, "range"));
            schemes.put(tensor, Objects.requireNonNull(scheme, "scheme"));
            return this;
        }

        /**
         * Sets the id of the calibration method (required), e.g. {@code "minmax"}.
         *
         * @param method the method id
         * @return this builder
         */
        public Builder method(String method) {
            this.method = method;
            return this;
        }

        /**
         * Sets the options the method was given (empty by default).
         *
         * @param options the options, not null
         * @return this builder
         */
        public Builder calibratorOptions(CalibratorOptions options) {
            this.calibratorOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Sets the number of samples run through the model.
         *
         * @param samples the sample count, &gt;= 0
         * @return this builder
         */
        public Builder samples(long samples) {
            this.samples = samples;
            return this;
        }

        /**
         * Sets the wall time of the calibration runs (zero by default).
         *
         * @param time the duration, not null
         * @return this builder
         */
        public Builder time(Duration time) {
            this.time = Objects.requireNonNull(time, "time");
            return this;
        }

        /**
         * Sets the fingerprint of the calibration data (required).
         *
         * @param fingerprint the data's {@link org.quant4j.api.data.Dataset#fingerprint()}
         * @return this builder
         */
        public Builder dataFingerprint(String fingerprint) {
            this.dataFingerprint = fingerprint;
            return this;
        }

        /**
         * Sets the seed of the config the calibration ran with (0 by default).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * The shapes of the calibration samples ({@link CalibrationResult#sampleShapes()}).
         *
         * @param shapes the sample shapes and their counts, not null
         * @return this builder
         */
        public Builder sampleShapes(SampleShapes shapes) {
            this.sampleShapes = Objects.requireNonNull(shapes, "shapes");
            return this;
        }

        /**
         * Sets the provenance (an empty one by default).
         *
         * @param provenance the provenance, not null
         * @return this builder
         */
        public Builder provenance(Provenance provenance) {
            this.provenance = Objects.requireNonNull(provenance, "provenance");
            return this;
        }

        /**
         * The result.
         *
         * @return the immutable result
         * @throws InvalidInputException when the method or fingerprint is missing or samples are negative
         */
        public CalibrationResult build() {
            if (method == null || method.isBlank()) {
                throw new InvalidInputException("A calibration result needs the id of its calibration method");
            }
            if (dataFingerprint == null || dataFingerprint.isBlank()) {
                throw new InvalidInputException("A calibration result needs the fingerprint of its data");
            }
            if (samples < 0) {
                throw new InvalidInputException("The number of calibration samples must be >= 0, got " + samples);
            }
            return new CalibrationResult(this);
        }
    }
}
