package org.quant4j.report.compare;

import java.util.Arrays;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.stats.Quantiles;

/**
 * Median and spread (10th and 90th percentiles) of repeated measurements of one quantity, e.g.
 * latency in milliseconds or throughput in samples per second. Percentiles are type-7
 * {@link Quantiles}.
 *
 * @param median median of the measurements
 * @param p10    10th percentile
 * @param p90    90th percentile
 * @param count  number of measurements
 */
public record TimingSummary(double median, double p10, double p90, int count) {

    public TimingSummary {
        if (count < 1) {
            throw new InvalidInputException("A timing summary needs at least one measurement, got " + count);
        }
        if (!Double.isFinite(median) || !Double.isFinite(p10) || !Double.isFinite(p90)) {
            throw new InvalidInputException("Timing summary needs finite values, got median " + median
                    + ", p10 " + p10 + ", p90 " + p90);
        }
        if (p10 < 0 || !(p10 <= median && median <= p90)) {
            throw new InvalidInputException("Timing summary needs 0 <= p10 <= median <= p90, got p10 " + p10
                    + ", median " + median + ", p90 " + p90);
        }
    }

    /** Summarises raw measurements (copied, not kept). */
    public static TimingSummary of(double... measurements) {
        if (measurements.length == 0) {
            throw new InvalidInputException("A timing summary needs at least one measurement: time at least one run");
        }
        double[] sorted = measurements.clone();
        Arrays.sort(sorted);
        return new TimingSummary(Quantiles.ofSorted(sorted, 0.5), Quantiles.ofSorted(sorted, 0.1),
                Quantiles.ofSorted(sorted, 0.9), sorted.length);
    }
}
