package org.quant4j.qat.simulate;

/** How a fake quantizer of an activation follows its range during quantization-aware training. */
public enum RangeMode {
    /** The running minimum and maximum of every training batch seen, from the calibrated range on. */
    MIN_MAX,
    /**
     * A moving average of each training batch's minimum and maximum,
     * {@code r += c * (batch - r)} (PyTorch's MovingAverageMinMaxObserver), from the calibrated range on.
     */
    MOVING_AVERAGE,
    /** The scale is a trained parameter (LSQ, Esser et al. 2020), starting at the calibrated one; the zero point stays. */
    LEARNED_SCALE
}
