package org.quant4j.onnxruntime.quantize;

import java.util.Collection;
import java.util.Objects;
import java.util.function.Function;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.calibration.TensorObserver;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.quantize.CalibratedRanges;
import org.quant4j.onnx.quantize.TensorCalibration;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

/**
 * ONNX Runtime's {@link TensorCalibration}: the calibration data streamed through the model on
 * ONNX Runtime by {@link ActivationCalibration}, each tensor calibrated with the config's method
 * and options.
 *
 * @param config        the calibration method and options (and nothing else) are read from it
 * @param data          the calibration samples
 * @param batchSize     samples per run
 * @param listener      progress of the pass
 * @param runnerOptions how to run the ONNX Runtime sessions
 * @param observer      also receives every observed tensor's values, or null for none
 */
public record CalibrationPass(QuantizationConfig config, Dataset data, int batchSize, ProgressListener listener,
        RunnerOptions runnerOptions, TensorObserver observer) implements TensorCalibration {

    public CalibrationPass {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(runnerOptions, "runnerOptions");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("Batch size must be > 0, got " + batchSize);
        }
    }

    /** A pass without an observer. */
    public CalibrationPass(QuantizationConfig config, Dataset data, int batchSize, ProgressListener listener,
            RunnerOptions runnerOptions) {
        this(config, data, batchSize, listener, runnerOptions, null);
    }

    @Override
    public void requireMatchingInputs(Graph graph) {
        ActivationCalibration.requireMatchingInputs(graph, data);
    }

    @Override
    public CalibratedRanges calibrate(Graph graph, Collection<String> tensors, Function<String, QuantScheme> schemes) {
        return ActivationCalibration.calibrate(graph, tensors, schemes, this);
    }
}
