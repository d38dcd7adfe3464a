package org.quant4j.api.calibration;

/**
 * Calibrates the activation ranges of a model on data by running it on a backend, without
 * quantizing it. May hold native resources (a runtime environment), so it is
 * {@link AutoCloseable}; closing twice is harmless, calibrating after close throws
 * {@link IllegalStateException}.
 */
public interface ModelCalibrator extends AutoCloseable {

    /**
     * The provider name, e.g. {@code "onnxruntime"}.
     *
     * @return the provider name
     */
    String name();

    /**
     * Runs {@code request.data()} through the model and calibrates the selected tensors. The model
     * is never modified.
     *
     * @param request the model, data, config and tensor selection
     * @return the range of every calibrated tensor, with how it was obtained
     * @throws org.quant4j.api.InvalidInputException when the data does not fit the model or a
     *                                               selected tensor is not in it
     * @throws org.quant4j.api.CalibrationException  when a tensor never holds a finite value
     */
    CalibrationResult calibrate(CalibrationRequest request);

    @Override
    void close();
}
