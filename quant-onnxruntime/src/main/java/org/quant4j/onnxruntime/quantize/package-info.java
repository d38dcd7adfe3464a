/**
 * The {@code onnxruntime} {@link org.quant4j.api.quantize.Quantizer}: drives quant-onnx's graph
 * quantizers with ONNX Runtime's calibration pass ({@code ActivationCalibration}, {@code
 * CalibrationPass}) and checks the result against the CPUs it will run on.
 */
package org.quant4j.onnxruntime.quantize;
