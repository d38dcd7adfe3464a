package org.quant4j.api.calibration;

/**
 * Receives the values of the calibrated tensors while a {@link ModelCalibrator} runs, next to their
 * calibrators (to gather statistics, say). For each tensor the batches arrive in order, one call
 * per batch; calls for different tensors may run at the same time on different threads.
 */
@FunctionalInterface
public interface TensorObserver {

    /**
     * Observes {@code length} values of {@code tensor} from {@code values[offset]}; the array is
     * reused once the call returns.
     *
     * @param tensor the tensor's name in the graph
     * @param values holds the batch's values of the tensor; valid only during the call
     * @param offset index of the first value
     * @param length how many values there are
     */
    void observe(String tensor, float[] values, int offset, int length);
}
