package org.quant4j.calibration.method;

import org.quant4j.api.CalibrationMethod;

/**
 * Exponential moving average of per-batch minima and maxima, as torch.ao's
 * {@code MovingAverageMinMaxObserver}: the first batch sets {@code m = batchMin}; each later batch
 * updates {@code m = m + c * (batchMin - m)} (likewise for the maximum) with averaging constant
 * {@code c}. Only finite values count; a batch without any finite value leaves the averages
 * unchanged. The range is {@code [mMin, mMax]}, or {@code [-amax, amax]} when symmetric.
 */
public final class MovingAverageMinMaxCalibrator extends AbstractMinMaxCalibrator {

    /** torch.ao's default averaging constant. */
    public static final double DEFAULT_AVERAGING_CONSTANT = 0.01;

    private final double averagingConstant;

    /**
     * @param averagingConstant weight {@code c} of each new batch, in {@code (0, 1]}
     * @param symmetric         whether the range is symmetric around zero
     */
    public MovingAverageMinMaxCalibrator(double averagingConstant, boolean symmetric) {
        super(CalibrationMethod.MOVING_AVERAGE_MIN_MAX, symmetric);
        MethodOptions.requireInHalfOpenRange(CalibrationMethod.MOVING_AVERAGE_MIN_MAX,
                MethodOptions.AVERAGING_CONSTANT, averagingConstant, 0, 1);
        this.averagingConstant = averagingConstant;
    }

    /** The weight of each new batch. */
    public double averagingConstant() {
        return averagingConstant;
    }

    @Override
    void update(double batchMin, double batchMax, boolean first) {
        if (first) {
            min = batchMin;
            max = batchMax;
        } else {
            min += averagingConstant * (batchMin - min);
            max += averagingConstant * (batchMax - max);
        }
    }
}
