package org.quant4j.onnxruntime.calibrate;

import org.quant4j.api.calibration.ModelCalibrator;
import org.quant4j.api.calibration.ModelCalibratorProvider;
import org.quant4j.api.provider.Availability;
import org.quant4j.onnxruntime.runtime.OrtRuntime;

/**
 * The {@code "onnxruntime"} model calibrator, found through {@code META-INF/services}.
 * Instantiating it loads no native code; {@link #availability()} loads ONNX Runtime on first call
 * and reports a failure as a reason instead of throwing.
 */
public final class OnnxRuntimeModelCalibratorProvider implements ModelCalibratorProvider {

    @Override
    public String name() {
        return OnnxRuntimeModelCalibrator.NAME;
    }

    /** ONNX Runtime runs every ONNX model on every platform, so this is the default when present. */
    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability availability() {
        return OrtRuntime.availability();
    }

    @Override
    public ModelCalibrator create() {
        OrtRuntime.environment();
        return new OnnxRuntimeModelCalibrator();
    }
}
