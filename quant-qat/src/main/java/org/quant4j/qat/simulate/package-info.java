/**
 * Simulated INT8 on the DJL PyTorch engine: fake quantization with a straight-through estimator,
 * range observers, and {@link org.quant4j.qat.simulate.QatGraph}, an ONNX graph run by DJL with fake
 * quantizers where the static QDQ quantizer puts its QuantizeLinear/DequantizeLinear pairs.
 */
package org.quant4j.qat.simulate;
