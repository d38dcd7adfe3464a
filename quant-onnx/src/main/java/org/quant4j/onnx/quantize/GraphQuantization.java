package org.quant4j.onnx.quantize;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.quant4j.api.TensorRange;
import org.quant4j.api.quantize.NodeDecision;

/**
 * What a {@link GraphQuantizer} did to a graph.
 *
 * @param decisions       one decision per node considered
 * @param ranges          calibrated activation ranges by tensor name (empty for dynamic and FP16)
 * @param calibrationTime wall time spent calibrating (zero when there was no calibration)
 * @param warnings        what the user should know about the result as a whole (e.g. what was not checked)
 */
public record GraphQuantization(List<NodeDecision> decisions, Map<String, TensorRange> ranges,
        Duration calibrationTime, List<String> warnings) {

    public GraphQuantization {
        decisions = List.copyOf(decisions);
        ranges = Collections.unmodifiableMap(new LinkedHashMap<>(ranges));
        Objects.requireNonNull(calibrationTime, "calibrationTime");
        warnings = List.copyOf(warnings);
    }

    /** A result without warnings. */
    public GraphQuantization(List<NodeDecision> decisions, Map<String, TensorRange> ranges, Duration calibrationTime) {
        this(decisions, ranges, calibrationTime, List.of());
    }

    /** Decisions only, for modes without calibration. */
    public static GraphQuantization of(List<NodeDecision> decisions) {
        return new GraphQuantization(decisions, Map.of(), Duration.ZERO);
    }
}
