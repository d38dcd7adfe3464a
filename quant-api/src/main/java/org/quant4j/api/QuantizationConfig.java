package org.quant4j.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything that decides how a model is quantized. Immutable; build with {@link #builder()}.
 *
 * <p>Node selection: a node is quantized when its op type is quantizable, it is not excluded by
 * name or op type, and, if an include list is given, it is named in it. Exclusion wins over
 * inclusion.
 */
public final class QuantizationConfig {

    private final QuantizationMode mode;
    private final CalibrationMethod calibrationMethod;
    private final Map<String, String> calibrationOptions;
    private final boolean perChannel;
    private final QuantScheme activationScheme;
    private final Precision weightPrecision;
    private final KernelTarget kernelTarget;
    private final Set<String> includeNodes;
    private final Set<String> excludeNodes;
    private final Set<String> includeOpTypes;
    private final Set<String> excludeOpTypes;
    private final Map<String, TensorOverride> tensorOverrides;
    private final long seed;
    private final boolean dynamicConv;
    private final int targetOpset;

    private QuantizationConfig(Builder b) {
        this.mode = b.mode;
        this.calibrationMethod = b.calibrationMethod;
        this.calibrationOptions = Collections.unmodifiableMap(new LinkedHashMap<>(b.calibrationOptions));
        this.perChannel = b.perChannel;
        this.activationScheme = b.activationScheme;
        this.weightPrecision = b.weightPrecision;
        this.kernelTarget = b.kernelTarget;
        this.includeNodes = Collections.unmodifiableSet(new LinkedHashSet<>(b.includeNodes));
        this.excludeNodes = Collections.unmodifiableSet(new LinkedHashSet<>(b.excludeNodes));
        this.includeOpTypes = Collections.unmodifiableSet(new LinkedHashSet<>(b.includeOpTypes));
        this.excludeOpTypes = Collections.unmodifiableSet(new LinkedHashSet<>(b.excludeOpTypes));
        this.tensorOverrides = Collections.unmodifiableMap(new LinkedHashMap<>(b.tensorOverrides));
        this.seed = b.seed;
        this.dynamicConv = b.dynamicConv;
        this.targetOpset = b.targetOpset;
    }

    public static Builder builder() {
        return new Builder();
    }

    public QuantizationMode mode() {
        return mode;
    }

    public CalibrationMethod calibrationMethod() {
        return calibrationMethod;
    }

    /** Options passed to the calibrator, e.g. {@code percentile=99.9}. */
    public Map<String, String> calibrationOptions() {
        return calibrationOptions;
    }

    /** Per-channel weight quantization when true, per-tensor otherwise. */
    public boolean perChannel() {
        return perChannel;
    }

    /** Per-tensor scheme of activations (uint8 asymmetric or int8 symmetric). */
    public QuantScheme activationScheme() {
        return activationScheme;
    }

    /**
     * The scheme activation {@code tensor} is quantized with, and so calibrated for: its tensor
     * override's scheme, or else {@link #activationScheme()}.
     */
    public QuantScheme activationScheme(String tensor) {
        TensorOverride o = tensorOverrides.get(tensor);
        return o != null && o.scheme().isPresent() ? o.scheme().get() : activationScheme;
    }

    /** Integer precision of weights (signed int8 symmetric narrow-range by default). */
    public Precision weightPrecision() {
        return weightPrecision;
    }

    /**
     * The CPUs the model is written for ({@link KernelTarget#PORTABLE} by default); {@link
     * KernelTarget#HOST} is kept as given and resolved when weights are quantized.
     */
    public KernelTarget kernelTarget() {
        return kernelTarget;
    }

    /**
     * Weight scheme for a weight whose channels lie along {@code channelAxis}: symmetric narrow-range
     * int8. The kernel target then decides each weight's ranges (see {@link KernelTarget}).
     */
    public QuantScheme weightScheme(int channelAxis) {
        QuantScheme.Builder b = QuantScheme.builder().precision(weightPrecision).symmetric(true).narrowRange(true);
        return perChannel ? b.perChannel(channelAxis).build() : b.build();
    }

    public Set<String> includeNodes() {
        return includeNodes;
    }

    public Set<String> excludeNodes() {
        return excludeNodes;
    }

    public Set<String> includeOpTypes() {
        return includeOpTypes;
    }

    public Set<String> excludeOpTypes() {
        return excludeOpTypes;
    }

    public Map<String, TensorOverride> tensorOverrides() {
        return tensorOverrides;
    }

    public long seed() {
        return seed;
    }

    /**
     * Whether dynamic mode quantizes every Conv (ConvInteger) even when the model has MatMul, Gemm or
     * LSTM to quantize; by default it quantizes Conv only in models that have nothing else to quantize,
     * since ONNX Runtime's float Conv is faster and more accurate than its ConvInteger on the reference
     * models.
     */
    public boolean dynamicConv() {
        return dynamicConv;
    }

    /**
     * The default-domain opset the quantized model should declare, or 0 for the lowest the quantizer
     * needs (older models are converted up to it; newer ones keep theirs).
     */
    public int targetOpset() {
        return targetOpset;
    }

    /**
     * Why a node with this name and op type is not selected, or {@code null} when it is. Used by
     * quantizers so that every skip carries a reason a user can read.
     */
    public String exclusionReason(String nodeName, String opType) {
        if (excludeNodes.contains(nodeName)) {
            return "excluded by node name";
        }
        if (excludeOpTypes.contains(opType)) {
            return "excluded by op type " + opType;
        }
        if (!includeNodes.isEmpty() && !includeNodes.contains(nodeName)) {
            return "not in the include list of nodes";
        }
        if (!includeOpTypes.isEmpty() && !includeOpTypes.contains(opType)) {
            return "op type " + opType + " not in the include list of op types";
        }
        return null;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.mode = mode;
        b.calibrationMethod = calibrationMethod;
        b.calibrationOptions.putAll(calibrationOptions);
        b.perChannel = perChannel;
        b.activationScheme = activationScheme;
        b.weightPrecision = weightPrecision;
        b.kernelTarget = kernelTarget;
        b.includeNodes.addAll(includeNodes);
        b.excludeNodes.addAll(excludeNodes);
        b.includeOpTypes.addAll(includeOpTypes);
        b.excludeOpTypes.addAll(excludeOpTypes);
        b.tensorOverrides.putAll(tensorOverrides);
        b.seed = seed;
        b.dynamicConv = dynamicConv;
        b.targetOpset = targetOpset;
        return b;
    }

    @Override
    public String toString() {
        return "QuantizationConfig[mode=" + mode + ", method=" + calibrationMethod.id() + ", perChannel=" + perChannel
                + ", activations=" + activationScheme + ", weights=" + weightPrecision + ", target=" + kernelTarget.id()
                + ", excludeNodes=" + excludeNodes + ", excludeOpTypes=" + excludeOpTypes
                + (dynamicConv ? ", dynamicConv=true" : "") + "]";
    }

    /**
     * Builder of {@link QuantizationConfig}. Defaults: static mode, min-max calibration, per-channel
     * int8 weights, uint8 asymmetric activations, portable kernel target, seed 42.
     */
    public static final class Builder {
        private QuantizationMode mode = QuantizationMode.STATIC;
        private CalibrationMethod calibrationMethod = CalibrationMethod.MIN_MAX;
        private final Map<String, String> calibrationOptions = new LinkedHashMap<>();
        private boolean perChannel = true;
        private QuantScheme activationScheme = QuantScheme.UINT8_ASYMMETRIC;
        private Precision weightPrecision = Precision.INT8;
        private KernelTarget kernelTarget = KernelTarget.PORTABLE;
        private final Set<String> includeNodes = new LinkedHashSet<>();
        private final Set<String> excludeNodes = new LinkedHashSet<>();
        private final Set<String> includeOpTypes = new LinkedHashSet<>();
        private final Set<String> excludeOpTypes = new LinkedHashSet<>();
        private final Map<String, TensorOverride> tensorOverrides = new LinkedHashMap<>();
        private long seed = 42L;
        private boolean dynamicConv;
        private int targetOpset;

        private Builder() {
        }

        public Builder mode(QuantizationMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        public Builder calibrationMethod(CalibrationMethod method) {
            this.calibrationMethod = Objects.requireNonNull(method, "calibrationMethod");
            return this;
        }

        public Builder calibrationOption(String key, String value) {
            this.calibrationOptions.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder perChannel(boolean perChannel) {
            this.perChannel = perChannel;
            return this;
        }

        public Builder activationScheme(QuantScheme scheme) {
            this.activationScheme = Objects.requireNonNull(scheme, "activationScheme");
            return this;
        }

        public Builder weightPrecision(Precision precision) {
            this.weightPrecision = Objects.requireNonNull(precision, "weightPrecision");
            return this;
        }

        /** The CPUs the model is written for; see {@link KernelTarget}. */
        public Builder kernelTarget(KernelTarget target) {
            this.kernelTarget = Objects.requireNonNull(target, "kernelTarget");
            return this;
        }

        public Builder includeNode(String name) {
            includeNodes.add(Objects.requireNonNull(name, "name"));
            return this;
        }

        public Builder excludeNode(String name) {
            excludeNodes.add(Objects.requireNonNull(name, "name"));
            return this;
        }

        public Builder includeOpType(String opType) {
            includeOpTypes.add(Objects.requireNonNull(opType, "opType"));
            return this;
        }

        public Builder excludeOpType(String opType) {
            excludeOpTypes.add(Objects.requireNonNull(opType, "opType"));
            return this;
        }

        public Builder tensorOverride(String tensorName, TensorOverride override) {
            tensorOverrides.put(Objects.requireNonNull(tensorName, "tensorName"),
                    Objects.requireNonNull(override, "override"));
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** See {@link QuantizationConfig#dynamicConv()}. */
        public Builder dynamicConv(boolean dynamicConv) {
            this.dynamicConv = dynamicConv;
            return this;
        }

        /**
         * Converts the model to this default-domain opset (at least what the quantizer needs; older
         * models are converted up, a model of a newer opset is refused); 0, the default, keeps the
         * model's opset when it suffices.
         */
        public Builder targetOpset(int opset) {
            if (opset < 0) {
                throw new InvalidInputException("The target opset is a positive ONNX opset version (or 0 for the"
                        + " lowest the quantizer needs), got " + opset);
            }
            this.targetOpset = opset;
            return this;
        }

        public QuantizationConfig build() {
            if (activationScheme.perChannel()) {
                throw new InvalidInputException("Activations are quantized per tensor: give a per-tensor activation scheme");
            }
            if (activationScheme.precision().bits() != 8) {
                throw new InvalidInputException("Activations must be int8 or uint8, got " + activationScheme.precision());
            }
            if (!weightPrecision.isInteger() || !weightPrecision.isSigned()) {
                throw new InvalidInputException("Weights are quantized to a signed integer type (int8), got "
                        + weightPrecision);
            }
            for (String n : includeNodes) {
                if (excludeNodes.contains(n)) {
                    throw new InvalidInputException("Node '" + n + "' is both included and excluded: remove it from one list");
                }
            }
            return new QuantizationConfig(this);
        }
    }
}
