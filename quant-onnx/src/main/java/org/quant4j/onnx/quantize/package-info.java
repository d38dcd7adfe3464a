/**
 * Backend-neutral quantization of ONNX graphs: static QDQ (planned by {@code QdqPlan} from its
 * selection, range groups and activation absorption, written by {@code QdqRewriter}), dynamic int8
 * and FP16 rewrites. Calibration is the backend's: it comes in as a {@link
 * org.quant4j.onnx.quantize.TensorCalibration}.
 */
package org.quant4j.onnx.quantize;
