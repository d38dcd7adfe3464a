package org.quant4j.cli.inspect;

import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.saturation.SaturationAnalysis;
import org.quant4j.onnx.saturation.SaturationReport;

/**
 * Whether a model is accurate on every CPU kind, as far as its file tells: its int8 x uint8 layers
 * (QDQ Conv, Gemm and MatMul, dynamic MatMulInteger and DynamicQuantizeLSTM) checked by
 * {@link SaturationAnalysis#ofWeights} (on x86-64 without VNNI, ONNX Runtime adds pairs of their
 * products in saturating int16).
 *
 * @param layers the analysis of the integer layers
 */
record Portability(SaturationReport layers) {

    /** The portability of {@code model}. */
    static Portability of(OnnxModel model) {
        return new Portability(SaturationAnalysis.ofWeights(model.graph()));
    }

    /** True when the model has no integer layer at all (a float model). */
    boolean noIntegerLayers() {
        return layers.layers().isEmpty();
    }

    /** False when a layer can saturate on AVX2 without VNNI; true otherwise. */
    boolean portable() {
        return layers.portable();
    }

    /** One line: whether the model is portable and, when it is not, what to do. */
    String verdict() {
        if (noIntegerLayers()) {
            return "no int8 x uint8 layers: nothing can saturate";
        }
        int atRisk = layers.atRisk().size();
        if (atRisk > 0) {
            return "not portable: " + atRisk + (atRisk == 1 ? " layer" : " layers") + " can saturate on x86-64 CPUs"
                    + " with AVX2 but without VNNI; re-quantize with --target portable";
        }
        return "portable: accurate on every x86-64 AVX2+ / ARM64 CPU";
    }
}
