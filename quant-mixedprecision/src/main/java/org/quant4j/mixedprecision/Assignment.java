package org.quant4j.mixedprecision;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationConfig;

/**
 * A choice per layer (node name), in graph order: the model a search proposes.
 *
 * @param choices the choice of each layer, in graph order
 */
public record Assignment(Map<String, LayerChoice> choices) {

    public Assignment {
        choices = Collections.unmodifiableMap(new LinkedHashMap<>(choices));
    }

    /**
     * Every layer with the same choice.
     *
     * @param layers the layers in graph order
     * @param choice their choice
     * @return the assignment
     */
    public static Assignment uniform(List<String> layers, LayerChoice choice) {
        Map<String, LayerChoice> m = new LinkedHashMap<>();
        layers.forEach(l -> m.put(l, choice));
        return new Assignment(m);
    }

    /**
     * This assignment with {@code layer} set to {@code choice}.
     *
     * @param layer  a layer of the assignment
     * @param choice its new choice
     * @return the changed copy
     * @throws InvalidInputException when {@code layer} is not one of the assignment's layers
     */
    public Assignment with(String layer, LayerChoice choice) {
        if (!choices.containsKey(layer)) {
            throw new InvalidInputException("Unknown layer '" + layer + "': the layers are " + choices.keySet());
        }
        Map<String, LayerChoice> m = new LinkedHashMap<>(choices);
        m.put(layer, choice);
        return new Assignment(m);
    }

    /**
     * The choice of {@code layer}.
     *
     * @param layer a layer of the assignment
     * @return its choice
     */
    public LayerChoice of(String layer) {
        LayerChoice c = choices.get(layer);
        if (c == null) {
            throw new InvalidInputException("Unknown layer '" + layer + "': the layers are " + choices.keySet());
        }
        return c;
    }

    /**
     * How many layers have {@code choice}.
     *
     * @param choice a choice
     * @return the count
     */
    public int count(LayerChoice choice) {
        return (int) choices.values().stream().filter(c -> c == choice).count();
    }

    /**
     * The static INT8 config of this assignment from {@code base}, float and float16 layers excluded (the
     * float16 layers are converted after quantization, by quant-onnx's {@code Fp16Converter}),
     * per-tensor layers listed as such; the kernel target and everything else stay {@code base}'s.
     *
     * @param base the config of the full INT8 model (per channel)
     * @return the config
     */
    public QuantizationConfig config(QuantizationConfig base) {
        QuantizationConfig.Builder b = base.toBuilder();
        choices.forEach((layer, c) -> {
            if (c == LayerChoice.FLOAT || c == LayerChoice.FP16) {
                b.excludeNode(layer);
            } else if (c == LayerChoice.INT8_PER_TENSOR) {
                b.perTensorNode(layer);
            }
        });
        return b.build();
    }

    /**
     * A short key: one letter per layer in graph order (c per channel, t per tensor, f float, h float16).
     *
     * @return the key
     */
    public String key() {
        StringBuilder sb = new StringBuilder(choices.size());
        choices.values().forEach(c -> sb.append(switch (c) {
            case INT8_PER_CHANNEL -> 'c';
            case INT8_PER_TENSOR -> 't';
            case FLOAT -> 'f';
            case FP16 -> 'h';
        }));
        return sb.toString();
    }

    /**
     * How many layers are out of INT8 (float or float16).
     *
     * @return the count
     */
    public int outOfInt8() {
        return count(LayerChoice.FLOAT) + count(LayerChoice.FP16);
    }

    /**
     * The layers with {@code choice}, in graph order.
     *
     * @param choice a choice
     * @return their names
     */
    public List<String> layers(LayerChoice choice) {
        return choices.entrySet().stream().filter(e -> e.getValue() == choice).map(Map.Entry::getKey).toList();
    }
}
