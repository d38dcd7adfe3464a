package org.quant4j.api.calibration;

import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.TensorRange;

/**
 * Streaming range estimation for one tensor: {@link #observe} is called once per batch, as often
 * as needed, then {@link #range()} gives the range to quantize with. State is bounded (a histogram
 * at most), never proportional to the number of values observed.
 *
 * <p>Values that are NaN or infinite are not part of any range: they are skipped and counted in
 * {@link #nonFiniteCount()}. {@link #range()} throws {@link org.quant4j.api.CalibrationException}
 * when no finite value was observed. A constant tensor gives a degenerate range {@code [c, c]};
 * {@link org.quant4j.api.QuantParams} turns it into a valid, positive scale.
 *
 * <p>Not thread-safe: use one calibrator per tensor and thread.
 */
public interface Calibrator {

    /** The algorithm this calibrator implements. */
    CalibrationMethod method();

    /** Observes {@code length} values of {@code values} starting at {@code offset}. */
    void observe(float[] values, int offset, int length);

    /** Observes all of {@code values}. */
    default void observe(float[] values) {
        observe(values, 0, values.length);
    }

    /** Number of finite values observed so far. */
    long count();

    /** Number of NaN or infinite values skipped so far. */
    long nonFiniteCount();

    /**
     * The calibrated range. May be called at any time after at least one finite value was observed;
     * observing more afterwards is allowed.
     */
    TensorRange range();

    /** Forgets everything observed. */
    void reset();
}
