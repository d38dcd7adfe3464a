/**
 * Whether a quantized model loses accuracy on x86-64 CPUs without VNNI, where ONNX Runtime adds
 * pairs of uint8 x int8 products in saturating int16: an emulation of that arithmetic and an
 * analysis of a model's layers from their weights and on data.
 */
package org.quant4j.onnx.saturation;
