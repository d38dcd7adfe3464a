package org.quant4j.onnxruntime.quantize;

import java.util.Objects;
import java.util.Optional;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

/**
 * What a {@link GraphQuantizer} needs besides the graph.
 *
 * @param config          the user's quantization config
 * @param calibrationData calibration samples (required by static mode only)
 * @param batchSize       calibration batch size
 * @param listener        progress of calibration
 * @param runnerOptions   how to run ONNX Runtime sessions during calibration
 */
public record QuantizationContext(QuantizationConfig config, Optional<Dataset> calibrationData, int batchSize,
        ProgressListener listener, RunnerOptions runnerOptions) {

    public QuantizationContext {
        Objects.requireNonNull(config, "config");
        calibrationData = calibrationData == null ? Optional.empty() : calibrationData;
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(runnerOptions, "runnerOptions");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("Batch size must be > 0, got " + batchSize);
        }
    }

    /** A context without calibration data, for the modes that need none. */
    public static QuantizationContext withoutData(QuantizationConfig config) {
        return new QuantizationContext(config, Optional.empty(), 1, ProgressListener.NONE, RunnerOptions.defaults());
    }
}
