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

    /** The shapes of the calibration samples and how many samples had each; empty when not recorded. */
    public java.util.Optional<SampleShapes> sampleShapes() {
        return java.util.Optional.ofNullable(sampleShapes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Range of every calibrated tensor that holds float32 values, in calibration order (tensors
     * that hold other types are absent).
     */
    public Map<String, TensorRange> ranges() {
        return ranges;
    }

    /** The scheme each tensor of {@link #ranges()} was calibrated for, in the same order. */
    public Map<String, QuantScheme> schemes() {
        return schemes;
    }

    /**
     * The scheme {@code tensor} was calibrated for.
     *
     * @throws InvalidInputException when the tensor was not calibrated
     */
    public QuantScheme scheme(String tensor) {
        QuantScheme s = schemes.get(tensor);
        if (s == null) {
            throw notCalibrated(tensor);
        }
        return s;
    }

    /** Id of the calibration method, e.g. {@code "entropy"}. */
    public String method() {
        return method;
    }

    /** The options the method was given, as requested (without the per-tensor symmetry). */
    public CalibratorOptions calibratorOptions() {
        return calibratorOptions;
    }

    /**
     * The options {@code tensor}'s calibrator ran with: {@link #calibratorOptions()} plus
     * {@link CalibratorOptions#SYMMETRIC} from the tensor's scheme.
     *
     * @throws InvalidInputException when the tensor was not calibrated
     */
    public CalibratorOptions calibratorOptions(String tensor) {
        return calibratorOptions.forScheme(scheme(tensor));
    }

    /** Number of samples run through the model. */
    public long samples() {
        return samples;
    }

    /** Wall time of the calibration runs. */
    public Duration time() {
        return time;
    }

    /** The {@link org.quant4j.api.data.Dataset#fingerprint()} of the calibration data. */
    public String dataFingerprint() {
        return dataFingerprint;
    }

    /** Seed of the config the calibration ran with. */
    public long seed() {
        return seed;
    }

    /** What made the ranges: tool, backend, model, method, data, options, scheme, seed and platform. */
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

        /** Adds (or replaces) the range of {@code tensor} and the scheme it was calibrated for. */
        public Builder range(String tensor, TensorRange range, QuantScheme scheme) {
            Objects.requireNonNull(tensor, "tensor");
            ranges.put(tensor, Objects.requireNonNull(range, "range"));
            schemes.put(tensor, Objects.requireNonNull(scheme, "scheme"));
            return this;
        }

        public Builder method(String method) {
            this.method = method;
            return this;
        }

        public Builder calibratorOptions(CalibratorOptions options) {
            this.calibratorOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        public Builder samples(long samples) {
            this.samples = samples;
            return this;
        }

        public Builder time(Duration time) {
            this.time = Objects.requireNonNull(time, "time");
            return this;
        }

        public Builder dataFingerprint(String fingerprint) {
            this.dataFingerprint = fingerprint;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The shapes of the calibration samples ({@link CalibrationResult#sampleShapes()}). */
        public Builder sampleShapes(SampleShapes shapes) {
            this.sampleShapes = Objects.requireNonNull(shapes, "shapes");
            return this;
        }

        public Builder provenance(Provenance provenance) {
            this.provenance = Objects.requireNonNull(provenance, "provenance");
            return this;
        }

        /**
         * The result.
         *
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
