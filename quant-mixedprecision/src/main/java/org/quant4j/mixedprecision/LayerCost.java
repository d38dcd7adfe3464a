package org.quant4j.mixedprecision;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What each choice of one layer costs, measured: latency, size and predicted accuracy loss.
 *
 * @param layer         the layer's node name
 * @param opType        its op type
 * @param latencyMicros per choice, the change of the model's measured time when only this layer takes the
 *                      choice and every other layer stays INT8 per channel (ONNX Runtime's profile: the
 *                      least summed node kernel time of the profiled runs; another latency backend: the
 *                      least wall-clock time of a batch): 0 for per channel; for float and float16 it
 *                      includes the QuantizeLinear/DequantizeLinear (and Cast) nodes the island adds
 * @param predictedDrop per choice, never below 0: for INT8 the one-on drop of quant-sensitivity (only this
 *                      layer quantized, so choice, against the float model); for float16 the drop of the
 *                      float model with only this layer in float16, on up to 500 validation samples; 0 for
 *                      float
 * @param weightBytes   per choice, the bytes of the layer's weight (float32, float16, or int8 with its
 *                      scales); 0 for a layer without a weight
 */
public record LayerCost(String layer, String opType, Map<LayerChoice, Double> latencyMicros,
        Map<LayerChoice, Double> predictedDrop, Map<LayerChoice, Long> weightBytes) {

    public LayerCost {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(opType, "opType");
        latencyMicros = Collections.unmodifiableMap(new EnumMap<>(latencyMicros));
        predictedDrop = Collections.unmodifiableMap(new EnumMap<>(predictedDrop));
        weightBytes = Collections.unmodifiableMap(new EnumMap<>(weightBytes));
    }

    /**
     * The choices this layer has: per tensor only for a layer with a weight.
     *
     * @return the choices measured
     */
    public Set<LayerChoice> choices() {
        return latencyMicros.keySet();
    }

    /** Whether the layer has a weight (its float weight bytes are not 0). */
    boolean hasWeight() {
        return weightBytes.getOrDefault(LayerChoice.FLOAT, 0L) > 0;
    }

    /** The latency change of {@code c} in microseconds. */
    double latency(LayerChoice c) {
        return latencyMicros.get(c);
    }

    /** The predicted drop of {@code c}. */
    double drop(LayerChoice c) {
        return predictedDrop.get(c);
    }
}
