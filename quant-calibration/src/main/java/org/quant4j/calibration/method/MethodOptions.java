package org.quant4j.calibration.method;

import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.calibration.CalibratorOptions;

/** Option keys of this package's calibrators and their range checks, with messages naming the option. */
final class MethodOptions {

    /** Initial number of histogram bins. */
    static final String BINS = "bins";
    /** First candidate threshold bin of the entropy and MSE searches. */
    static final String START_BIN = "startBin";
    /** Step between candidate threshold bins. */
    static final String STRIDE = "stride";
    /** Number of quantized magnitude levels of the entropy search. */
    static final String LEVELS = "levels";
    /** Percentile of {@code |x|}. */
    static final String PERCENTILE = "percentile";
    /** Weight of each new batch of the moving average. */
    static final String AVERAGING_CONSTANT = "averagingConstant";
    /** Shared with every calibrator: {@link CalibratorOptions#SYMMETRIC}. */
    static final String SYMMETRIC = CalibratorOptions.SYMMETRIC;

    private MethodOptions() {
    }

    static void requireInRange(CalibrationMethod method, String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidInputException("Option '" + option + "' of calibrator '" + method.id()
                    + "' must be an integer in [" + min + ", " + max + "], got " + value);
        }
    }

    /** Requires {@code low < value <= high}. */
    static void requireInHalfOpenRange(CalibrationMethod method, String option, double value, double low, double high) {
        if (!(value > low && value <= high)) {
            throw new InvalidInputException("Option '" + option + "' of calibrator '" + method.id()
                    + "' must be a number in (" + low + ", " + high + "], got " + value);
        }
    }

    /** Checks {@code startBin} (in {@code [1, bins]}) and {@code stride} (at least 1) of a threshold search. */
    static void requireSearch(CalibrationMethod method, int bins, int startBin, int stride) {
        requireInRange(method, START_BIN, startBin, 1, bins);
        requireInRange(method, STRIDE, stride, 1, Integer.MAX_VALUE);
    }
}
