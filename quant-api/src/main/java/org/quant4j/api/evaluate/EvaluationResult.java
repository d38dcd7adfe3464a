package org.quant4j.api.evaluate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.quant4j.api.Provenance;

/**
 * Predictions of a model on labelled data, its headline metrics (e.g. {@code top1}, {@code top5})
 * and the provenance of the run.
 */
public record EvaluationResult(Predictions predictions, Map<String, Double> metrics, Provenance provenance) {

    /**
     * Copies the metrics.
     *
     * @param predictions the model's top-k predictions with the true labels, not null
     * @param metrics     metric name to value (e.g. {@code top1} as a fraction), in report order
     * @param provenance  what made the result, not null
     */
    public EvaluationResult {
        Objects.requireNonNull(predictions, "predictions");
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        Objects.requireNonNull(provenance, "provenance");
    }

    /**
     * Top-1 accuracy of the predictions.
     *
     * @return the fraction of samples whose best class is their label, in [0, 1]; NaN without samples
     */
    public double top1() {
        return predictions.topAccuracy(1);
    }
}
