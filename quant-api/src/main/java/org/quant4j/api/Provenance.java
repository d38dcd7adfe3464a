package org.quant4j.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.quant4j.api.platform.CpuFeatures;

/**
 * What made a result, so that a number can be traced and reproduced: the tool and backend with
 * their versions, the calibration method and data fingerprint, the seed, and the platform. No
 * timestamp is kept, so the same inputs give byte-identical outputs.
 */
public final class Provenance {

    /** Key of the name of the tool that made the result ({@code quant4j}). */
    public static final String TOOL = "tool";
    /** Key of the tool's version. */
    public static final String TOOL_VERSION = "tool.version";
    /** Key of the backend that ran the model ({@code onnxruntime}, {@code djl-pytorch}). */
    public static final String BACKEND = "backend";
    /** Key of the backend's version. */
    public static final String BACKEND_VERSION = "backend.version";
    /** Key of the quantizer provider's name. */
    public static final String QUANTIZER = "quantizer";
    /** Key of the quantization mode ({@code static}, {@code dynamic}, {@code fp16}). */
    public static final String MODE = "mode";
    /** Key of the calibration method's name. */
    public static final String CALIBRATION_METHOD = "calibration.method";
    /** Key of the calibration data's fingerprint. */
    public static final String CALIBRATION_DATA = "calibration.data";
    /** Key of the calibrator options. */
    public static final String CALIBRATION_OPTIONS = "calibration.options";
    /** Key of the number of calibration samples. */
    public static final String CALIBRATION_SAMPLES = "calibration.samples";
    /** Key of the random seed. */
    public static final String SEED = "seed";
    /** Key of whether weights are quantized per channel. */
    public static final String PER_CHANNEL = "perChannel";
    /** Key of the activation scheme. */
    public static final String ACTIVATION_SCHEME = "activationScheme";
    /** Key of the weight precision. */
    public static final String WEIGHT_PRECISION = "weightPrecision";
    /** Key of the kernel target as requested ({@code portable}, {@code vnni}, {@code host}). */
    public static final String KERNEL_TARGET = "kernelTarget";
    /** Key of the kernel target {@code host} resolved to on this machine. */
    public static final String KERNEL_TARGET_RESOLVED = "kernelTarget.resolved";
    /** Key of the activation scheme a calibration table's ranges were calibrated for. */
    public static final String ACTIVATIONS = "activations";
    /** Key of the model's file name. */
    public static final String MODEL = "model";
    /** Key of the SHA-256 of the model file. */
    public static final String MODEL_SHA256 = "model.sha256";

    private final Map<String, String> entries;

    private Provenance(Map<String, String> entries) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /**
     * A new, empty builder.
     *
     * @return a fresh builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * All entries in insertion order, e.g. {@code quantizer=onnxruntime}, {@code os.arch=amd64}.
     *
     * @return key to value, unmodifiable; empty when nothing was recorded
     */
    public Map<String, String> entries() {
        return entries;
    }

    /**
     * The value recorded under {@code key}.
     *
     * @param key a key, e.g. {@link #SEED}
     * @return the value, or null when the key was not recorded
     */
    public String get(String key) {
        return entries.get(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Provenance p && entries.equals(p.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "Provenance" + entries;
    }

    /** Builder of {@link Provenance}; {@link #platform()} adds JVM, OS and architecture. */
    public static final class Builder {
        private final Map<String, String> entries = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Records one entry, replacing an earlier value of the key.
         *
         * @param key the key, not null
         * @param value the value; null is recorded as the text {@code "null"}
         * @return this builder
         */
        public Builder put(String key, String value) {
            entries.put(Objects.requireNonNull(key, "key"), String.valueOf(value));
            return this;
        }

        /**
         * Records the tool that made the result.
         *
         * @param name the tool's name, e.g. {@code quant4j}
         * @param version its version
         * @return this builder
         */
        public Builder tool(String name, String version) {
            return put(TOOL, name).put(TOOL_VERSION, version);
        }

        /**
         * Records the backend that ran the model.
         *
         * @param name the backend's name, e.g. {@code onnxruntime}
         * @param version its version
         * @return this builder
         */
        public Builder backend(String name, String version) {
            return put(BACKEND, name).put(BACKEND_VERSION, version);
        }

        /**
         * Records the calibration method and the data it ran on.
         *
         * @param method the method id, e.g. {@code minmax}
         * @param dataFingerprint the calibration data's {@link org.quant4j.api.data.Dataset#fingerprint()}
         * @return this builder
         */
        public Builder calibration(String method, String dataFingerprint) {
            return put(CALIBRATION_METHOD, method).put(CALIBRATION_DATA, dataFingerprint);
        }

        /**
         * Records the random seed.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder seed(long seed) {
            return put(SEED, Long.toString(seed));
        }

        /**
         * Adds what every quantizer records of its request: the quantizer's name, and the mode,
         * weight layout and precision, activation scheme and kernel target of {@code config} (the
         * target both as requested and as resolved on this machine).
         *
         * @param quantizer the quantizer provider's name
         * @param config the config the model was quantized with
         * @return this builder
         */
        public Builder quantization(String quantizer, QuantizationConfig config) {
            return put(QUANTIZER, quantizer)
                    .put(MODE, config.mode().name().toLowerCase(Locale.ROOT))
                    .put(PER_CHANNEL, Boolean.toString(config.perChannel()))
                    .put(ACTIVATION_SCHEME, config.activationScheme().toString())
                    .put(WEIGHT_PRECISION, config.weightPrecision().name().toLowerCase(Locale.ROOT))
                    .put(KERNEL_TARGET, config.kernelTarget().id())
                    .put(KERNEL_TARGET_RESOLVED, config.kernelTarget().resolve().id());
        }

        /**
         * Adds the JVM, OS, architecture and CPU ({@link CpuFeatures#host()}) this process runs on.
         *
         * @return this builder
         */
        public Builder platform() {
            put("java.version", System.getProperty("java.version"));
            put("java.vendor", System.getProperty("java.vendor"));
            put("os.name", System.getProperty("os.name"));
            put("os.arch", System.getProperty("os.arch"));
            return cpu(CpuFeatures.host());
        }

        /**
         * Adds what {@code cpu} offers for int8 inference: its model, kind and flags.
         *
         * @param cpu the CPU's features, possibly unknown
         * @return this builder
         */
        public Builder cpu(CpuFeatures cpu) {
            put("cpu.model", cpu.model());
            put("cpu.int8", cpu.int8Kind());
            put("cpu.flags", cpu.int8Flags());
            return this;
        }

        /**
         * Builds the provenance of the entries recorded so far.
         *
         * @return the immutable provenance
         */
        public Provenance build() {
            return new Provenance(entries);
        }
    }
}
