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

    /**
     * The algorithm this calibrator implements.
     *
     * @return the method, e.g. {@link CalibrationMethod#ENTROPY}
     */
    CalibrationMethod method();

    /**
     * Observes {@code length} values of {@code values} starting at {@code offset}.
     *
     * @param values the batch's values of the tensor
     * @param offset index of the first value to observe
     * @param length how many values to observe
     */
    void observe(float[] values, int offset, int length);

    /**
     * Observes all of {@code values}.
     *
     * @param values the batch's values of the tensor
     */
    default void observe(float[] values) {
        observe(values, 0, values.length);
    }

    /**
     * Whether this calibrator's state depends on each batch only through the batch's smallest and
     * largest finite value and how many values there were (min-max and its moving average do). Then
     * the values need not leave the runtime: it may compute the extremes itself and call
     * {@link #observeExtremes} instead of {@link #observe}, with the same result.
     *
     * @return true when {@link #observeExtremes} may replace {@link #observe}; false by default
     */
    default boolean observesExtremesOnly() {
        return false;
    }

    /**
     * Observes one batch of {@code count} finite values whose smallest is {@code min} and largest is
     * {@code max}, exactly as {@link #observe} would observe those values.
     *
     * @param min the batch's smallest finite value
     * @param max the batch's largest finite value
     * @param count how many finite values the batch had, &gt;= 1
     * @throws UnsupportedOperationException when {@link #observesExtremesOnly()} is false
     * @throws IllegalArgumentException      when {@code min} or {@code max} is not finite,
     *                                       {@code min > max} or {@code count < 1}
     */
    default void observeExtremes(float min, float max, long count) {
        throw new UnsupportedOperationException(method().id() + " calibration needs every value, not only the"
                + " extremes of each batch: call observe()");
    }

    /**
     * Whether this calibrator can take a batch in parts: {@link #beginBatch} with the whole batch's
     * finite extremes, then {@link #observe} once per part, then {@link #endBatch}, leaving exactly
     * the state that one {@link #observe} of the whole batch would. A runtime may then split a batch
     * along its samples and hold the activations of a few samples at a time, with the same ranges.
     *
     * @return true when {@link #beginBatch} and {@link #endBatch} are supported; false by default
     */
    default boolean observesBatchesInParts() {
        return false;
    }

    /**
     * Starts a batch whose values the following {@link #observe} calls give in parts, in any order,
     * until {@link #endBatch}.
     *
     * @param min         the whole batch's smallest finite value (ignored when {@code finiteCount} is 0)
     * @param max         the whole batch's largest finite value (ignored when {@code finiteCount} is 0)
     * @param finiteCount how many finite values the whole batch holds, &gt;= 0
     * @throws UnsupportedOperationException when {@link #observesBatchesInParts()} is false
     * @throws IllegalStateException         when a batch is already begun
     */
    default void beginBatch(float min, float max, long finiteCount) {
        throw new UnsupportedOperationException(method().id() + " calibration cannot observe a batch in parts:"
                + " call observe() with the whole batch");
    }

    /**
     * Ends the batch begun by {@link #beginBatch}: {@link #observe} takes whole batches again.
     *
     * @throws UnsupportedOperationException when {@link #observesBatchesInParts()} is false
     */
    default void endBatch() {
        throw new UnsupportedOperationException(method().id() + " calibration cannot observe a batch in parts");
    }

    /**
     * Number of finite values observed so far.
     *
     * @return the count of finite values
     */
    long count();

    /**
     * Number of NaN or infinite values skipped so far.
     *
     * @return the count of skipped values
     */
    long nonFiniteCount();

    /**
     * The calibrated range. May be called at any time after at least one finite value was observed;
     * observing more afterwards is allowed.
     *
     * @return the range to quantize with
     * @throws org.quant4j.api.CalibrationException when no finite value was observed
     */
    TensorRange range();

    /** Forgets everything observed. */
    void reset();
}
