package org.quant4j.calibration.method;

import org.quant4j.api.CalibrationMethod;
import org.quant4j.calibration.histogram.AbsHistogram;

/**
 * The {@code p}-th percentile of {@code |x|} read from an {@link AbsHistogram}: the threshold
 * {@code T} below which a fraction {@code p / 100} of the finite values lie.
 *
 * <p>With {@code N} values, the target rank is {@code r = N * p / 100}. The first bin {@code k}
 * whose cumulative count reaches {@code r} holds the percentile; values are taken as spread evenly
 * over the bin, so {@code T = lo + (r - before) / count_k * (hi - lo)} with {@code lo} the bin's
 * lower edge, {@code before} the count below it and {@code hi} its upper edge, or the largest
 * {@code |x|} seen if smaller (the top bin is never filled above the maximum). So {@code p = 100}
 * gives the maximum exactly. pytorch-quantization's {@code _compute_amax_percentile} returns the
 * lower edge of bin {@code k} instead, up to one bin width less. See
 * {@link AbstractHistogramCalibrator} for how {@code T} becomes a range.
 */
public final class PercentileCalibrator extends AbstractHistogramCalibrator {

    /** Default percentile, pytorch-quantization's. */
    public static final double DEFAULT_PERCENTILE = 99.99;

    private final double percentile;

    /**
     * @param bins       initial histogram bins, in {@code [128, 2^21]}
     * @param percentile in {@code (0, 100]}
     * @param symmetric  whether the range is symmetric around zero
     */
    public PercentileCalibrator(int bins, double percentile, boolean symmetric) {
        super(CalibrationMethod.PERCENTILE, bins, symmetric);
        MethodOptions.requireInHalfOpenRange(CalibrationMethod.PERCENTILE, MethodOptions.PERCENTILE, percentile, 0, 100);
        this.percentile = percentile;
    }

    /** The percentile in {@code (0, 100]}. */
    public double percentile() {
        return percentile;
    }

    @Override
    double threshold(AbsHistogram h) {
        long[] counts = h.counts();
        double rank = h.count() * (percentile / 100.0);
        double before = 0;
        for (int k = 0; k < counts.length; k++) {
            long c = counts[k];
            if (c > 0 && before + c >= rank) {
                double lo = h.edge(k);
                double hi = Math.min(h.edge(k + 1), h.maxAbs());
                return lo + Math.min(1.0, (rank - before) / c) * (hi - lo);
            }
            before += c;
        }
        return h.maxAbs();
    }
}
