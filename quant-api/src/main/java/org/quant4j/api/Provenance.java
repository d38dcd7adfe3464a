package org.quant4j.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.quant4j.api.platform.CpuFeatures;

/**
 * What made a result, so that a number can be traced and reproduced: the tool and backend with
 * their versions, the calibration method and data fingerprint, the seed, and the platform. No
 * timestamp is kept, so the same inputs give byte-identical outputs.
 */
public final class Provenance {

    private final Map<String, String> entries;

    private Provenance(Map<String, String> entries) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** All entries in insertion order, e.g. {@code quantizer=onnxruntime}, {@code os.arch=amd64}. */
    public Map<String, String> entries() {
        return entries;
    }

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

        public Builder put(String key, String value) {
            entries.put(Objects.requireNonNull(key, "key"), String.valueOf(value));
            return this;
        }

        public Builder tool(String name, String version) {
            return put("tool", name).put("tool.version", version);
        }

        public Builder backend(String name, String version) {
            return put("backend", name).put("backend.version", version);
        }

        public Builder calibration(String method, String dataFingerprint) {
            return put("calibration.method", method).put("calibration.data", dataFingerprint);
        }

        public Builder seed(long seed) {
            return put("seed", Long.toString(seed));
        }

        /** Adds the JVM, OS, architecture and CPU ({@link CpuFeatures#host()}) this process runs on. */
        public Builder platform() {
            put("java.version", System.getProperty("java.version"));
            put("java.vendor", System.getProperty("java.vendor"));
            put("os.name", System.getProperty("os.name"));
            put("os.arch", System.getProperty("os.arch"));
            return cpu(CpuFeatures.host());
        }

        /** Adds what {@code cpu} offers for int8 inference: its model, kind and flags. */
        public Builder cpu(CpuFeatures cpu) {
            put("cpu.model", cpu.model());
            put("cpu.int8", cpu.int8Kind());
            put("cpu.flags", cpu.int8Flags());
            return this;
        }

        public Provenance build() {
            return new Provenance(entries);
        }
    }
}
