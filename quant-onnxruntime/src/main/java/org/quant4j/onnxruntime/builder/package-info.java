/**
 * Building float32 ONNX models in code ({@link org.quant4j.onnxruntime.builder.GraphBuilder}), seeded He
 * initialisation, and seeded reference models (small CNN, MLP, LSTM, ResNet-18) for tests and benchmarks.
 */
package org.quant4j.onnxruntime.builder;
