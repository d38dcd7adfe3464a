package org.quant4j.calibration.method;

import java.util.Set;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.calibration.Calibrator;
import org.quant4j.api.calibration.CalibratorOptions;
import org.quant4j.api.calibration.CalibratorProvider;
import org.quant4j.calibration.histogram.AbsHistogram;

/**
 * Provides {@link MseCalibrator} as {@code "mse"}. Options: {@code bins} (default 2048),
 * {@code startBin} (default 128), {@code stride} (default 1), {@code symmetric} (default false).
 */
public final class MseCalibratorProvider implements CalibratorProvider {

    @Override
    public CalibrationMethod method() {
        return CalibrationMethod.MSE;
    }

    @Override
    public Set<String> supportedOptions() {
        return Set.of(MethodOptions.BINS, MethodOptions.START_BIN, MethodOptions.STRIDE, MethodOptions.SYMMETRIC);
    }

    @Override
    public Calibrator create(CalibratorOptions options) {
        options.requireOnly(supportedOptions(), name());
        return new MseCalibrator(
                options.getInt(MethodOptions.BINS, AbsHistogram.DEFAULT_BINS),
                options.getInt(MethodOptions.START_BIN, MseCalibrator.DEFAULT_START_BIN),
                options.getInt(MethodOptions.STRIDE, 1),
                options.getBoolean(MethodOptions.SYMMETRIC, false));
    }
}
