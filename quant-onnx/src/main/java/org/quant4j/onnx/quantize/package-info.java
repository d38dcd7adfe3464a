/**
 * Quantization of ONNX graphs: static QDQ with calibration, dynamic int8, FP16 conversion, and the
 * {@code onnxruntime} {@link org.quant4j.api.quantize.Quantizer} that drives them.
 */
package org.quant4j.onnx.quantize;
