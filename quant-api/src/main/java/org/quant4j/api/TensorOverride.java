package org.quant4j.api;

import java.util.Optional;

/**
 * A per-tensor exception to the config: keep the tensor in float, force a scheme, or fix its range
 * instead of calibrating it.
 *
 * @param keepFloat true to leave the tensor unquantized
 * @param scheme    scheme to use instead of the config's, if present
 * @param range     fixed range to use instead of the calibrated one, if present
 */
public record TensorOverride(boolean keepFloat, Optional<QuantScheme> scheme, Optional<TensorRange> range) {

    public TensorOverride {
        scheme = scheme == null ? Optional.empty() : scheme;
        range = range == null ? Optional.empty() : range;
        if (keepFloat && (scheme.isPresent() || range.isPresent())) {
            throw new InvalidInputException("A tensor kept in float cannot also set a scheme or a range");
        }
    }

    /** Leave the tensor in float. */
    public static TensorOverride floatOnly() {
        return new TensorOverride(true, Optional.empty(), Optional.empty());
    }

    /** Use this fixed range instead of calibrating. */
    public static TensorOverride withRange(TensorRange range) {
        return new TensorOverride(false, Optional.empty(), Optional.of(range));
    }

    /** Use this scheme instead of the config's. */
    public static TensorOverride withScheme(QuantScheme scheme) {
        return new TensorOverride(false, Optional.of(scheme), Optional.empty());
    }
}
