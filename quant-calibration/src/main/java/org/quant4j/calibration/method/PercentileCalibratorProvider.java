package org.quant4j.calibration.method;

import java.util.Set;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.calibration.Calibrator;
import org.quant4j.api.calibration.CalibratorOptions;
import org.quant4j.api.calibration.CalibratorProvider;
import org.quant4j.calibration.histogram.AbsHistogram;

/**
 * Provides {@link PercentileCalibrator} as {@code "percentile"}. Options: {@code percentile} in
 * {@code (0, 100]} (default 99.99), {@code bins} (default 2048), {@code symmetric} (default false).
 */
public final class PercentileCalibratorProvider implements CalibratorProvider {

    @Override
    public CalibrationMethod method() {
        return CalibrationMethod.PERCENTILE;
    }

    @Override
    public Set<String> supportedOptions() {
        return Set.of(MethodOptions.PERCENTILE, MethodOptions.BINS, MethodOptions.SYMMETRIC);
    }

    @Override
    public Calibrator create(CalibratorOptions options) {
        options.requireOnly(supportedOptions(), name());
        return new PercentileCalibrator(
                options.getInt(MethodOptions.BINS, AbsHistogram.DEFAULT_BINS),
                options.getDouble(MethodOptions.PERCENTILE, PercentileCalibrator.DEFAULT_PERCENTILE),
                options.getBoolean(MethodOptions.SYMMETRIC, false));
    }
}
