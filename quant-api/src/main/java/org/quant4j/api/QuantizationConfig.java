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
    private final Set<String> perTensorNodes;
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
        this.perTensorNodes = Collections.unmodifiableSet(new LinkedHashSet<>(b.perTensorNodes));
        this.tensorOverrides = Collections.unmodifiableMap(new LinkedHashMap<>(b.tensorOverrides));
        this.seed = b.seed;
        this.dynamicConv = b.dynamicConv;
        this.targetOpset = b.targetOpset;
    }

    /**
     * A new builder holding the defaults listed on {@link Builder}.
     *
     * @return a fresh builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether weights and activations are quantized ahead of time from calibration data (static) or
     * activations are quantized at run time (dynamic).
     *
     * @return the quantization mode, never null
     */
    public QuantizationMode mode() {
        return mode;
    }

    /**
     * How activation ranges are derived from the calibration data in static mode.
     *
     * @return the calibration method, never null
     */
    public CalibrationMethod calibrationMethod() {
        return calibrationMethod;
    }

    /**
     * Options passed to the calibrator, e.g. {@code percentile=99.9}.
     *
     * @return the options in insertion order, unmodifiable; empty when none were given
     */
    public Map<String, String> calibrationOptions() {
        return calibrationOptions;
    }

    /**
     * Per-channel weight quantization when true, per-tensor otherwise.
     *
     * @return true for one scale and zero point per output channel of each weight
     */
    public boolean perChannel() {
        return perChannel;
    }

    /**
     * Per-tensor scheme of activations (uint8 asymmetric or int8 symmetric).
     *
     * @return the default activation scheme, used for every tensor without an override
     */
    public QuantScheme activationScheme() {
        return activationScheme;
    }

    /**
     * The scheme activation {@code tensor} is quantized with, and so calibrated for: its tensor
     * override's scheme, or else {@link #activationScheme()}.
     *
     * @param tensor name of the activation tensor in the model graph
     * @return the scheme for that tensor, never null
     */
    public QuantScheme activationScheme(String tensor) {
        TensorOverride o = tensorOverrides.get(tensor);
        return o != null && o.scheme().isPresent() ? o.scheme().get() : activationScheme;
    }

    /**
     * Integer precision of weights (signed int8 symmetric narrow-range by default).
     *
     * @return the weight precision, always a signed integer type
     */
    public Precision weightPrecision() {
        return weightPrecision;
    }

    /**
     * The CPUs the model is written for ({@link KernelTarget#PORTABLE} by default); {@link
     * KernelTarget#HOST} is kept as given and resolved when weights are quantized.
     *
     * @return the kernel target as configured
     */
    public KernelTarget kernelTarget() {
        return kernelTarget;
    }

    /**
     * Weight scheme for a weight whose channels lie along {@code channelAxis}: symmetric narrow-range
     * int8. The kernel target then decides each weight's ranges (see {@link KernelTarget}).
     *
     * @param channelAxis axis of the weight tensor that holds its output channels; used only when
     *     {@link #perChannel()} is true
     * @return a symmetric narrow-range scheme of {@link #weightPrecision()}, per channel along
     *     {@code channelAxis} or per tensor
     */
    public QuantScheme weightScheme(int channelAxis) {
        QuantScheme.Builder b = QuantScheme.builder().precision(weightPrecision).symmetric(true).narrowRange(true);
        return perChannel ? b.perChannel(channelAxis).build() : b.build();
    }

    /**
     * Weight scheme for the weight of node {@code nodeName}: per tensor when the node is one of
     * {@link #perTensorNodes()}, else {@link #weightScheme(int)}. The kernel target still decides
     * the ranges.
     *
     * @param nodeName    the node that reads the weight
     * @param channelAxis axis of the weight tensor that holds its output channels
     * @return the scheme of that node's weight
     */
    public QuantScheme weightScheme(String nodeName, int channelAxis) {
        return perTensorNodes.contains(nodeName) ? toBuilder().perChannel(false).build().weightScheme(channelAxis)
                : weightScheme(channelAxis);
    }

    /**
     * Nodes whose weights take one scale for the whole tensor although {@link #perChannel()} is true
     * (a mixed-precision assignment chooses the granularity per layer).
     *
     * @return node names in insertion order, unmodifiable; empty when every weight follows {@link #perChannel()}
     */
    public Set<String> perTensorNodes() {
        return perTensorNodes;
    }

    /**
     * Names of the only nodes that may be quantized; see the class description for how this combines
     * with the other lists.
     *
     * @return node names in insertion order, unmodifiable; empty means no restriction by name
     */
    public Set<String> includeNodes() {
        return includeNodes;
    }

    /**
     * Names of nodes that are never quantized, whatever the include lists say.
     *
     * @return node names in insertion order, unmodifiable; empty when none are excluded
     */
    public Set<String> excludeNodes() {
        return excludeNodes;
    }

    /**
     * ONNX op types (e.g. {@code MatMul}) of the only nodes that may be quantized.
     *
     * @return op types in insertion order, unmodifiable; empty means no restriction by op type
     */
    public Set<String> includeOpTypes() {
        return includeOpTypes;
    }

    /**
     * ONNX op types whose nodes are never quantized, whatever the include lists say.
     *
     * @return op types in insertion order, unmodifiable; empty when none are excluded
     */
    public Set<String> excludeOpTypes() {
        return excludeOpTypes;
    }

    /**
     * Per-tensor replacements of the calibrated range or of the activation scheme.
     *
     * @return overrides keyed by tensor name, in insertion order, unmodifiable; empty when none
     */
    public Map<String, TensorOverride> tensorOverrides() {
        return tensorOverrides;
    }

    /**
     * Seed of every random choice made while quantizing (quantization-aware training, say), so that
     * runs with the same inputs give the same model.
     *
     * @return the seed, 42 by default
     */
    public long seed() {
        return seed;
    }

    /**
     * Whether dynamic mode quantizes every Conv (ConvInteger) even when the model has MatMul, Gemm or
     * LSTM to quantize; by default it quantizes Conv only in models that have nothing else to quantize,
     * since ONNX Runtime's float Conv is faster and more accurate than its ConvInteger on the reference
     * models.
     *
     * @return true to quantize Conv in dynamic mode regardless of the other ops; false by default
     */
    public boolean dynamicConv() {
        return dynamicConv;
    }

    /**
     * The default-domain opset the quantized model should declare, or 0 for the lowest the quantizer
     * needs (older models are converted up to it; newer ones keep theirs).
     *
     * @return the ONNX opset version, or 0
     */
    public int targetOpset() {
        return targetOpset;
    }

    /**
     * Why a node with this name and op type is not selected, or {@code null} when it is. Used by
     * quantizers so that every skip carries a reason a user can read.
     *
     * @param nodeName the node's name in the graph
     * @param opType the node's ONNX op type, e.g. {@code Conv}
     * @return a human-readable reason such as "excluded by node name", or null when the node is
     *     selected
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

    /**
     * A builder initialised with every setting of this configuration, to derive a changed copy.
     *
     * @return a new builder; changing it does not affect this configuration
     */
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
        b.perTensorNodes.addAll(perTensorNodes);
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
        private final Set<String> perTensorNodes = new LinkedHashSet<>();
        private final Map<String, TensorOverride> tensorOverrides = new LinkedHashMap<>();
        private long seed = 42L;
        private boolean dynamicConv;
        private int targetOpset;

        private Builder() {
        }

        /**
         * Sets static or dynamic quantization (static by default).
         *
         * @param mode the quantization mode, not null
         * @return this builder
         */
        public Builder mode(QuantizationMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Sets how activation ranges are calibrated (min-max by default).
         *
         * @param method the calibration method, not null
         * @return this builder
         */
        public Builder calibrationMethod(CalibrationMethod method) {
            this.calibrationMethod = Objects.requireNonNull(method, "calibrationMethod");
            return this;
        }

        /**
         * Adds or replaces one calibrator option, e.g. {@code percentile} = {@code 99.9}.
         *
         * @param key the option name, not null
         * @param value the option value as text, not null
         * @return this builder
         */
        public Builder calibrationOption(String key, String value) {
            this.calibrationOptions.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Chooses per-channel (true, the default) or per-tensor weight quantization.
         *
         * @param perChannel true for one scale per output channel of each weight
         * @return this builder
         */
        public Builder perChannel(boolean perChannel) {
            this.perChannel = perChannel;
            return this;
        }

        /**
         * Sets the default activation scheme; {@link #build()} requires it to be per-tensor and 8-bit.
         *
         * @param scheme the scheme, not null (uint8 asymmetric by default)
         * @return this builder
         */
        public Builder activationScheme(QuantScheme scheme) {
            this.activationScheme = Objects.requireNonNull(scheme, "activationScheme");
            return this;
        }

        /**
         * Sets the weight precision; {@link #build()} requires a signed integer type.
         *
         * @param precision the precision, not null (int8 by default)
         * @return this builder
         */
        public Builder weightPrecision(Precision precision) {
            this.weightPrecision = Objects.requireNonNull(precision, "weightPrecision");
            return this;
        }

        /**
         * The CPUs the model is written for; see {@link KernelTarget}.
         *
         * @param target the kernel target, not null (portable by default)
         * @return this builder
         */
        public Builder kernelTarget(KernelTarget target) {
            this.kernelTarget = Objects.requireNonNull(target, "kernelTarget");
            return this;
        }

        /**
         * Adds a node to the include list: once the list is non-empty only the nodes in it are quantized.
         *
         * @param name the node's name in the graph, not null
         * @return this builder
         */
        public Builder includeNode(String name) {
            includeNodes.add(Objects.requireNonNull(name, "name"));
            return this;
        }

        /**
         * Adds a node that must not be quantized; a node may not be both included and excluded.
         *
         * @param name the node's name in the graph, not null
         * @return this builder
         */
        public Builder excludeNode(String name) {
            excludeNodes.add(Objects.requireNonNull(name, "name"));
            return this;
        }

        /**
         * Quantizes the weight of this node with one scale for the whole tensor, whatever
         * {@link #perChannel(boolean)} says.
         *
         * @param name the node's name
         * @return this builder
         */
        public Builder perTensorNode(String name) {
            perTensorNodes.add(Objects.requireNonNull(name, "name"));
            return this;
        }

        /**
         * Adds an op type to the include list: once the list is non-empty only nodes of these types are
         * quantized.
         *
         * @param opType an ONNX op type such as {@code MatMul}, not null
         * @return this builder
         */
        public Builder includeOpType(String opType) {
            includeOpTypes.add(Objects.requireNonNull(opType, "opType"));
            return this;
        }

        /**
         * Adds an op type whose nodes must not be quantized.
         *
         * @param opType an ONNX op type such as {@code Conv}, not null
         * @return this builder
         */
        public Builder excludeOpType(String opType) {
            excludeOpTypes.add(Objects.requireNonNull(opType, "opType"));
            return this;
        }

        /**
         * Sets the override of one tensor, replacing any earlier override of it.
         *
         * @param tensorName the tensor's name in the graph, not null
         * @param override the range and/or scheme to use for it, not null
         * @return this builder
         */
        public Builder tensorOverride(String tensorName, TensorOverride override) {
            tensorOverrides.put(Objects.requireNonNull(tensorName, "tensorName"),
                    Objects.requireNonNull(override, "override"));
            return this;
        }

        /**
         * Sets the seed of the random choices made while quantizing (42 by default).
         *
         * @param seed any value
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * See {@link QuantizationConfig#dynamicConv()}.
         *
         * @param dynamicConv true to quantize every Conv in dynamic mode
         * @return this builder
         */
        public Builder dynamicConv(boolean dynamicConv) {
            this.dynamicConv = dynamicConv;
            return this;
        }

        /**
         * Converts the model to this default-domain opset (at least what the quantizer needs; older
         * models are converted up, a model of a newer opset is refused); 0, the default, keeps the
         * model's opset when it suffices.
         *
         * @param opset an ONNX opset version, or 0
         * @return this builder
         * @throws InvalidInputException if {@code opset} is negative
         */
        public Builder targetOpset(int opset) {
            if (opset < 0) {
                throw new InvalidInputException("The target opset is a positive ONNX opset version (or 0 for the"
                        + " lowest the quantizer needs), got " + opset);
            }
            this.targetOpset = opset;
            return this;
        }

        /**
         * Validates the settings and builds the configuration.
         *
         * @return the immutable configuration
         * @throws InvalidInputException if the activation scheme is per-channel or not 8-bit, the weight
         *     precision is not a signed integer type, or a node is both included and excluded
         */
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
