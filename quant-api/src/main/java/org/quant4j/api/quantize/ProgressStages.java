package org.quant4j.api.quantize;

/**
 * The stage names the library operations report to a {@link ProgressListener}, in the order a
 * {@code quantize} call reports them, with the unit each counts. A stage may be reported several
 * times (static quantization calibrates a second time when a planned absorption fails); within one
 * run of a stage the counts never decrease and the last report has {@code done == total}.
 */
public final class ProgressStages {

    /** Reading the model and preparing it: read, clean-up transforms, opset conversion (3 steps). */
    public static final String PREPARE = "preparing model";
    /** Steps of {@link #PREPARE}. */
    public static final int PREPARE_STEPS = 3;
    /** Running the calibration data through the model to observe activation ranges (samples). */
    public static final String CALIBRATION = "calibration";
    /** Writing int8 weights and quantization nodes (nodes of the plan, static or dynamic). */
    public static final String WEIGHTS = "quantizing weights";
    /** Converting float32 initializers to float16 (initializers). */
    public static final String FP16_WEIGHTS = "converting weights to float16";
    /** Running the float16 and the float32 model on the data, looking for inf/NaN (samples). */
    public static final String FP16_CHECK = "checking float16 outputs";
    /** Running the INT8 model's AVX2 saturation probe on calibration samples (samples). */
    public static final String SATURATION = "saturation check";
    /** Running a classifier on labelled data (samples). */
    public static final String EVALUATION = "evaluation";
    /** Running a model and its reference on the same data (samples). */
    public static final String FIDELITY = "fidelity";

    private ProgressStages() {
    }
}
