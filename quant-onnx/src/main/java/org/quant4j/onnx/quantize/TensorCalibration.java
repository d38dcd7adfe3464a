package org.quant4j.onnx.quantize;

import java.util.Collection;
import java.util.function.Function;
import org.quant4j.api.QuantScheme;
import org.quant4j.onnx.graph.Graph;

/**
 * Calibrates tensors of a graph on calibration data: the part of static quantization that runs the
 * model, so a backend implements it (ONNX Runtime's calibration pass, say) and the backend-neutral
 * {@link StaticQdqQuantizer} calls it. The method, its options and the data are the
 * implementation's; the graph is never modified.
 */
public interface TensorCalibration {

    /**
     * Checks, before anything runs, that the data fits the inputs of {@code graph}.
     *
     * @throws org.quant4j.api.InvalidInputException naming the input and what does not fit
     */
    void requireMatchingInputs(Graph graph);

    /**
     * Runs the data through {@code graph} and calibrates each of {@code tensors} that holds float32
     * values; the others are absent from the result.
     *
     * @param schemes the activation scheme of each tensor: a symmetric scheme gives a symmetric range
     * @throws org.quant4j.api.InvalidInputException when the data does not fit the model
     * @throws org.quant4j.api.CalibrationException  when a tensor never holds a finite value
     */
    CalibratedRanges calibrate(Graph graph, Collection<String> tensors, Function<String, QuantScheme> schemes);
}
