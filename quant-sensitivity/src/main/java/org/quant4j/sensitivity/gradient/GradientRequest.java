package org.quant4j.sensitivity.gradient;

import java.util.List;
import java.util.Objects;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Dataset;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.quantize.TensorCalibration;

/**
 * What a {@link GradientEstimator} estimates.
 *
 * @param model       the float model as static quantization sees it (inference transforms applied,
 *                    opset 13 or more)
 * @param config      the static INT8 config: which weights are quantized, per channel or per tensor
 * @param calibration the activation ranges static quantization uses (to plan the same quantizers)
 * @param data        the samples the gradients are averaged over, each a separate backward pass
 * @param layers      the layers (compute node names) to estimate
 * @param objective   the loss whose increase is predicted
 * @param seed        seed of any random choice (sampled labels, random projections)
 * @param threads     engine threads, 0 to let the estimator choose
 */
public record GradientRequest(OnnxModel model, QuantizationConfig config, TensorCalibration calibration, Dataset data,
        List<String> layers, GradientObjective objective, long seed, int threads) {

    public GradientRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(calibration, "calibration");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(objective, "objective");
        layers = List.copyOf(layers);
        if (data.size() == 0) {
            throw new InvalidInputException("A gradient estimate needs at least one sample");
        }
        if (objective == GradientObjective.CROSS_ENTROPY && data.numClasses() <= 0) {
            throw new InvalidInputException("The cross-entropy objective needs labelled data; use KL_TO_FLOAT or"
                    + " MSE_TO_FLOAT on data without labels");
        }
    }
}
