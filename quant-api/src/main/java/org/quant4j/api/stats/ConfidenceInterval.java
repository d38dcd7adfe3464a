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

    /** A degenerate interval: {@code value} is the estimate and both bounds. */
    public static ConfidenceInterval exactly(double value, double level) {
        return new ConfidenceInterval(value, value, value, level);
    }

    /** Upper bound minus lower bound. */
    public double width() {
        return upper - lower;
    }

    /** True when {@code value} lies in the closed interval. */
    public boolean contains(double value) {
        return value >= lower && value <= upper;
    }
}
