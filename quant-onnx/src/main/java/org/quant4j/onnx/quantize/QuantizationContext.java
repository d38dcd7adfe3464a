package org.quant4j.onnx.quantize;

import java.util.Objects;
import java.util.Optional;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.quantize.ProgressListener;

/**
 * What a {@link GraphQuantizer} needs besides the graph: the user's config and, for static mode, a
 * way to calibrate tensors of the graph on data. The calibration pass belongs to a backend (it
 * runs the model), so it comes in here as a {@link TensorCalibration}.
 *
 * @param config      the user's quantization config
 * @param calibration calibrates tensors on the calibration data; empty when there is no data
 * @param listener    told of the weight rewrite's progress
 *                    ({@link org.quant4j.api.quantize.ProgressStages#WEIGHTS} or
 *                    {@link org.quant4j.api.quantize.ProgressStages#FP16_WEIGHTS}); calibration
 *                    reports its own through the {@link TensorCalibration}
 */
public record QuantizationContext(QuantizationConfig config, Optional<TensorCalibration> calibration,
        ProgressListener listener) {

    public QuantizationContext {
        Objects.requireNonNull(config, "config");
        calibration = calibration == null ? Optional.empty() : calibration;
        Objects.requireNonNull(listener, "listener");
    }

    /** A context that reports no progress. */
    public QuantizationContext(QuantizationConfig config, Optional<TensorCalibration> calibration) {
        this(config, calibration, ProgressListener.NONE);
    }

    /** A context that calibrates with {@code calibration}. */
    public static QuantizationContext calibratedBy(QuantizationConfig config, TensorCalibration calibration) {
        return new QuantizationContext(config, Optional.of(calibration));
    }

    /** A context without calibration data, for the modes that need none (and fixed-range static mode). */
    public static QuantizationContext withoutData(QuantizationConfig config) {
        return new QuantizationContext(config, Optional.empty());
    }
}
