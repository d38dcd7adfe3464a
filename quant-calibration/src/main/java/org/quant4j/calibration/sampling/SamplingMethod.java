package org.quant4j.calibration.sampling;

/** How {@link CalibrationSampler} chooses calibration samples. */
public enum SamplingMethod {
    /** Uniformly at random, without replacement. */
    UNIFORM,
    /**
     * Per class, in proportion to the class's frequency (largest-remainder rounding, ties to the
     * lower class index), uniformly at random within each class.
     */
    STRATIFIED
}
