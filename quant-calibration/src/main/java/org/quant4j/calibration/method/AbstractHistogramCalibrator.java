package org.quant4j.calibration.method;

import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.TensorRange;
import org.quant4j.calibration.histogram.AbsHistogram;

/**
 * Calibrators that pick a threshold {@code T} on {@code |x|} from an {@link AbsHistogram}. How the
 * threshold becomes a range:
 *
 * <ul>
 *   <li>{@code T} never exceeds the largest {@code |x|} observed.</li>
 *   <li>Symmetric: {@code [-T, T]}.</li>
 *   <li>Asymmetric: the observed {@code [min, max]} with both ends clamped into {@code [-T, T]},
 *       i.e. {@code [max(min, -T), min(max, T)]}; a ReLU output gives {@code [0, T]}. When every
 *       value lies beyond {@code T} on one side, both ends clamp to the same value and the range is
 *       degenerate, which is what clipping at {@code T} does to such a tensor.</li>
 *   <li>A constant tensor {@code c} gives {@code T = |c|}: {@code [c, c]} asymmetric, {@code [-|c|, |c|]}
 *       symmetric.</li>
 * </ul>
 */
abstract class AbstractHistogramCalibrator extends AbstractRangeCalibrator {

    /** Fewest bins a histogram calibrator accepts: the number of int8 magnitude levels. */
    static final int MIN_BINS = 128;
    /** Most initial bins, so that the histogram can still double before reaching {@link AbsHistogram#MAX_BINS}. */
    static final int MAX_INITIAL_BINS = AbsHistogram.MAX_BINS / 2;

    private final int bins;
    private AbsHistogram histogram;
    /** Whether a batch begun by {@link #beginBatch} is being observed in parts. */
    private boolean inBatch;

    AbstractHistogramCalibrator(CalibrationMethod method, int bins, boolean symmetric) {
        super(method, symmetric);
        MethodOptions.requireInRange(method, MethodOptions.BINS, bins, MIN_BINS, MAX_INITIAL_BINS);
        this.bins = bins;
        this.histogram = new AbsHistogram(bins);
    }

    /** Initial number of histogram bins. */
    public final int bins() {
        return bins;
    }

    @Override
    public final void observe(float[] values, int offset, int length) {
        if (inBatch) {
            histogram.addFitted(values, offset, length);
        } else {
            histogram.add(values, offset, length);
        }
    }

    /** The histogram is fitted to the whole batch's largest value first ({@link AbsHistogram#fit}). */
    @Override
    public final boolean observesBatchesInParts() {
        return true;
    }

    @Override
    public final void beginBatch(float min, float max, long finiteCount) {
        requireNotBegun(inBatch);
        if (finiteCount > 0) {
            histogram.fit(Math.max(Math.abs((double) min), Math.abs((double) max)));
        }
        inBatch = true;
    }

    @Override
    public final void endBatch() {
        inBatch = false;
    }

    @Override
    public final long count() {
        return histogram.count();
    }

    @Override
    public final long nonFiniteCount() {
        return histogram.nonFiniteCount();
    }

    @Override
    public final void reset() {
        histogram = new AbsHistogram(bins);
        inBatch = false;
    }

    /** The threshold on {@code |x|} chosen from a histogram holding at least one non-zero value. */
    abstract double threshold(AbsHistogram h);

    @Override
    final TensorRange computeRange() {
        AbsHistogram h = histogram;
        double min = h.min();
        double max = h.max();
        double maxAbs = h.maxAbs();
        double t = min == max || maxAbs == 0 ? maxAbs : Math.min(threshold(h), maxAbs);
        if (symmetric()) {
            return TensorRange.symmetric(t);
        }
        return new TensorRange(clamp(min, t), clamp(max, t));
    }

    private static double clamp(double v, double t) {
        return Math.max(-t, Math.min(t, v));
    }
}
