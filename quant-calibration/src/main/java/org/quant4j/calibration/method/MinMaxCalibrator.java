package org.quant4j.calibration.method;

import org.quant4j.api.CalibrationMethod;

/**
 * Running minimum and maximum of every finite value observed. The range is {@code [min, max]}, or
 * {@code [-amax, amax]} with {@code amax = max(|min|, |max|)} when symmetric.
 */
public final class MinMaxCalibrator extends AbstractMinMaxCalibrator {

    /** A calibrator producing an asymmetric ({@code symmetric == false}) or symmetric range. */
    public MinMaxCalibrator(boolean symmetric) {
        super(CalibrationMethod.MIN_MAX, symmetric);
    }

    @Override
    void update(double batchMin, double batchMax, boolean first) {
        min = Math.min(min, batchMin);
        max = Math.max(max, batchMax);
    }
}
