package org.quant4j.calibration.method;

import java.util.Set;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.calibration.Calibrator;
import org.quant4j.api.calibration.CalibratorOptions;
import org.quant4j.api.calibration.CalibratorProvider;

/**
 * Provides {@link MovingAverageMinMaxCalibrator} as {@code "moving-average-minmax"}. Options:
 * {@code averagingConstant} in {@code (0, 1]} (default 0.01), {@code symmetric} (default false).
 */
public final class MovingAverageMinMaxCalibratorProvider implements CalibratorProvider {

    @Override
    public CalibrationMethod method() {
        return CalibrationMethod.MOVING_AVERAGE_MIN_MAX;
    }

    @Override
    public Set<String> supportedOptions() {
        return Set.of(MethodOptions.AVERAGING_CONSTANT, MethodOptions.SYMMETRIC);
    }

    @Override
    public Calibrator create(CalibratorOptions options) {
        options.requireOnly(supportedOptions(), name());
        return new MovingAverageMinMaxCalibrator(
                options.getDouble(MethodOptions.AVERAGING_CONSTANT, MovingAverageMinMaxCalibrator.DEFAULT_AVERAGING_CONSTANT),
                options.getBoolean(MethodOptions.SYMMETRIC, false));
    }
}
