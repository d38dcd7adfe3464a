package org.quant4j.api.evaluate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.Provenance;
import org.quant4j.api.stats.ConfidenceInterval;

/**
 * The fidelity of a model to its reference model on the same samples: one {@link OutputFidelity}
 * per output both give, in the reference's output order, the mean of each task
 * {@link SampleMetric} with its interval, and the provenance of the run.
 *
 * @param samples    number of samples compared
 * @param outputs    per-output statistics
 * @param metrics    mean of each task metric by name, in request order
 * @param provenance what made the result
 */
public record FidelityResult(int samples, List<OutputFidelity> outputs, Map<String, ConfidenceInterval> metrics,
        Provenance provenance) {

    /**
     * Copies the lists and checks the provenance.
     *
     * @param samples    number of samples compared
     * @param outputs    per-output statistics
     * @param metrics    mean of each task metric by name, in request order
     * @param provenance what made the result, not null
     */
    public FidelityResult {
        outputs = List.copyOf(outputs);
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        Objects.requireNonNull(provenance, "provenance");
    }

    /**
     * The statistics of output {@code name}.
     *
     * @param name an output name of the reference model
     * @return its statistics
     * @throws InvalidInputException when no output has that name
     */
    public OutputFidelity output(String name) {
        return outputs.stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> new InvalidInputException("No output '" + name + "' was compared; the outputs are "
                        + outputs.stream().map(OutputFidelity::name).toList()));
    }
}
