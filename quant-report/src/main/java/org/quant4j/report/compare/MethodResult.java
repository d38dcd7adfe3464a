package org.quant4j.report.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.KernelTarget;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.quantize.ExecutedLayer;
import org.quant4j.report.stats.AccuracyStatistics;

/**
 * One row of a method comparison: how a model variant was made (FP32 reference, FP16, dynamic or
 * static INT8 with a calibrator, per-tensor or per-channel, the kernel target of its INT8 weights)
 * and what was measured for it: accuracy statistics on labelled data, or, on data without labels,
 * its {@link ReferenceFidelity} to the reference model (the reference row itself then has neither).
 * Every cost measurement is optional, because a runner may skip one, and the reports say "not
 * measured" rather than invent a number.
 */
public final class MethodResult {

    private final String name;
    private final QuantizationMode mode;
    private final CalibrationMethod calibration;
    private final boolean perChannel;
    private final KernelTarget kernelTarget;
    private final AccuracyStatistics accuracy;
    private final ReferenceFidelity fidelity;
    private final Long modelFileBytes;
    private final TimingSummary latencyBatch1Millis;
    private final TimingSummary throughputBatch32PerSecond;
    private final MemoryMeasurement peakMemory;
    private final Double calibrationSeconds;
    private final Double quantizationSeconds;
    private final List<String> notes;
    private final List<ExecutedLayer> executedLayers;

    private MethodResult(Builder b) {
        this.name = b.name;
        this.mode = b.mode;
        this.calibration = b.calibration;
        this.perChannel = b.perChannel;
        this.kernelTarget = b.kernelTarget;
        this.accuracy = b.accuracy;
        this.fidelity = b.fidelity;
        this.modelFileBytes = b.modelFileBytes;
        this.latencyBatch1Millis = b.latencyBatch1Millis;
        this.throughputBatch32PerSecond = b.throughputBatch32PerSecond;
        this.peakMemory = b.peakMemory;
        this.calibrationSeconds = b.calibrationSeconds;
        this.quantizationSeconds = b.quantizationSeconds;
        this.notes = List.copyOf(b.notes);
        this.executedLayers = List.copyOf(b.executedLayers);
    }

    /** A builder for the row called {@code name}, e.g. {@code "static int8 entropy per-channel"}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Unique name of the method within its comparison. */
    public String name() {
        return name;
    }

    /** How the model was quantized; empty for the unquantized (FP32) model. */
    public Optional<QuantizationMode> mode() {
        return Optional.ofNullable(mode);
    }

    /** The calibrator of a static INT8 model; empty otherwise (and for QAT models, which need none). */
    public Optional<CalibrationMethod> calibration() {
        return Optional.ofNullable(calibration);
    }

    /** Per-channel weight quantization (false for per-tensor and for unquantized models). */
    public boolean perChannel() {
        return perChannel;
    }

    /**
     * The CPUs the INT8 weights were written for, {@link KernelTarget#PORTABLE} or
     * {@link KernelTarget#VNNI} ({@link KernelTarget#HOST} resolved on the machine that made the
     * model); empty for float models and for INT8 models made elsewhere.
     */
    public Optional<KernelTarget> kernelTarget() {
        return Optional.ofNullable(kernelTarget);
    }

    /** Short precision label: {@code FP32}, {@code FP16}, {@code dynamic INT8} or {@code static INT8}. */
    public String precisionLabel() {
        if (mode == null) {
            return "FP32";
        }
        return switch (mode) {
            case FP16 -> "FP16";
            case DYNAMIC -> "dynamic INT8";
            case STATIC -> "static INT8";
        };
    }

    /** Weight granularity label: {@code per-channel}, {@code per-tensor}, or empty for float models. */
    public String granularityLabel() {
        if (mode == QuantizationMode.STATIC || mode == QuantizationMode.DYNAMIC) {
            return perChannel ? "per-channel" : "per-tensor";
        }
        return "";
    }

    /**
     * The accuracy statistics on labelled data.
     *
     * @throws IllegalStateException for a row of a comparison on data without labels
     *                               ({@link #hasAccuracy()} is false)
     */
    public AccuracyStatistics accuracy() {
        if (accuracy == null) {
            throw new IllegalStateException("Method '" + name + "' was compared on data without labels: it has no"
                    + " accuracy statistics, see fidelity()");
        }
        return accuracy;
    }

    /** Whether this row was measured on labelled data. */
    public boolean hasAccuracy() {
        return accuracy != null;
    }

    /** Fidelity to the reference on data without labels; empty on labelled data and for the reference. */
    public Optional<ReferenceFidelity> fidelity() {
        return Optional.ofNullable(fidelity);
    }

    /** Size of the model file on disk. */
    public OptionalLong modelFileBytes() {
        return modelFileBytes == null ? OptionalLong.empty() : OptionalLong.of(modelFileBytes);
    }

    /** Latency of one sample (batch 1), in milliseconds. */
    public Optional<TimingSummary> latencyBatch1Millis() {
        return Optional.ofNullable(latencyBatch1Millis);
    }

    /** Throughput at batch 32, in samples per second. */
    public Optional<TimingSummary> throughputBatch32PerSecond() {
        return Optional.ofNullable(throughputBatch32PerSecond);
    }

    public Optional<MemoryMeasurement> peakMemory() {
        return Optional.ofNullable(peakMemory);
    }

    /** Wall time of calibration, in seconds. */
    public OptionalDouble calibrationSeconds() {
        return calibrationSeconds == null ? OptionalDouble.empty() : OptionalDouble.of(calibrationSeconds);
    }

    /** Wall time of quantization (graph rewriting and saving), in seconds. */
    public OptionalDouble quantizationSeconds() {
        return quantizationSeconds == null ? OptionalDouble.empty() : OptionalDouble.of(quantizationSeconds);
    }

    /** Free-text notes from the runner, e.g. "3 nodes left in FP32: unsupported op". */
    public List<String> notes() {
        return notes;
    }

    /**
     * The layers of the compiled model and the precision each runs in, as its backend reported them
     * (TensorRT's engine inspector); empty for models that are not compiled engines.
     */
    public List<ExecutedLayer> executedLayers() {
        return executedLayers;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MethodResult m && perChannel == m.perChannel && name.equals(m.name) && mode == m.mode
                && calibration == m.calibration && kernelTarget == m.kernelTarget && Objects.equals(accuracy, m.accuracy)
                && Objects.equals(fidelity, m.fidelity)
                && Objects.equals(modelFileBytes, m.modelFileBytes)
                && Objects.equals(latencyBatch1Millis, m.latencyBatch1Millis)
                && Objects.equals(throughputBatch32PerSecond, m.throughputBatch32PerSecond)
                && Objects.equals(peakMemory, m.peakMemory)
                && Objects.equals(calibrationSeconds, m.calibrationSeconds)
                && Objects.equals(quantizationSeconds, m.quantizationSeconds) && notes.equals(m.notes)
                && executedLayers.equals(m.executedLayers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, mode, calibration, perChannel, accuracy);
    }

    @Override
    public String toString() {
        return "MethodResult[" + name + (accuracy != null ? ", top1=" + accuracy.top1().estimate()
                : fidelity != null ? ", sqnr=" + fidelity.primary().sqnrDb().estimate() + " dB" : "") + "]";
    }

    /**
     * Builder of {@link MethodResult}; {@link #accuracy(AccuracyStatistics)} on labelled data,
     * {@link #fidelity(ReferenceFidelity)} (except for the reference) on data without labels.
     */
    public static final class Builder {
        private final String name;
        private QuantizationMode mode;
        private CalibrationMethod calibration;
        private boolean perChannel;
        private KernelTarget kernelTarget;
        private AccuracyStatistics accuracy;
        private ReferenceFidelity fidelity;
        private Long modelFileBytes;
        private TimingSummary latencyBatch1Millis;
        private TimingSummary throughputBatch32PerSecond;
        private MemoryMeasurement peakMemory;
        private Double calibrationSeconds;
        private Double quantizationSeconds;
        private final List<String> notes = new ArrayList<>();
        private final List<ExecutedLayer> executedLayers = new ArrayList<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** How the model was quantized; leave unset (or null) for the FP32 model. */
        public Builder mode(QuantizationMode mode) {
            this.mode = mode;
            return this;
        }

        public Builder calibration(CalibrationMethod calibration) {
            this.calibration = calibration;
            return this;
        }

        public Builder perChannel(boolean perChannel) {
            this.perChannel = perChannel;
            return this;
        }

        /** The kernel target the INT8 weights were written for, resolved: portable or vnni. */
        public Builder kernelTarget(KernelTarget target) {
            this.kernelTarget = target;
            return this;
        }

        public Builder accuracy(AccuracyStatistics accuracy) {
            this.accuracy = accuracy;
            return this;
        }

        /** Fidelity to the reference, for a row compared on data without labels. */
        public Builder fidelity(ReferenceFidelity fidelity) {
            this.fidelity = fidelity;
            return this;
        }

        public Builder modelFileBytes(long bytes) {
            if (bytes <= 0) {
                throw new InvalidInputException("Model file size of '" + name + "' must be > 0 bytes, got " + bytes);
            }
            this.modelFileBytes = bytes;
            return this;
        }

        /** Latency at batch 1 in milliseconds. */
        public Builder latencyBatch1Millis(TimingSummary latency) {
            this.latencyBatch1Millis = latency;
            return this;
        }

        /** Throughput at batch 32 in samples per second. */
        public Builder throughputBatch32PerSecond(TimingSummary throughput) {
            this.throughputBatch32PerSecond = throughput;
            return this;
        }

        public Builder peakMemory(MemoryMeasurement memory) {
            this.peakMemory = memory;
            return this;
        }

        public Builder calibrationSeconds(double seconds) {
            this.calibrationSeconds = requireSeconds(seconds, "calibration");
            return this;
        }

        public Builder quantizationSeconds(double seconds) {
            this.quantizationSeconds = requireSeconds(seconds, "quantization");
            return this;
        }

        public Builder note(String note) {
            if (note == null || note.isBlank()) {
                throw new InvalidInputException("A note on '" + name + "' must not be blank");
            }
            notes.add(note);
            return this;
        }

        /** Appends one layer of the compiled model, in execution order. */
        public Builder executedLayer(ExecutedLayer layer) {
            executedLayers.add(Objects.requireNonNull(layer, "layer"));
            return this;
        }

        private double requireSeconds(double seconds, String what) {
            if (!(seconds >= 0) || Double.isInfinite(seconds)) {
                throw new InvalidInputException("The " + what + " wall time of '" + name
                        + "' must be a finite number of seconds >= 0, got " + seconds);
            }
            return seconds;
        }

        public MethodResult build() {
            if (name.isBlank()) {
                throw new InvalidInputException("A method needs a name, e.g. \"static int8 entropy per-channel\"");
            }
            if (accuracy != null && fidelity != null) {
                throw new InvalidInputException("Method '" + name + "' has both accuracy statistics and fidelity to"
                        + " the reference: a comparison measures one, accuracy on labelled data, fidelity without labels");
            }
            if (calibration != null && mode != QuantizationMode.STATIC) {
                throw new InvalidInputException("Method '" + name + "' names calibrator " + calibration.id()
                        + " but its mode is " + (mode == null ? "FP32" : mode)
                        + ": only static quantization is calibrated");
            }
            if (perChannel && mode != QuantizationMode.STATIC && mode != QuantizationMode.DYNAMIC) {
                throw new InvalidInputException("Method '" + name + "' is marked per-channel but its mode is "
                        + (mode == null ? "FP32" : mode) + ": only INT8 weights have channels to quantize separately");
            }
            if (kernelTarget != null && mode != QuantizationMode.STATIC && mode != QuantizationMode.DYNAMIC) {
                throw new InvalidInputException("Method '" + name + "' names kernel target " + kernelTarget.id()
                        + " but its mode is " + (mode == null ? "FP32" : mode)
                        + ": only INT8 weights are written for a kernel target");
            }
            if (kernelTarget == KernelTarget.HOST) {
                throw new InvalidInputException("Method '" + name + "' names kernel target host, which depends on the"
                        + " machine: record the target it resolved to where the model was made,"
                        + " KernelTarget.HOST.resolve() (portable or vnni)");
            }
            return new MethodResult(this);
        }
    }
}
