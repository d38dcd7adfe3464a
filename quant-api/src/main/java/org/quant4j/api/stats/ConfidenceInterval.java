package org.quant4j.api.stats;

import org.quant4j.api.InvalidInputException;

/**
 * A point estimate with a two-sided confidence interval at {@code level} (e.g. 0.95). The numbers
 * may be infinite where the statistic is (the SQNR of two identical outputs is {@code +inf} dB),
 * never NaN.
 *
 * @param estimate the statistic on the observed sample
 * @param lower    lower bound of the interval
 * @param upper    upper bound of the interval
 * @param level    coverage the interval was built for, in (0, 1)
 */
public record ConfidenceInterval(double estimate, double lower, double upper, double level) {

    /**
     * Checks the numbers.
     *
     * @param estimate the statistic on the observed sample, not NaN
     * @param lower    lower bound of the interval, not NaN
     * @param upper    upper bound of the interval, not NaN and not below {@code lower}
     * @param level    coverage the interval was built for, in (0, 1)
     * @throws InvalidInputException when a number is NaN, the bounds are out of order or the level is
     *     outside (0, 1)
     */
    public ConfidenceInterval {
        if (Double.isNaN(estimate) || Double.isNaN(lower) || Double.isNaN(upper)) {
            throw new InvalidInputException("Confidence interval needs numbers, got estimate " + estimate
                    + " in [" + lower + ", " + upper + "]");
        }
        if (lower > upper) {
            throw new InvalidInputException("Confidence interval lower bound " + lower + " exceeds upper bound "
                    + upper + ": pass the bounds in order");
        }
        if (!(level > 0 && level < 1)) {
            throw new InvalidInputException("Confidence level must be in (0, 1), got " + level + "; use e.g. 0.95");
        }
    }

    /**
     * A degenerate interval: {@code value} is the estimate and both bounds.
     *
     * @param value the exact value, not NaN
     * @param level the coverage to report, in (0, 1)
     * @return the interval of width 0
     */
    public static ConfidenceInterval exactly(double value, double level) {
        return new ConfidenceInterval(value, value, value, level);
    }

    /**
     * Upper bound minus lower bound.
     *
     * @return the width, &gt;= 0; infinite when a bound is
     */
    public double width() {
        return upper - lower;
    }

    /**
     * True when {@code value} lies in the closed interval.
     *
     * @param value any number
     * @return true when {@code lower <= value <= upper}
     */
    public boolean contains(double value) {
        return value >= lower && value <= upper;
    }
}
