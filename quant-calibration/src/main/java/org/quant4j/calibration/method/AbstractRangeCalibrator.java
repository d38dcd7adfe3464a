package org.quant4j.calibration.method;

import java.util.Objects;
import org.quant4j.api.CalibrationException;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.Calibrator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every calibrator of this package shares: the method, the symmetric flag, the check that a
 * finite value was observed and the one-time warning about skipped non-finite values.
 */
abstract class AbstractRangeCalibrator implements Calibrator {

    private static final Logger LOG = LoggerFactory.getLogger(AbstractRangeCalibrator.class);

    private final CalibrationMethod method;
    private final boolean symmetric;
    private boolean warnedNonFinite;

    AbstractRangeCalibrator(CalibrationMethod method, boolean symmetric) {
        this.method = Objects.requireNonNull(method, "method");
        this.symmetric = symmetric;
    }

    @Override
    public final CalibrationMethod method() {
        return method;
    }

    /** Whether {@link #range()} is symmetric around zero. */
    public final boolean symmetric() {
        return symmetric;
    }

    @Override
    public final TensorRange range() {
        if (count() == 0) {
            throw new CalibrationException("no finite value observed: the " + method.id() + " calibrator saw "
                    + nonFiniteCount() + " NaN/infinite value(s) and no finite one. Observe at least one batch with "
                    + "finite values, and check that the calibration data reach this tensor and that the model "
                    + "does not produce NaN or infinity");
        }
        if (nonFiniteCount() > 0 && !warnedNonFinite) {
            warnedNonFinite = true;
            LOG.warn("{} calibrator skipped {} NaN/infinite value(s) out of {}; the range uses the finite values only",
                    method.id(), nonFiniteCount(), nonFiniteCount() + count());
        }
        return computeRange();
    }

    /** @throws IllegalStateException when a batch observed in parts is already begun */
    final void requireNotBegun(boolean begun) {
        if (begun) {
            throw new IllegalStateException("This " + method.id() + " calibrator's batch is already begun: call"
                    + " endBatch() before beginning the next");
        }
    }

    /** The range; called only after at least one finite value was observed. */
    abstract TensorRange computeRange();

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[symmetric=" + symmetric + ", count=" + count() + ", nonFinite="
                + nonFiniteCount() + "]";
    }
}
