package org.quant4j.tensorrt.inspect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quant4j.api.ModelException;
import org.quant4j.api.quantize.ExecutedLayer;
import org.quant4j.tensorrt.LayerPrecision;

/**
 * The layers of an engine, read from the JSON of TensorRT's {@code IEngineInspector}
 * ({@code getEngineInformation(kJSON)}), and how many run in each precision. The engine must be
 * built with detailed profiling verbosity (quant4j's engines are) for the formats to be listed;
 * an engine built with names only gives layers of precision {@link LayerPrecision#OTHER}.
 *
 * <p>The precision of a layer is read from TensorRT's {@code Format/Datatype} text of its first
 * input (of its first output when it has none): {@code Int8} in it means INT8, {@code FP16} or
 * {@code Half} FP16, {@code BF16}, {@code FP8}, {@code Int32}, {@code FP32} or {@code Float} FP32.
 */
public record EngineLayers(List<EngineLayer> layers) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public EngineLayers {
        layers = List.copyOf(layers);
    }

    /**
     * Parses the inspector's JSON.
     *
     * @throws ModelException when the text is not the inspector's JSON
     */
    public static EngineLayers parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ModelException("TensorRT's engine information is not JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode layers = root == null ? null : root.get("Layers");
        if (layers == null || !layers.isArray()) {
            throw new ModelException("TensorRT's engine information has no \"Layers\" array");
        }
        List<EngineLayer> out = new ArrayList<>();
        for (JsonNode layer : layers) {
            if (layer.isTextual()) {
                out.add(new EngineLayer(layer.asText(), "", LayerPrecision.OTHER, List.of(), List.of(), ""));
                continue;
            }
            List<String> inputs = formats(layer.get("Inputs"));
            List<String> outputs = formats(layer.get("Outputs"));
            String basis = !inputs.isEmpty() ? inputs.get(0) : !outputs.isEmpty() ? outputs.get(0) : "";
            String tactic = text(layer, "TacticName");
            out.add(new EngineLayer(text(layer, "Name"), text(layer, "LayerType"), precisionOf(basis), inputs,
                    outputs, tactic.isEmpty() ? text(layer, "TacticValue") : tactic));
        }
        return new EngineLayers(out);
    }

    /** The precision a {@code Format/Datatype} text names. */
    public static LayerPrecision precisionOf(String format) {
        String f = " " + format.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ") + " ";
        if (f.contains(" int8 ")) {
            return LayerPrecision.INT8;
        }
        if (f.contains(" fp16 ") || f.contains(" half ")) {
            return LayerPrecision.FP16;
        }
        if (f.contains(" bf16 ")) {
            return LayerPrecision.BF16;
        }
        if (f.contains(" fp8 ")) {
            return LayerPrecision.FP8;
        }
        if (f.contains(" int32 ")) {
            return LayerPrecision.INT32;
        }
        if (f.contains(" fp32 ") || f.contains(" float ")) {
            return LayerPrecision.FP32;
        }
        return LayerPrecision.OTHER;
    }

    /** Layers per precision, in {@link LayerPrecision} order, precisions without layers left out. */
    public Map<LayerPrecision, Integer> counts() {
        Map<LayerPrecision, Integer> counts = new EnumMap<>(LayerPrecision.class);
        layers.forEach(l -> counts.merge(l.precision(), 1, Integer::sum));
        return counts;
    }

    /** The layers as the backend-neutral {@link ExecutedLayer}s a {@code QuantizationResult} and the report carry. */
    public List<ExecutedLayer> executedLayers() {
        return layers.stream().map(l -> new ExecutedLayer(l.name(), l.type(), l.precision().id(), l.tactic())).toList();
    }

    private static List<String> formats(JsonNode tensors) {
        List<String> out = new ArrayList<>();
        if (tensors != null && tensors.isArray()) {
            for (JsonNode t : tensors) {
                out.add(text(t, "Format/Datatype"));
            }
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }
}
