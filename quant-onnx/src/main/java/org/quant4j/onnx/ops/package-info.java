/**
 * What each ONNX op is to quant4j, in one table ({@link org.quant4j.onnx.ops.OpTable}): which input
 * is its weight and bias, the channel axis of its weight, whether static quantization computes it on
 * integers or passes quantization through it, how its output shape and sign follow from its inputs,
 * and its dynamic-quantization form. The static planner, the dynamic quantizer, quantization-aware
 * training, batch-norm folding, shape inference and calibration all read it.
 */
package org.quant4j.onnx.ops;
