package org.quant4j.api.stats;

import java.util.Arrays;
import org.quant4j.api.InvalidInputException;

/**
 * Sample quantiles by linear interpolation between order statistics (Hyndman and Fan's type 7,
 * the default of R and NumPy), the one quantile definition used for bootstrap intervals and timing
 * spreads.
 */
public final class Quantiles {

    private Quantiles() {
    }

    /**
     * The {@code p}-quantile of values already sorted in ascending order.
     *
     * @param sorted the values in ascending order, at least one; not modified
     * @param p the probability, in [0, 1]
     * @return the type-7 quantile (linear interpolation between the closest ranks)
     * @throws InvalidInputException when {@code sorted} is empty or {@code p} is outside [0, 1]
     */
    public static double ofSorted(double[] sorted, double p) {
        if (sorted.length == 0) {
            throw new InvalidInputException("Quantile of an empty sample is undefined: give at least one value");
        }
        if (!(p >= 0 && p <= 1)) {
            throw new InvalidInputException("Quantile probability must be in [0, 1], got " + p);
        }
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        if (lo >= sorted.length - 1) {
            return sorted[sorted.length - 1];
        }
        if (h == lo || sorted[lo] == sorted[lo + 1]) {
            // Exact order statistic: no interpolation, which keeps infinite values instead of NaN.
            return sorted[lo];
        }
        return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
    }

    /**
     * The {@code p}-quantile of {@code values} (copied, then sorted).
     *
     * @param values the values in any order, at least one; not modified
     * @param p the probability, in [0, 1]
     * @return the type-7 quantile
     * @throws InvalidInputException when {@code values} is empty or {@code p} is outside [0, 1]
     */
    public static double of(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return ofSorted(sorted, p);
    }
}
