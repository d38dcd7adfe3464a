/**
 * The {@code onnxruntime} {@link org.quant4j.api.calibration.ModelCalibrator}: calibration of a
 * model's activation ranges on ONNX Runtime as a library operation, without quantizing.
 */
package org.quant4j.onnxruntime.calibrate;
