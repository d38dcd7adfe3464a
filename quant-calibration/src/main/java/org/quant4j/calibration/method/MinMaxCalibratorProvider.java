package org.quant4j.calibration.method;

import java.util.Set;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.calibration.Calibrator;
import org.quant4j.api.calibration.CalibratorOptions;
import org.quant4j.api.calibration.CalibratorProvider;

/** Provides {@link MinMaxCalibrator} as {@code "minmax"}. Option: {@code symmetric} (default false). */
public final class MinMaxCalibratorProvider implements CalibratorProvider {

    @Override
    public CalibrationMethod method() {
        return CalibrationMethod.MIN_MAX;
    }

    @Override
    public Set<String> supportedOptions() {
        return Set.of(MethodOptions.SYMMETRIC);
    }

    @Override
    public Calibrator create(CalibratorOptions options) {
        options.requireOnly(supportedOptions(), name());
        return new MinMaxCalibrator(options.getBoolean(MethodOptions.SYMMETRIC, false));
    }
}
