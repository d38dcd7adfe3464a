package org.quant4j.api.quantize;

import java.util.Objects;

/**
 * One layer of a compiled model as its runtime reports it will execute (a TensorRT engine's layers,
 * read from the engine inspector): a layer may fuse several nodes of the source model, so these are
 * not {@link NodeDecision}s.
 *
 * @param name      the layer's name, e.g. {@code /conv1/Conv + /relu1/Relu} for a fused layer
 * @param type      the runtime's layer type, e.g. {@code CaskConvolution}; empty when not reported
 * @param precision the precision the layer computes in, lower case as a user types it: {@code int8},
 *                  {@code fp16}, {@code fp32}, ... or {@code other} when the runtime did not say
 * @param tactic    the kernel the runtime chose for the layer; empty when not reported
 */
public record ExecutedLayer(String name, String type, String precision, String tactic) {

    /**
     * Checks that no part is null and that the precision is named.
     *
     * @param name      the layer's name
     * @param type      the runtime's layer type, or empty
     * @param precision the precision it computes in, not blank
     * @param tactic    the chosen kernel, or empty
     */
    public ExecutedLayer {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(tactic, "tactic");
        if (precision.isBlank()) {
            throw new IllegalArgumentException("Layer '" + name + "' needs a precision, e.g. int8, or other");
        }
    }
}
