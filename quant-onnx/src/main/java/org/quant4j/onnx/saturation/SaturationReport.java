package org.quant4j.onnx.saturation;

import java.util.List;

/**
 * The saturation analysis of a quantized model: one entry per uint8 x int8 Conv, Gemm or MatMul.
 *
 * @param layers  the analysed layers, in graph order
 * @param samples samples the data observations ran on (0 when only the weights were read)
 */
public record SaturationReport(List<LayerSaturation> layers, int samples) {

    public SaturationReport {
        layers = List.copyOf(layers);
    }

    /** True when no layer can saturate on AVX2 for any input: the model is exact on every CPU kind. */
    public boolean portable() {
        return layers.stream().allMatch(LayerSaturation::portable);
    }

    /** Layers that some input saturates on AVX2. */
    public List<LayerSaturation> atRisk() {
        return layers.stream().filter(l -> !l.portable()).toList();
    }

    /** Layers whose pairs saturated on the data. */
    public List<LayerSaturation> saturatedOnData() {
        return layers.stream().filter(l -> l.observed().map(o -> o.saturatedPairs() > 0).orElse(false)).toList();
    }
}
