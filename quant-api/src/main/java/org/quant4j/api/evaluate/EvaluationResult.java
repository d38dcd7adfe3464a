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

    public EvaluationResult {
        Objects.requireNonNull(predictions, "predictions");
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        Objects.requireNonNull(provenance, "provenance");
    }

    /** Top-1 accuracy of the predictions. */
    public double top1() {
        return predictions.topAccuracy(1);
    }
}
