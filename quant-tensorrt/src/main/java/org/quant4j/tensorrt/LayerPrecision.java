package org.quant4j.tensorrt;

import java.util.Locale;
import java.util.Optional;

/**
 * The precision of one engine layer: what a per-layer constraint asks for, and what the engine
 * inspector reports a layer runs in.
 */
public enum LayerPrecision {
    FP32, FP16, BF16, INT8, FP8, INT32, OTHER;

    /** {@code fp32}, {@code fp16}, {@code int8}: the name a user types. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The precision named {@code id} (case-insensitive) that a per-layer constraint may ask for: fp32, fp16 or int8. */
    public static Optional<LayerPrecision> constraint(String id) {
        return switch (id.trim().toLowerCase(Locale.ROOT)) {
            case "fp32", "float32" -> Optional.of(FP32);
            case "fp16", "float16", "half" -> Optional.of(FP16);
            case "int8" -> Optional.of(INT8);
            default -> Optional.empty();
        };
    }
}
