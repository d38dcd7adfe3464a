package org.quant4j.sensitivity.gradient;

/**
 * Predicts from gradients of the float model how much quantizing each layer's weight would raise a
 * loss, without running any quantized variant. Implementations live above quant-sensitivity (the
 * one in quant-qat runs the model on DJL), so that this module needs no training engine.
 */
public interface GradientEstimator extends AutoCloseable {

    /**
     * Estimates every layer of {@code request} whose weight static INT8 quantizes.
     *
     * @return the estimate, or {@link GradientEstimate#unsupported} with the reason when the
     *         estimator cannot run the model (an op it does not support, several inputs)
     */
    GradientEstimate estimate(GradientRequest request);

    /** Releases native memory; closing twice is harmless. */
    @Override
    void close();
}
