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
     * Calibration samples used when given, and the mode works without them (e.g. FP16: with data it
     * keeps the nodes whose values leave the float16 range in float32 and checks the result for
     * inf/NaN; without, it converts every node and says that nothing was checked). Callers pass the
     * calibration samples they have.
     */
    OPTIONAL_CALIBRATION_SAMPLES,
    /**
     * The whole labelled training set: the quantizer trains on it (quantization-aware training) and
     * picks its own calibration and validation parts from it.
     */
    LABELLED_TRAINING_DATA;

    /**
     * Whether the request must carry data.
     *
     * @return true when a request without data is refused
     */
    public boolean needsData() {
        return this != NONE && this != OPTIONAL_CALIBRATION_SAMPLES;
    }

    /**
     * Whether the quantizer uses data when the request carries it (required or optional).
     *
     * @return false only for {@link #NONE}
     */
    public boolean usesData() {
        return this != NONE;
    }

    /**
     * Whether the data used is calibration samples (required or optional), not labelled training data.
     *
     * @return true for the two kinds of calibration samples
     */
    public boolean usesCalibrationSamples() {
        return this == CALIBRATION_SAMPLES || this == OPTIONAL_CALIBRATION_SAMPLES;
    }
}
