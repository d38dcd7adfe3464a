package org.quant4j.api;

import java.util.List;
import java.util.Locale;

/**
 * The name of a calibration method: the look-up key of a
 * {@link org.quant4j.api.calibration.CalibratorProvider}. Any provider on the classpath can be
 * selected by its name, not only the built-ins listed here as constants (Lucene's named SPI).
 *
 * <p>A name is validated for its syntax only (short lower-case ASCII, see {@link #of}); whether a
 * calibrator of that name is on the classpath is checked by
 * {@link org.quant4j.api.calibration.Calibrators} when calibration starts, with an error listing
 * the names available. Two methods are equal when their ids are.
 */
public final class CalibrationMethod {

    /** Longest id accepted; ids are short names, not descriptions. */
    public static final int MAX_ID_LENGTH = 64;

    /** Observed minimum and maximum. */
    public static final CalibrationMethod MIN_MAX = new CalibrationMethod("minmax");
    /** Exponential moving average of per-batch minima and maxima. */
    public static final CalibrationMethod MOVING_AVERAGE_MIN_MAX = new CalibrationMethod("moving-average-minmax");
    /** TensorRT's entropy (KL-divergence) calibration. */
    public static final CalibrationMethod ENTROPY = new CalibrationMethod("entropy");
    /** A percentile of the absolute values. */
    public static final CalibrationMethod PERCENTILE = new CalibrationMethod("percentile");
    /** Clipping threshold minimising the quantization mean squared error. */
    public static final CalibrationMethod MSE = new CalibrationMethod("mse");

    private static final List<CalibrationMethod> BUILT_INS = List.of(MIN_MAX, MOVING_AVERAGE_MIN_MAX, ENTROPY,
            PERCENTILE, MSE);

    private final String id;

    private CalibrationMethod(String id) {
        this.id = id;
    }

    /**
     * The method named {@code id}, trimmed and lower-cased, so {@code " Entropy "} is
     * {@link #ENTROPY}. A built-in id gives its constant.
     *
     * @param id the method's name, e.g. {@code entropy}
     * @return the method
     * @throws InvalidInputException when the id is missing, longer than {@value #MAX_ID_LENGTH}
     *                               characters, or holds anything but ASCII letters, digits,
     *                               {@code -}, {@code _} and {@code .}
     */
    public static CalibrationMethod of(String id) {
        String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        if (wanted.isEmpty()) {
            throw new InvalidInputException("No calibration method given: name one, e.g. " + builtInIds());
        }
        if (wanted.length() > MAX_ID_LENGTH) {
            throw new InvalidInputException("Calibration method name '" + id + "' is longer than " + MAX_ID_LENGTH
                    + " characters: a method is named by a short id, e.g. " + builtInIds());
        }
        for (int i = 0; i < wanted.length(); i++) {
            char c = wanted.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
            if (!allowed) {
                throw new InvalidInputException("Calibration method name '" + id + "' has the character '" + c
                        + "': use ASCII letters, digits, '-', '_' and '.', e.g. " + builtInIds());
            }
        }
        for (CalibrationMethod m : BUILT_INS) {
            if (m.id.equals(wanted)) {
                return m;
            }
        }
        return new CalibrationMethod(wanted);
    }

    /**
     * The same as {@link #of(String)}.
     *
     * @param id the method's name
     * @return the method
     * @throws InvalidInputException when the id is missing, too long or has other characters
     */
    public static CalibrationMethod fromId(String id) {
        return of(id);
    }

    /**
     * The methods quant-calibration provides, in the order help texts and reports list them.
     *
     * @return the built-in methods, unmodifiable
     */
    public static List<CalibrationMethod> builtIns() {
        return BUILT_INS;
    }

    /**
     * Whether this is one of {@link #builtIns()}.
     *
     * @return true for the constants of this class
     */
    public boolean isBuiltIn() {
        return BUILT_INS.contains(this);
    }

    /**
     * Stable short name, e.g. {@code "entropy"}.
     *
     * @return the id: lower-case ASCII letters, digits, {@code -}, {@code _} and {@code .}
     */
    public String id() {
        return id;
    }

    private static String builtInIds() {
        return String.join(", ", BUILT_INS.stream().map(CalibrationMethod::id).toList());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CalibrationMethod other && id.equals(other.id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    /** The id, so a method prints as the name a user types. */
    @Override
    public String toString() {
        return id;
    }
}
