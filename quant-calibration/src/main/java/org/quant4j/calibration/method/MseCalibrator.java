package org.quant4j.calibration.method;

import org.quant4j.api.CalibrationMethod;
import org.quant4j.calibration.histogram.AbsHistogram;

/**
 * The threshold minimising the expected squared error of symmetric int8 quantization over the
 * histogram of {@code |x|}, as pytorch-quantization's {@code _compute_amax_mse}.
 *
 * <p>For every candidate {@code i = startBin, startBin + stride, ...} up to the number of bins, the
 * threshold is {@code T = i * binWidth} (the upper edge of bin {@code i - 1}; pytorch-quantization
 * uses bin centres) and every bin is represented by its centre {@code u}:
 * <ul>
 *   <li>{@code u > T} is clipped: error {@code (u - T)^2};</li>
 *   <li>{@code u < T} is quantized to {@value #POSITIVE_LEVELS} levels of step
 *       {@code s = T / 127}, {@code q = s * rint(u / s)} with ties to even: error {@code (u - q)^2}.
 *       (A tie lies {@code s / 2} from both neighbours, so the tie rule does not change the error.)</li>
 * </ul>
 * The candidate with the least count-weighted mean error wins; among equal errors the largest
 * threshold wins, which for a constant tensor keeps its value unclipped. See
 * {@link AbstractHistogramCalibrator} for how {@code T} becomes a range.
 *
 * <p>Cost: all bins rounding to one level form a contiguous run, so with prefix sums of
 * {@code count}, {@code count * u} and {@code count * u^2} each level's error is
 * {@code sum c (u - q)^2 = S2 - 2 q S1 + q^2 S0}, and a candidate costs {@code O(128)}: the search
 * is {@code O(bins * 128)}, also after the histogram has grown.
 */
public final class MseCalibrator extends AbstractHistogramCalibrator {

    /** Positive levels of signed int8. */
    public static final int POSITIVE_LEVELS = 127;
    /** Default first candidate threshold bin, pytorch-quantization's. */
    public static final int DEFAULT_START_BIN = 128;

    private final int startBin;
    private final int stride;

    /**
     * @param bins      initial histogram bins, in {@code [128, 2^21]}
     * @param startBin  first candidate threshold bin, in {@code [1, bins]}
     * @param stride    step between candidates, at least 1
     * @param symmetric whether the range is symmetric around zero
     */
    public MseCalibrator(int bins, int startBin, int stride, boolean symmetric) {
        super(CalibrationMethod.MSE, bins, symmetric);
        MethodOptions.requireSearch(CalibrationMethod.MSE, bins, startBin, stride);
        this.startBin = startBin;
        this.stride = stride;
    }

    @Override
    double threshold(AbsHistogram h) {
        double[] errors = squaredErrors(h.counts(), startBin, stride);
        int best = 0;
        for (int c = 1; c < errors.length; c++) {
            if (errors[c] <= errors[best]) {
                best = c;
            }
        }
        return h.edge(startBin + best * stride);
    }

    /**
     * For each candidate {@code i = startBin + c * stride <= counts.length}, the sum over bins of
     * {@code count * (u - Q(u))^2} in units of the squared bin width, with {@code u = j + 0.5} the
     * centre of bin {@code j} and {@code Q} clipping at {@code i} and quantizing below it as the class
     * comment says. Divided by the total count and multiplied by the squared width, it is the mean
     * squared error of the values.
     */
    static double[] squaredErrors(long[] counts, int startBin, int stride) {
        int n = counts.length;
        double[] s0 = new double[n + 1];
        double[] s1 = new double[n + 1];
        double[] s2 = new double[n + 1];
        for (int j = 0; j < n; j++) {
            double c = counts[j];
            double u = j + 0.5;
            s0[j + 1] = s0[j] + c;
            s1[j + 1] = s1[j] + c * u;
            s2[j + 1] = s2[j] + c * u * u;
        }
        int candidates = (n - startBin) / stride + 1;
        double[] errors = new double[candidates];
        for (int c = 0; c < candidates; c++) {
            int i = startBin + c * stride;
            errors[c] = quantizationError(s0, s1, s2, i) + runError(s0, s1, s2, i, n, i);
        }
        return errors;
    }

    /** Error of the bins below {@code i}, level by level. */
    private static double quantizationError(double[] s0, double[] s1, double[] s2, int i) {
        double step = i / (double) POSITIVE_LEVELS;
        double error = 0;
        int from = 0;
        for (int q = 0; q <= POSITIVE_LEVELS && from < i; q++) {
            int to = q == POSITIVE_LEVELS ? i : Math.min(i, firstBinOfLevel(q + 1, i));
            if (to > from) {
                error += runError(s0, s1, s2, from, to, q * step);
            }
            from = to;
        }
        return error;
    }

    /**
     * Smallest bin {@code j} whose centre rounds to level {@code q >= 1} or above with threshold bin
     * {@code i}: {@code (j + 0.5) * 127 / i >= q - 0.5}, i.e. {@code 2j + 1 >= ceil((2q - 1) i / 127)}.
     */
    private static int firstBinOfLevel(int q, int i) {
        long m = ((2L * q - 1) * i + POSITIVE_LEVELS - 1) / POSITIVE_LEVELS;
        return (int) Math.min(Integer.MAX_VALUE, m / 2);
    }

    /** {@code sum over bins [from, to) of count * (u - r)^2}. */
    private static double runError(double[] s0, double[] s1, double[] s2, int from, int to, double r) {
        double c0 = s0[to] - s0[from];
        if (c0 == 0) {
            return 0;
        }
        double e = (s2[to] - s2[from]) - 2 * r * (s1[to] - s1[from]) + r * r * c0;
        // The expansion can round slightly below zero when every value sits on r.
        return Math.max(e, 0.0);
    }
}
