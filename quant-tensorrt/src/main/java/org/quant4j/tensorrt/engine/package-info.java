/**
 * What calls TensorRT and CUDA through the JavaCPP presets: loading the natives once
 * ({@link org.quant4j.tensorrt.engine.TensorRtRuntime}), building engines
 * ({@link org.quant4j.tensorrt.engine.EngineBuilder}) with the calibrator bridges, and running them
 * ({@link org.quant4j.tensorrt.engine.EngineRunner}). Every class here needs a GPU.
 */
package org.quant4j.tensorrt.engine;
