/**
 * ONNX models and their graphs: reading and atomic writing ({@link org.quant4j.onnx.graph.OnnxModel}),
 * a mutable graph for rewriting ({@link org.quant4j.onnx.graph.Graph}, {@link org.quant4j.onnx.graph.Node}),
 * tensors and their protobuf form, and opset upgrades that refuse to change a node's meaning.
 */
package org.quant4j.onnx.graph;
