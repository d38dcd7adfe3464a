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

    /**
     * Checks that a tensor kept in float sets nothing else.
     *
     * @param keepFloat true to leave the tensor unquantized
     * @param scheme    scheme to use instead of the config's, if present; null is taken as empty
     * @param range     fixed range to use instead of the calibrated one, if present; null is taken as empty
     * @throws InvalidInputException when {@code keepFloat} is combined with a scheme or a range
     */
    public TensorOverride {
        scheme = scheme == null ? Optional.empty() : scheme;
        range = range == null ? Optional.empty() : range;
        if (keepFloat && (scheme.isPresent() || range.isPresent())) {
            throw new InvalidInputException("A tensor kept in float cannot also set a scheme or a range");
        }
    }

    /**
     * Leave the tensor in float.
     *
     * @return the override keeping the tensor in float
     */
    public static TensorOverride floatOnly() {
        return new TensorOverride(true, Optional.empty(), Optional.empty());
    }

    /**
     * Use this fixed range instead of calibrating.
     *
     * @param range the range to quantize the tensor with
     * @return the override
     */
    public static TensorOverride withRange(TensorRange range) {
        return new TensorOverride(false, Optional.empty(), Optional.of(range));
    }

    /**
     * Use this scheme instead of the config's.
     *
     * @param scheme the scheme to quantize the tensor with
     * @return the override
     */
    public static TensorOverride withScheme(QuantScheme scheme) {
        return new TensorOverride(false, Optional.of(scheme), Optional.empty());
    }
}
