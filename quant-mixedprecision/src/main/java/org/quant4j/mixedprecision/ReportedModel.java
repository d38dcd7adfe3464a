package org.quant4j.mixedprecision;

import java.util.Objects;

import org.quant4j.api.stats.ConfidenceInterval;

/**
 * A model measured on the test split: the metric, its drop against FP32 with a paired bootstrap
 * interval, wall-clock latency at the latency batch and size.
 *
 * @param name          what it is ({@code fp32}, {@code int8}, or the search that chose it)
 * @param assignment    the choice per layer as the model was built: a layer the search asked for in INT8
 *                      or float16 but the quantizer (or the float16 converter) left float is float
 * @param validationDrop the drop on the validation split (what the choice was made on)
 * @param testMetric    the metric on the test split (top-1 accuracy, or agreement with FP32)
 * @param testDrop      the drop on the test split against FP32
 * @param latencyMillis least wall-clock time of one batch of the latency batch size, timed in rounds
 *                      interleaved with the other models reported
 * @param speedup       FP32's latency over this model's
 * @param sizeBytes     bytes of the model file
 */
public record ReportedModel(String name, Assignment assignment, ConfidenceInterval validationDrop, double testMetric,
        ConfidenceInterval testDrop, double latencyMillis, double speedup, long sizeBytes) {

    public ReportedModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(assignment, "assignment");
        Objects.requireNonNull(validationDrop, "validationDrop");
        Objects.requireNonNull(testDrop, "testDrop");
    }
}
