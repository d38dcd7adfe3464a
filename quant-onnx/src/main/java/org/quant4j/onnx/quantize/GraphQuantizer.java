package org.quant4j.onnx.quantize;

import org.quant4j.api.QuantizationMode;
import org.quant4j.onnx.graph.Graph;

/**
 * One quantization mode (static QDQ, dynamic, FP16) applied to a graph in place. The graph has
 * already been through the inference transforms (BN folding, Identity/Dropout removal) and has
 * opset 13 or more; the caller reads the input model and writes the output, so an implementation
 * only rewrites.
 */
public interface GraphQuantizer {

    /** The mode this quantizer implements. */
    QuantizationMode mode();

    /**
     * Rewrites {@code graph}.
     *
     * @return a decision for every node of the input graph that the mode considers (quantized, or
     *         skipped with the reason), the calibrated ranges if any, and the calibration time
     * @throws org.quant4j.api.ModelException        when the graph has nothing this mode can quantize
     * @throws org.quant4j.api.InvalidInputException when the calibration data does not fit the model
     */
    GraphQuantization quantize(Graph graph, QuantizationContext context);
}
