package org.quant4j.api.quantize;

import java.util.Objects;

/**
 * What a quantization really did to the weights of the layers that have them (Conv, Gemm, MatMul,
 * ...): how many weight tensors it stored in the lower precision and how many it left in float, with
 * their sizes in bytes as stored.
 *
 * @param precision       the lower precision, {@code "int8"} or {@code "float16"}
 * @param converted       weight tensors stored in {@code precision}
 * @param convertedBytes  their size in that precision
 * @param leftFloat       weight tensors left in float32
 * @param leftFloatBytes  their size
 */
public record WeightSummary(String precision, int converted, long convertedBytes, int leftFloat,
        long leftFloatBytes) {

    /**
     * Checks the counts.
     *
     * @param precision       the lower precision, {@code "int8"} or {@code "float16"}, not null
     * @param converted       weight tensors stored in {@code precision}
     * @param convertedBytes  their size in that precision
     * @param leftFloat       weight tensors left in float32
     * @param leftFloatBytes  their size
     * @throws IllegalArgumentException when a count or size is negative
     */
    public WeightSummary {
        Objects.requireNonNull(precision, "precision");
        if (converted < 0 || convertedBytes < 0 || leftFloat < 0 || leftFloatBytes < 0) {
            throw new IllegalArgumentException("Weight counts and sizes cannot be negative");
        }
    }

    /**
     * No weights at all (e.g. a result made before weights were counted).
     *
     * @param precision the lower precision the result is about
     * @return a summary of zero weights
     */
    public static WeightSummary none(String precision) {
        return new WeightSummary(precision, 0, 0, 0, 0);
    }

    /**
     * Weight tensors in all.
     *
     * @return {@code converted + leftFloat}
     */
    public int total() {
        return converted + leftFloat;
    }
}
