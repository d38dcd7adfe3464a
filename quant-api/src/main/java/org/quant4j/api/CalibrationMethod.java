package org.quant4j.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The calibration algorithms quant4j ships; {@link #id()} is the name used for provider look-up. */
public enum CalibrationMethod {
    /** Observed minimum and maximum. */
    MIN_MAX("minmax"),
    /** Exponential moving average of per-batch minima and maxima. */
    MOVING_AVERAGE_MIN_MAX("moving-average-minmax"),
    /** TensorRT's entropy (KL-divergence) calibration. */
    ENTROPY("entropy"),
    /** A percentile of the absolute values. */
    PERCENTILE("percentile"),
    /** Clipping threshold minimising the quantization mean squared error. */
    MSE("mse");

    private final String id;

    CalibrationMethod(String id) {
        this.id = id;
    }

    /** Stable short name, e.g. {@code "entropy"}. */
    public String id() {
        return id;
    }

    /** Finds a method by its id (case-insensitive), with an error that lists the valid ids. */
    public static CalibrationMethod fromId(String id) {
        String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        for (CalibrationMethod m : values()) {
            if (m.id.equals(wanted)) {
                return m;
            }
        }
        throw new InvalidInputException("Unknown calibration method '" + id + "': use one of "
                + Arrays.stream(values()).map(CalibrationMethod::id).collect(Collectors.joining(", ")));
    }
}
