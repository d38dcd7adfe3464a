package org.quant4j.calibration.method;

import org.quant4j.api.CalibrationMethod;
import org.quant4j.calibration.histogram.AbsHistogram;

/**
 * TensorRT's entropy calibration ({@code IInt8EntropyCalibrator2}): the threshold that minimises
 * the Kullback-Leibler divergence between the histogram of {@code |x|} and its quantized version.
 * After S. Migacz, "8-bit Inference with TensorRT" (GTC 2017), with the details of
 * pytorch-quantization's {@code _compute_amax_entropy}
 * ({@code NVIDIA/TensorRT, tools/pytorch-quantization/pytorch_quantization/calib/histogram.py}).
 *
 * <p>For every candidate {@code i = startBin, startBin + stride, ...} up to the number of bins:
 * <ol>
 *   <li>Reference {@code P}: bins {@code [0, i)}, with the counts of all bins from {@code i} on
 *       (the outliers clipped by this threshold) added to bin {@code i - 1}.</li>
 *   <li>Candidate {@code Q}: bins {@code [0, i)} split into {@code levels} groups, bin {@code j}
 *       going to group {@code floor(j * levels / i)} (computed exactly in integers; numpy's
 *       {@code digitize} over {@code linspace(0, i, levels + 1)} gives the same groups). Each group's
 *       sum is spread evenly over the group's non-zero bins; zero bins stay zero. The outliers are
 *       not part of {@code Q}.</li>
 *   <li>Both are normalised and {@code KL(P||Q) = sum p log(p / q)} is taken with natural log. Terms
 *       with {@code p = 0} are 0. {@code p > 0} with {@code q = 0} happens only in bin {@code i - 1}
 *       when it is empty but outliers were moved into it; as in {@code scipy.stats.entropy}, which
 *       pytorch-quantization calls, the divergence is then infinite and the candidate never wins.</li>
 * </ol>
 * As pytorch-quantization does, bin 0 is given the count of bin 1 before the search, so a spike of
 * exact zeros (ReLU outputs, padding) does not dominate the divergence. Among equal divergences the
 * largest candidate wins (pytorch-quantization's last {@code argmin}).
 *
 * <p>The threshold is the upper edge of the last bin kept, {@code T = i * binWidth}, which is
 * pytorch-quantization's {@code calib_bin_edges[i]}; the GTC 2017 slides use
 * {@code (i + 0.5) * binWidth}, half a bin more. See {@link AbstractHistogramCalibrator} for how
 * {@code T} becomes a range.
 *
 * <p>Cost: with prefix sums of the counts, of the non-zero bins and of {@code c log c}, each candidate
 * costs {@code O(levels)}, so the search is {@code O(bins * levels)}: about 250 000 logarithms
 * for 2048 bins.
 */
public final class EntropyCalibrator extends AbstractHistogramCalibrator {

    /** Default number of quantized magnitude levels: 128, signed int8. */
    public static final int DEFAULT_LEVELS = 128;
    /** Default first candidate: as many bins as levels. */
    public static final int DEFAULT_START_BIN = 128;

    private final int startBin;
    private final int stride;
    private final int levels;

    /**
     * @param bins      initial histogram bins, in {@code [max(128, levels), 2^21]}
     * @param startBin  first candidate threshold bin, in {@code [1, bins]}
     * @param stride    step between candidates, at least 1
     * @param levels    quantized magnitude levels, in {@code [2, bins]} (128 for int8; pytorch-quantization
     *                  uses 256 for unsigned 8-bit)
     * @param symmetric whether the range is symmetric around zero
     */
    public EntropyCalibrator(int bins, int startBin, int stride, int levels, boolean symmetric) {
        super(CalibrationMethod.ENTROPY, bins, symmetric);
        MethodOptions.requireSearch(CalibrationMethod.ENTROPY, bins, startBin, stride);
        MethodOptions.requireInRange(CalibrationMethod.ENTROPY, MethodOptions.LEVELS, levels, 2, bins);
        this.startBin = startBin;
        this.stride = stride;
        this.levels = levels;
    }

    /** Defaults: 2048 bins, candidates from bin 128 with stride 1, 128 levels. */
    public EntropyCalibrator(boolean symmetric) {
        this(AbsHistogram.DEFAULT_BINS, DEFAULT_START_BIN, 1, DEFAULT_LEVELS, symmetric);
    }

    @Override
    double threshold(AbsHistogram h) {
        return h.edge(bestThresholdBin(h.counts(), startBin, stride, levels));
    }

    /**
     * The candidate {@code i} of least divergence for a histogram, after giving bin 0 the count of
     * bin 1. Needs {@code 1 <= startBin <= counts.length}.
     */
    static int bestThresholdBin(long[] counts, int startBin, int stride, int levels) {
        double[] b = new double[counts.length];
        for (int j = 0; j < b.length; j++) {
            b[j] = counts[j];
        }
        if (b.length > 1) {
            b[0] = b[1];
        }
        double[] kl = divergences(b, startBin, stride, levels);
        int best = 0;
        for (int c = 1; c < kl.length; c++) {
            if (kl[c] <= kl[best]) {
                best = c;
            }
        }
        return startBin + best * stride;
    }

    /**
     * {@code KL(P||Q)} of each candidate {@code i = startBin + c * stride <= b.length}, as defined in
     * the class comment, for the counts {@code b} as given.
     */
    static double[] divergences(double[] b, int startBin, int stride, int levels) {
        int n = b.length;
        double[] sum = new double[n + 1];
        double[] xLogX = new double[n + 1];
        int[] nonZero = new int[n + 1];
        for (int j = 0; j < n; j++) {
            double c = b[j];
            sum[j + 1] = sum[j] + c;
            xLogX[j + 1] = xLogX[j] + (c > 0 ? c * Math.log(c) : 0.0);
            nonZero[j + 1] = nonZero[j] + (c > 0 ? 1 : 0);
        }
        int candidates = (n - startBin) / stride + 1;
        double[] kl = new double[candidates];
        for (int c = 0; c < candidates; c++) {
            kl[c] = divergence(b, sum, xLogX, nonZero, startBin + c * stride, levels);
        }
        return kl;
    }

    /**
     * One candidate. With {@code T} the total, {@code S = sum[i]} the mass of {@code Q} before
     * normalisation and {@code a_k} the average of group {@code k} over its non-zero bins, a bin
     * {@code j < i - 1} contributes {@code (b_j / T) (log b_j - log a_k + log(S / T))}; summing a group
     * gives {@code xLogX} and {@code sum} differences, so a candidate costs one logarithm per group.
     */
    private static double divergence(double[] b, double[] sum, double[] xLogX, int[] nonZero, int i, int levels) {
        int n = b.length;
        double total = sum[n];
        double inside = sum[i];
        double lastBin = b[i - 1];
        double lastP = total - sum[i - 1];
        if (inside == 0 || (lastBin == 0 && lastP > 0)) {
            return Double.POSITIVE_INFINITY;
        }
        double acc = 0;
        double lastLogAverage = 0;
        for (int k = 0; k < levels; k++) {
            int s = (int) ((k * (long) i + levels - 1) / levels);
            int e = (int) (((k + 1) * (long) i + levels - 1) / levels);
            int nz = nonZero[e] - nonZero[s];
            if (nz == 0) {
                continue;
            }
            double logAverage = Math.log((sum[e] - sum[s]) / nz);
            if (e == i) {
                // Bin i - 1 also holds the outliers in P: it is added separately below.
                acc += (xLogX[i - 1] - xLogX[s]) - (sum[i - 1] - sum[s]) * logAverage;
                lastLogAverage = logAverage;
            } else {
                acc += (xLogX[e] - xLogX[s]) - (sum[e] - sum[s]) * logAverage;
            }
        }
        double logInsideOverTotal = Math.log(inside / total);
        double kl = acc / total + (sum[i - 1] / total) * logInsideOverTotal;
        if (lastP > 0) {
            kl += (lastP / total) * (Math.log(lastP / total) - lastLogAverage + Math.log(inside));
        }
        // Rounding can make a divergence of identical distributions slightly negative.
        return Math.max(kl, 0.0);
    }
}
