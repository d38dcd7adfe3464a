/**
 * The TensorRT backend: the {@code tensorrt} quantizer and evaluator providers, the engine build
 * options, and the typed errors. Natives load lazily in {@link org.quant4j.tensorrt.engine};
 * {@link org.quant4j.tensorrt.probe} says, without loading them, what this machine lacks.
 */
package org.quant4j.tensorrt;
