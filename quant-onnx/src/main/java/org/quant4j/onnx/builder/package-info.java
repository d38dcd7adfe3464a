/**
 * Building float32 ONNX models in code ({@link org.quant4j.onnx.builder.GraphBuilder}). The seeded
 * reference and architecture graphs built with it (small CNN, MLP, LSTM, ResNet-18/50, VGG16,
 * EfficientNet-B0) and their He initialisation are the test kit in this module's test-jar.
 */
package org.quant4j.onnx.builder;
