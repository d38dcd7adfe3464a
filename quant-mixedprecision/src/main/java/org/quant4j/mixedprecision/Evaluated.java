package org.quant4j.mixedprecision;

import java.util.Objects;

import org.quant4j.api.stats.ConfidenceInterval;

/**
 * An assignment built and measured on the validation split.
 *
 * @param assignment    the choice per layer
 * @param drop          the metric's drop against FP32, with its paired bootstrap interval
 * @param samples       validation samples it was evaluated on
 * @param latencyMicros summed node kernel time of one batch (ONNX Runtime's profile, least of the runs)
 * @param sizeBytes     bytes of the model file
 */
public record Evaluated(Assignment assignment, ConfidenceInterval drop, int samples, double latencyMicros,
        long sizeBytes) {

    public Evaluated {
        Objects.requireNonNull(assignment, "assignment");
        Objects.requireNonNull(drop, "drop");
    }

    /** Whether the drop's estimate is within {@code budget}. */
    boolean within(double budget) {
        return drop.estimate() <= budget;
    }
}
