package org.quant4j.sensitivity.gradient;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A gradient estimator's prediction per layer, or why it could not make one.
 *
 * @param estimator   the estimator's name
 * @param objective   the loss whose increase is predicted
 * @param samples     samples the gradients were averaged over (0 when unsupported)
 * @param perLayer    predicted loss increase of quantizing each layer's weight, by node name; a layer
 *                    without a quantized weight is absent
 * @param unsupported why the estimator could not run the model; empty when it did
 * @param time        wall time of the estimate
 */
public record GradientEstimate(String estimator, GradientObjective objective, int samples,
        Map<String, Double> perLayer, Optional<String> unsupported, Duration time) {

    public GradientEstimate {
        Objects.requireNonNull(estimator, "estimator");
        Objects.requireNonNull(objective, "objective");
        perLayer = Collections.unmodifiableMap(new LinkedHashMap<>(perLayer));
        Objects.requireNonNull(unsupported, "unsupported");
        Objects.requireNonNull(time, "time");
        if (unsupported.isPresent() && !perLayer.isEmpty()) {
            throw new IllegalArgumentException("An unsupported estimate has no values");
        }
    }

    /** The estimate of a model the estimator could not run, with the reason. */
    public static GradientEstimate unsupported(String estimator, GradientObjective objective, String reason,
            Duration time) {
        return new GradientEstimate(estimator, objective, 0, Map.of(), Optional.of(reason), time);
    }

    /** The layer's estimate, if it has one. */
    public Optional<Double> of(String layer) {
        return Optional.ofNullable(perLayer.get(layer));
    }
}
