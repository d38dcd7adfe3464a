package org.quant4j.tensorrt.inspect;

import java.util.List;
import java.util.Objects;
import org.quant4j.tensorrt.LayerPrecision;

/**
 * One layer of a built engine as TensorRT's engine inspector describes it.
 *
 * @param name          the layer's name (fused layers are named after their parts, joined with {@code " + "})
 * @param type          TensorRT's layer type, e.g. {@code CaskConvolution}, or empty when not reported
 * @param precision     the precision the layer reads its inputs in (its outputs' when it has no inputs)
 * @param inputFormats  the {@code Format/Datatype} of each input, e.g. {@code Row major linear FP32}
 * @param outputFormats the {@code Format/Datatype} of each output
 * @param tactic        the kernel TensorRT chose: its {@code TacticName}, else its {@code TacticValue}
 *                      (e.g. {@code 0x11bde0e1d9f2f35d}), empty when not reported
 */
public record EngineLayer(String name, String type, LayerPrecision precision, List<String> inputFormats,
        List<String> outputFormats, String tactic) {

    public EngineLayer {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(tactic, "tactic");
        inputFormats = List.copyOf(inputFormats);
        outputFormats = List.copyOf(outputFormats);
    }
}
