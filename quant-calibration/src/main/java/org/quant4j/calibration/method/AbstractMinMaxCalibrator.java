package org.quant4j.calibration.method;

import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.TensorRange;
import org.quant4j.calibration.histogram.FiniteExtrema;

/**
 * Calibrators whose state is a minimum and a maximum updated once per batch from the batch's finite
 * extremes. The range is {@code [min, max]}, or {@code [-amax, amax]} with
 * {@code amax = max(|min|, |max|)} when symmetric.
 */
abstract class AbstractMinMaxCalibrator extends AbstractRangeCalibrator {

    double min;
    double max;
    private long count;
    private long nonFiniteCount;
    /** Whether a batch begun by {@link #beginBatch} is being observed in parts. */
    private boolean inBatch;

    AbstractMinMaxCalibrator(CalibrationMethod method, boolean symmetric) {
        super(method, symmetric);
        reset();
    }

    @Override
    public final void observe(float[] values, int offset, int length) {
        FiniteExtrema e = FiniteExtrema.of(values, offset, length);
        nonFiniteCount += e.nonFiniteCount();
        if (inBatch || e.finiteCount() == 0) {
            // In parts, the batch's extremes were folded in by beginBatch: a part adds only its NaN count.
            return;
        }
        update(e.min(), e.max(), count == 0);
        count += e.finiteCount();
    }

    /** The batch's extremes are folded in once, as for a whole batch; the parts count non-finite values. */
    @Override
    public final boolean observesBatchesInParts() {
        return true;
    }

    @Override
    public final void beginBatch(float batchMin, float batchMax, long finiteCount) {
        requireNotBegun(inBatch);
        if (finiteCount > 0) {
            observeExtremes(batchMin, batchMax, finiteCount);
        }
        inBatch = true;
    }

    @Override
    public final void endBatch() {
        inBatch = false;
    }

    @Override
    public final boolean observesExtremesOnly() {
        return true;
    }

    @Override
    public final void observeExtremes(float batchMin, float batchMax, long batchCount) {
        if (!Float.isFinite(batchMin) || !Float.isFinite(batchMax) || batchMin > batchMax || batchCount < 1) {
            throw new IllegalArgumentException("A batch's extremes must be finite with min <= max over at least one"
                    + " value, got min " + batchMin + ", max " + batchMax + " over " + batchCount + " values");
        }
        update(batchMin, batchMax, count == 0);
        count += batchCount;
    }

    /** Folds one batch's finite extremes into {@link #min} and {@link #max}; {@code first} for the first such batch. */
    abstract void update(double batchMin, double batchMax, boolean first);

    @Override
    public final long count() {
        return count;
    }

    @Override
    public final long nonFiniteCount() {
        return nonFiniteCount;
    }

    @Override
    final TensorRange computeRange() {
        return symmetric() ? TensorRange.symmetric(Math.max(Math.abs(min), Math.abs(max)))
                : new TensorRange(Math.min(min, max), max);
    }

    @Override
    public final void reset() {
        min = Double.POSITIVE_INFINITY;
        max = Double.NEGATIVE_INFINITY;
        count = 0;
        nonFiniteCount = 0;
        inBatch = false;
    }
}
