/**
 * Building float32 ONNX models in code ({@link org.quant4j.onnx.builder.GraphBuilder}), seeded He
 * initialisation, and seeded reference models (small CNN, MLP, LSTM, ResNet-18) for tests and benchmarks, and the full-size
 * architectures of {@link org.quant4j.onnx.builder.ArchitectureGraphs} (ResNet-18/50, VGG16,
 * EfficientNet-B0) for speed work.
 */
package org.quant4j.onnx.builder;
