/**
 * The saturation analysis of quant-onnx run on data with ONNX Runtime ({@link
 * org.quant4j.onnxruntime.saturation.DataSaturation}).
 */
package org.quant4j.onnxruntime.saturation;
