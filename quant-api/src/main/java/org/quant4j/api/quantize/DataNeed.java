package org.quant4j.api.quantize;

/**
 * What data a quantizer needs to make a model in one mode, as its provider declares it
 * ({@link QuantizerProvider#dataNeed}). Callers (the CLI, comparisons) decide which data to pass
 * from this, never from a backend's name. Whatever is needed travels in
 * {@link QuantizationRequest#calibrationData()}.
 */
public enum DataNeed {
    /** No data: the model alone decides (e.g. dynamic INT8 or FP16). */
    NONE,
    /** A few hundred representative inputs whose activation ranges are observed; labels are not used. */
    CALIBRATION_SAMPLES,
    /**
     * The whole labelled training set: the quantizer trains on it (quantization-aware training) and
     * picks its own calibration and validation parts from it.
     */
    LABELLED_TRAINING_DATA;

    /** Whether the request must carry data. */
    public boolean needsData() {
        return this != NONE;
    }
}
